// Package pgbus carries engine events between Seeker instances that share a
// PostgreSQL database, with LISTEN/NOTIFY. A callback stored by one
// instance wakes the waiters (synchronous requests, streams, webhooks) of
// every instance. Notifications carry ids only; waiters read the messages
// from the store, so a notification lost while a connection is re-made
// costs latency (waiters also poll), never a message.
package pgbus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onest-seeker/seeker/engine"
)

// DefaultChannel is the notification channel of Seeker's events.
const DefaultChannel = "seeker_events"

// Bus implements engine.Bus over PostgreSQL.
type Bus struct {
	url     string
	channel string
	log     *slog.Logger
	local   *engine.MemBus

	mu   sync.Mutex
	pub  *pgx.Conn // publishing connection, re-made on error
	stop context.CancelFunc
	done chan struct{}
}

var _ engine.Bus = (*Bus)(nil)

// New connects to url, starts listening on channel ("" = DefaultChannel)
// and returns once the listener is in place, so nothing published after
// New returns is missed.
func New(ctx context.Context, url, channel string, log *slog.Logger) (*Bus, error) {
	if channel == "" {
		channel = DefaultChannel
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Bus{url: url, channel: channel, log: log, local: engine.NewMemBus(), done: make(chan struct{})}
	listener, err := b.listen(ctx)
	if err != nil {
		return nil, err
	}
	lctx, cancel := context.WithCancel(context.Background())
	b.stop = cancel
	go b.run(lctx, listener)
	return b, nil
}

func (b *Bus) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		return nil, fmt.Errorf("pgbus: connecting: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.channel}.Sanitize()); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("pgbus: LISTEN %s: %w", b.channel, err)
	}
	return conn, nil
}

// run hands every notification to the local subscribers, re-making the
// listening connection with backoff when it breaks.
func (b *Bus) run(ctx context.Context, conn *pgx.Conn) {
	defer close(b.done)
	backoff := 100 * time.Millisecond
	for {
		if conn == nil {
			c, err := b.listen(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				b.log.Warn("event bus: re-listening", "err", err)
				select {
				case <-ctx.Done():
					return
				case <-time.After(backoff):
				}
				backoff = min(backoff*2, 5*time.Second)
				continue
			}
			conn, backoff = c, 100*time.Millisecond
		}
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			conn.Close(context.Background())
			conn = nil
			if ctx.Err() != nil {
				return
			}
			b.log.Warn("event bus: listener lost", "err", err)
			continue
		}
		var e engine.Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			b.log.Warn("event bus: unreadable notification", "payload", n.Payload, "err", err)
			continue
		}
		_ = b.local.Publish(ctx, e)
	}
}

// Publish notifies every instance, this one included (through its own
// listener, so each subscriber hears an event once).
func (b *Bus) Publish(ctx context.Context, e engine.Event) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for attempt := 0; attempt < 2; attempt++ {
		if b.pub == nil {
			if b.pub, err = pgx.Connect(ctx, b.url); err != nil {
				b.pub = nil
				return fmt.Errorf("pgbus: connecting to publish: %w", err)
			}
		}
		if _, err = b.pub.Exec(ctx, "SELECT pg_notify($1, $2)", b.channel, string(payload)); err == nil {
			return nil
		}
		b.pub.Close(context.Background())
		b.pub = nil // re-made once: the connection may just have been dropped
	}
	return fmt.Errorf("pgbus: notifying: %w", err)
}

// Subscribe implements engine.Bus.
func (b *Bus) Subscribe(transactionID string) (<-chan engine.Event, func()) {
	return b.local.Subscribe(transactionID)
}

// Close stops listening and closes the connections.
func (b *Bus) Close() error {
	b.stop()
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pub != nil {
		err := b.pub.Close(context.Background())
		b.pub = nil
		return err
	}
	return nil
}
