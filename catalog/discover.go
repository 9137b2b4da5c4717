package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/store"
)

// Update types of Discover.
const (
	UpdateCached   = "cached"   // the answer from the cache, at once
	UpdateLive     = "live"     // one provider's matching opportunities
	UpdateProgress = "progress" // N of M providers answered
	UpdateFailed   = "failed"   // a provider refused, failed or sent an unreadable catalog
	UpdateDone     = "done"     // the live search is over
)

// Update is one step of a Discover stream.
type Update struct {
	Type string `json:"type"`
	// TransactionIDs are the live searches (one per domain searched).
	TransactionIDs []string `json:"transaction_ids,omitempty"`
	// Results is the cached answer (type cached).
	Results *Results `json:"results,omitempty"`
	// BppID and Offers: one provider's answer, filtered by the query,
	// each offer tagged source "live" (type live). An offer's ID is the
	// cached one's, so a client replaces the cached copy with it.
	BppID  string        `json:"bpp_id,omitempty"`
	Offers []Opportunity `json:"offers,omitempty"`
	// Answered of Expected providers (every type after cached).
	Answered int `json:"answered"`
	Expected int `json:"expected"`
	// Failure is why BppID failed (type failed); at done, Failed lists
	// every provider that failed or never answered.
	Failure string    `json:"failure,omitempty"`
	Failed  []Failure `json:"failed,omitempty"`
}

// Failure is a provider that did not answer usefully.
type Failure struct {
	BppID  string `json:"bpp_id"`
	Reason string `json:"reason"`
}

