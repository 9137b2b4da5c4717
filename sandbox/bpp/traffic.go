package bpp

import (
	"maps"
	"sync"
)

// Traffic is a provider's own account of its exchanges with BAPs, so a test
// can hold a BAP to it: every callback the provider had acknowledged is
// stored once, and no request arrived twice.
type Traffic struct {
	// CallbacksStarted counts the callbacks the provider began to send (a
	// callback sent as several copies by the duplicate fault counts once);
	// CallbacksAcked those the receiver, BAP or gateway, acknowledged, after
	// the provider's own retries; CallbacksFailed those it gave up on (a
	// NACK, or transport errors and 5xx on every attempt). Once nothing is
	// in flight, Started = Acked + Failed.
	CallbacksStarted, CallbacksAcked, CallbacksFailed int64
	// Requests counts the requests that passed signature verification, by
	// "<action> <message_id>".
	Requests map[string]int
}

// InFlight reports whether a callback is still being sent.
func (t Traffic) InFlight() bool {
	return t.CallbacksStarted != t.CallbacksAcked+t.CallbacksFailed
}

// traffic is the counter behind Traffic.
type traffic struct {
	mu sync.Mutex
	t  Traffic
}

func (c *traffic) callbackStarted() {
	c.mu.Lock()
	c.t.CallbacksStarted++
	c.mu.Unlock()
}

func (c *traffic) callbackDone(err error) {
	c.mu.Lock()
	if err != nil {
		c.t.CallbacksFailed++
	} else {
		c.t.CallbacksAcked++
	}
	c.mu.Unlock()
}

func (c *traffic) request(action, messageID string) {
	c.mu.Lock()
	if c.t.Requests == nil {
		c.t.Requests = map[string]int{}
	}
	c.t.Requests[action+" "+messageID]++
	c.mu.Unlock()
}

// Traffic returns a copy of the provider's counters since it started.
func (b *BPP) Traffic() Traffic {
	b.traffic.mu.Lock()
	defer b.traffic.mu.Unlock()
	t := b.traffic.t
	t.Requests = maps.Clone(t.Requests)
	return t
}
