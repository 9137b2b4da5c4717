package engine

import (
	"sync"
	"time"
)

// sentRequest is what correlation needs to know of a request this process
// sent: enough to match its callbacks without reading the store.
type sentRequest struct {
	seq      int64
	action   string
	deadline time.Time
}

// sentCache remembers recent outbound requests by message id. Every
// callback is correlated, and a search's message id gets one callback per
// provider page, so answering from memory takes a database read off the
// ingestion hot path. A miss (a request sent by another instance, or before
// a restart) falls back to the store, so the cache is only ever a shortcut.
type sentCache struct {
	mu    sync.Mutex
	max   int
	byID  map[string]sentRequest
	order []string // insertion order, for eviction
	next  int
}

// newSentCache returns an empty cache of at most max requests. Its map and
// ring grow with use rather than being reserved up front: a full cache is
// about 10 MB, which an idle or lightly used BAP should not carry.
func newSentCache(max int) *sentCache {
	return &sentCache{max: max, byID: map[string]sentRequest{}}
}

func (c *sentCache) put(messageID string, r sentRequest) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[messageID]; ok {
		c.byID[messageID] = r
		return
	}
	if len(c.order) < c.max {
		c.order = append(c.order, messageID)
	} else {
		delete(c.byID, c.order[c.next])
		c.order[c.next] = messageID
		c.next = (c.next + 1) % c.max
	}
	c.byID[messageID] = r
}

func (c *sentCache) get(messageID string) (sentRequest, bool) {
	c.mu.Lock()
	r, ok := c.byID[messageID]
	c.mu.Unlock()
	return r, ok
}
