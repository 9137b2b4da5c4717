// Package catalog is Seeker's catalog cache and search index: everything
// the ONEST network offers, normalised into Opportunities (courses, jobs,
// scholarships, mentoring sessions), searchable at once, while the network
// is asked live for what changed.
//
// # Feeding the cache
//
// Every on_search Seeker stores — answers to a learner's search, to a
// partner app's search through the protocol API, to a harvest — reaches the
// cache: an indexer follows the store's message log with a cursor kept in
// the store, so the engine knows nothing of the catalog. Harvesting sends a
// broad search per domain every Config.HarvestInterval (config
// catalog.harvest_interval, default 1 h) and on demand (Refresh); the items
// a provider platform no longer lists in its answer to a broad search
// expire at once. Provider.ttl -1 means never cache (such items are shown
// live only); a positive ttl, Catalog.exp, Catalog.ttl and Item.ttl bound
// how long an item is served; otherwise Config.DefaultTTL applies. The
// indexer and the harvester each run only while their instance holds a
// lease in the store, so several instances on one database do the work
// once.
//
// # API
//
//   - FromOnSearch(body, fetched) maps an on_search body to Opportunities
//     (pure; tolerant of the real-world variants of ONEST catalogs).
//   - Query{Text, Kind, Filters, Facets, Sort, Offset, Limit} with
//     Query.Matches (so live answers obey every filter), Query.Intent (the
//     filters a provider can act on, as a Beckn search intent),
//     QueryFromIntent (the reverse, to answer a protocol search from cache)
//     and ParseQuery (from URL parameters, as the client API and the web
//     app take them; FilterNames and FacetNames list what is accepted).
//   - Catalog.Search(ctx, q) → Results{Total, Offers, Groups, Facets}: one
//     Group per offering, each provider's offer kept ("offered by 3
//     providers"); every Opportunity carries Source ("cache") and Age.
//   - Catalog.Get(ctx, id) → the cached Opportunity with its raw provider
//     and item, for detail pages.
//   - Catalog.Discover(ctx, q, emit): the cached answer at once, then the
//     live search, emitting each provider's matching opportunities
//     (Source "live"), progress ("N of M providers answered") and
//     failures, until the search completes.
//   - Catalog.Refresh(ctx, kinds...) harvests now; Start/Stop run the
//     background work.
//
// # Storage and search
//
// The catalog keeps its own tables in the store's database (SQLite FTS5, or
// PostgreSQL tsvector), reached through store/sqlite's and store/postgres's
// extension methods. Text is folded and split into tokens in Go (text.go:
// Unicode normalisation, case, Latin accents, Hindi nukta and joiners), and
// both databases index exactly those tokens, so Hindi is searchable and
// both backends match the same documents. After the text match every
// filter, facet count, grouping and ordering is computed in Go from a
// compact per-item record, which is why both backends give the same
// results and why Query.Matches is the one definition of a filter.
package catalog