// Discover answers q from the cache at once (an Update of type cached,
// before anything is sent), then searches the network live (one search per
// domain of q.Kind, every domain when empty, to one BPP when the bpp filter
// names one): a progress update names the searches' transactions and the
// providers expected, then each provider's matching opportunities are
// emitted as they arrive, with progress and failures, until every search is
// over (type done). Live answers also refresh the cache. It returns the live searches' transaction ids, joined
// by commas when several domains were searched. An error from emit ends
// Discover with that error.
func (c *Catalog) Discover(ctx context.Context, q Query, emit func(Update) error) (string, error) {
	if err := q.Validate(); err != nil {
		return "", fmt.Errorf("catalog: %w", err)
	}
	cached, err := c.Search(ctx, q)
	if err != nil {
		return "", err
	}
	if c.cfg.Engine == nil {
		if err := emit(Update{Type: UpdateCached, Results: cached}); err != nil {
			return "", err
		}
		return "", emit(Update{Type: UpdateDone})
	}
	domains := beckn.Domains()
	if q.Kind != "" {
		domains = []string{DomainOf(q.Kind)}
	}
	var bpp string
	if v := q.Filters["bpp"]; len(v) == 1 {
		bpp = v[0]
	}
	msg := q.Message
	if len(msg) == 0 {
		if msg, err = intentMessage(q); err != nil {
			return "", err
		}
	}
	// The cached answer goes out before anything is sent: a gateway slow
	// to acknowledge must not delay what Seeker already knows.
	if err := emit(Update{Type: UpdateCached, Results: cached}); err != nil {
		return "", err
	}
	type search struct {
		d        *engine.Dispatch
		expected []string
	}
	var searches []search
	var txns []string
	var failures []Failure
	for _, dom := range domains {
		d, err := c.cfg.Engine.Send(ctx, engine.Call{Action: beckn.ActionSearch,
			Context: beckn.Context{Domain: dom, BppID: bpp}, Message: msg, Owner: q.Owner})
		if err != nil {
			err = fmt.Errorf("catalog: sending the live search: %w", err)
			failures = append(failures, Failure{BppID: firstNonEmpty(bpp, "gateway"), Reason: err.Error()})
			_ = emit(Update{Type: UpdateDone, TransactionIDs: txns, Failed: failures})
			return strings.Join(txns, ","), err
		}
		txns = append(txns, d.Context.TransactionID)
		if d.Ack == "NACK" {
			failures = append(failures, Failure{BppID: firstNonEmpty(bpp, "gateway"), Reason: nackReason(d.Error)})
			continue
		}
		searches = append(searches, search{d: d, expected: c.cfg.Engine.Expected(ctx, d)})
	}
	txnIDs := strings.Join(txns, ",")
	expected := 0
	for _, s := range searches {
		expected += len(s.expected)
	}
	if err := emit(Update{Type: UpdateProgress, TransactionIDs: txns, Expected: expected}); err != nil {
		return txnIDs, err
	}

	var mu sync.Mutex // serialises emit and the counters
	answered := map[string]bool{}
	failed := map[string]bool{}
	for _, f := range failures {
		failed[f.BppID] = true
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var emitErr error
	send := func(u Update) error {
		if emitErr != nil {
			return emitErr
		}
		u.TransactionIDs = txns
		u.Answered, u.Expected = len(answered), max(expected, len(answered))
		if err := emit(u); err != nil {
			emitErr = err
			cancel() // the other searches' waits end too: nobody listens
		}
		return emitErr
	}
	var wg sync.WaitGroup
	for _, s := range searches {
		wg.Go(func() {
			opt := c.cfg.Collect
			opt.Expected = s.expected
			err := c.cfg.Engine.Collect(ctx, s.d, opt, func(m *store.Message) error {
				opps, perr := mapCallback(m)
				if perr == nil {
					if _, err := c.ingest(ctx, slices.Clone(opps), harvestSeq(q, s.d.Seq)); err != nil {
						c.log.Warn("caching live answers", "bpp", m.BppID, "err", err)
					}
				}
				c.Nudge() // the indexer's cursor moves past this callback promptly
				mu.Lock()
				defer mu.Unlock()
				answered[m.BppID] = true
				if perr != nil {
					failed[m.BppID] = true
					failures = append(failures, Failure{BppID: m.BppID, Reason: perr.Error()})
					return send(Update{Type: UpdateFailed, BppID: m.BppID, Failure: perr.Error()})
				}
				now := c.cfg.Now()
				var live []Opportunity
				for i := range opps {
					if q.Matches(&opps[i]) {
						o := opps[i].withAge("live", now)
						o.Raw = nil // as in cached results: Get has it
						live = append(live, o)
					}
				}
				if len(live) > 0 {
					if err := send(Update{Type: UpdateLive, BppID: m.BppID, Offers: live}); err != nil {
						return err
					}
				}
				return send(Update{Type: UpdateProgress, BppID: m.BppID})
			})
			if err != nil && !errors.Is(err, context.Canceled) {
				c.log.Warn("collecting live answers", "txn", s.d.Context.TransactionID, "err", err)
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if emitErr != nil {
		return txnIDs, emitErr
	}
	for _, s := range searches {
		for _, id := range s.expected {
			if !answered[id] && !failed[id] {
				failed[id] = true
				failures = append(failures, Failure{BppID: id, Reason: "no answer before the search ended"})
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return txnIDs, err
	}
	return txnIDs, send(Update{Type: UpdateDone, Failed: failures})
}

// harvestSeq is the seq to record for answers to a search: the request's
// own when the query is broad (its answers list whole catalogs), else 0.
func harvestSeq(q Query, seq int64) int64 {
	if q.broad() {
		return seq
	}
	return 0
}

// intentMessage is the search message for q.
func intentMessage(q Query) (jsontext.Value, error) {
	b, err := beckn.Marshal(&beckn.SearchMessage{Intent: q.Intent()})
	if err != nil {
		return nil, fmt.Errorf("catalog: encoding the search intent: %w", err)
	}
	return b, nil
}

// mapCallback maps one stored on_search callback. A callback that carries
// an error is a failure of its provider.
func mapCallback(m *store.Message) ([]Opportunity, error) {
	env, err := beckn.Decode(m.Raw)
	if err != nil {
		return nil, fmt.Errorf("unreadable on_search: %v", err)
	}
	if env.Error != nil && (env.Error.Code != "" || env.Error.Message != "") {
		return nil, fmt.Errorf("the provider answered with error %s: %s", env.Error.Code, env.Error.Message)
	}
	fetched := m.CreatedAt
	if fetched.IsZero() {
		fetched = time.Now()
	}
	return FromOnSearch(m.Raw, fetched)
}

func nackReason(e *beckn.Error) string {
	if e == nil {
		return "the search was refused (NACK)"
	}
	return fmt.Sprintf("the search was refused (NACK %s: %s)", e.Code, e.Message)
}

// HarvestReport says what one harvest did per domain.
type HarvestReport struct {
	Domains []DomainHarvest `json:"domains"`
}

// DomainHarvest is the harvest of one domain.
type DomainHarvest struct {
	Domain        string    `json:"domain"`
	TransactionID string    `json:"transaction_id,omitempty"`
	Answered      []string  `json:"answered"`
	Failed        []Failure `json:"failed,omitempty"`
	Cached        int       `json:"cached"`
	Expired       int       `json:"expired"`
	Error         string    `json:"error,omitempty"`
}

// Refresh harvests now: a broad search per domain of kinds (every domain
// when empty), every answer cached, and for each provider platform that
// answered, the items its catalog no longer lists expired. It returns when
// every search is over.
func (c *Catalog) Refresh(ctx context.Context, kinds ...string) (*HarvestReport, error) {
	if c.cfg.Engine == nil {
		return nil, errors.New("catalog: no engine to search the network with")
	}
	domains := beckn.Domains()
	if len(kinds) > 0 {
		domains = nil
		for _, k := range kinds {
			d := DomainOf(k)
			if d == "" {
				return nil, fmt.Errorf("catalog: kind %q is not one of course, job, scholarship, mentorship", k)
			}
			if !slices.Contains(domains, d) {
				domains = append(domains, d)
			}
		}
	}
	rep := &HarvestReport{Domains: make([]DomainHarvest, len(domains))}
	var wg sync.WaitGroup
	for i, dom := range domains {
		wg.Go(func() { rep.Domains[i] = c.harvestDomain(ctx, dom) })
	}
	wg.Wait()
	return rep, ctx.Err()
}

func (c *Catalog) harvestDomain(ctx context.Context, dom string) DomainHarvest {
	h := DomainHarvest{Domain: dom, Answered: []string{}}
	msg, _ := intentMessage(Query{})
	d, err := c.cfg.Engine.Send(ctx, engine.Call{Action: beckn.ActionSearch, Context: beckn.Context{Domain: dom},
		Message: msg, Owner: "seeker-catalog"})
	if err != nil {
		h.Error = err.Error()
		return h
	}
	h.TransactionID = d.Context.TransactionID
	if d.Ack == "NACK" {
		h.Error = nackReason(d.Error)
		return h
	}
	opt := c.cfg.Collect
	opt.Expected = c.cfg.Engine.Expected(ctx, d)
	opt.Grace = max(opt.Grace, harvestGrace)
	ok := map[string]bool{}
	bad := map[string]bool{}
	err = c.cfg.Engine.Collect(ctx, d, opt, func(m *store.Message) error {
		opps, err := mapCallback(m)
		if err != nil {
			bad[m.BppID] = true
			h.Failed = append(h.Failed, Failure{BppID: m.BppID, Reason: err.Error()})
			return nil
		}
		n, err := c.ingest(ctx, opps, d.Seq)
		if err != nil {
			bad[m.BppID] = true
			h.Failed = append(h.Failed, Failure{BppID: m.BppID, Reason: err.Error()})
			return nil
		}
		h.Cached += n
		if !ok[m.BppID] {
			ok[m.BppID] = true
			h.Answered = append(h.Answered, m.BppID)
		}
		return nil
	})
	if err != nil {
		h.Error = err.Error()
		return h
	}
	now := c.cfg.Now()
	for _, bpp := range h.Answered {
		if bad[bpp] {
			continue // a provider with a failed page may have listed more
		}
		n, err := c.ix.expireMissing(ctx, bpp, d.Seq, now)
		if err != nil {
			h.Error = err.Error()
			return h
		}
		h.Expired += n
	}
	for _, id := range opt.Expected {
		if !ok[id] && !bad[id] {
			h.Failed = append(h.Failed, Failure{BppID: id, Reason: "no answer before the harvest ended"})
		}
	}
	return h
}
