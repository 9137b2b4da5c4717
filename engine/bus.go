package engine

import (
	"context"
	"sync"
)

// Event announces that a message was stored. It carries ids only: waiters
// read the message itself from the store, so an event can cross process
// boundaries (PostgreSQL NOTIFY) cheaply and nothing is lost when an event is
// dropped — the store stays the truth and waiters re-read it.
type Event struct {
	Seq           int64  `json:"seq"`
	TransactionID string `json:"txn"`
	MessageID     string `json:"mid"`
	Action        string `json:"action"`
}

// Bus carries events from whichever instance stored a callback to every
// waiter, on this instance or another.
type Bus interface {
	// Publish announces e to the subscribers of its transaction and to the
	// subscribers of every transaction.
	Publish(ctx context.Context, e Event) error
	// Subscribe returns a channel of events for one transaction, or for all
	// transactions when transactionID is "". The channel is buffered; a slow
	// subscriber misses events rather than blocking publishers, and must
	// re-read the store after a wake-up anyway. cancel releases it.
	Subscribe(transactionID string) (events <-chan Event, cancel func())
}

// MemBus is the in-process Bus of a single instance.
type MemBus struct {
	mu   sync.Mutex
	subs map[string]map[chan Event]struct{}
}

// NewMemBus returns an empty in-process bus.
func NewMemBus() *MemBus { return &MemBus{subs: map[string]map[chan Event]struct{}{}} }

// Publish implements Bus.
func (b *MemBus) Publish(_ context.Context, e Event) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, key := range [...]string{e.TransactionID, ""} {
		for ch := range b.subs[key] {
			select {
			case ch <- e:
			default: // never block a publisher; the subscriber re-reads the store
			}
		}
		if e.TransactionID == "" {
			break
		}
	}
	return nil
}

// Subscribe implements Bus.
func (b *MemBus) Subscribe(transactionID string) (<-chan Event, func()) {
	ch := make(chan Event, 64)
	b.mu.Lock()
	if b.subs[transactionID] == nil {
		b.subs[transactionID] = map[chan Event]struct{}{}
	}
	b.subs[transactionID][ch] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs[transactionID], ch)
			if len(b.subs[transactionID]) == 0 {
				delete(b.subs, transactionID)
			}
			b.mu.Unlock()
		})
	}
}
