package server

import (
	"context"
	"log/slog"

	"github.com/onest-seeker/seeker/catalog"
	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// catalogPart is the catalog cache and its harvester, built in New and run
// between Start and Close.
type catalogPart struct {
	c *catalog.Catalog
}

// newCatalog opens the catalog's tables in the store's database. The
// instance name of its leases is the engine's, so one name identifies an
// instance in every lease it holds.
func newCatalog(ctx context.Context, cfg config.Config, st store.Store, eng *engine.Engine, log *slog.Logger) (*catalog.Catalog, error) {
	c, err := catalog.New(ctx, catalog.Config{
		Store:           st,
		Engine:          eng,
		HarvestInterval: cfg.Catalog.HarvestInterval,
		DefaultTTL:      cfg.Catalog.DefaultTTL,
		Collect:         engine.CollectOptions{Quiet: cfg.SearchQuiet},
		Logger:          log.With("part", "catalog"),
	})
	if err != nil {
		return nil, &config.Problem{Setting: "storage", Fix: err.Error()}
	}
	return c, nil
}

// Catalog is the catalog cache and search index (the web app searches it).
func (s *Server) Catalog() *catalog.Catalog { return s.catalog.c }

// startCatalog starts the indexer and periodic harvesting.
func (s *Server) startCatalog(ctx context.Context) error {
	if s.catalog.c != nil {
		s.catalog.c.Start(ctx)
	}
	return nil
}

// closeCatalog stops harvesting and indexing and gives their leases up.
func (s *Server) closeCatalog() {
	if s.catalog.c != nil {
		s.catalog.c.Stop()
	}
}
