// Package pgbus carries engine events between Seeker instances that share a
// PostgreSQL database, with LISTEN/NOTIFY. A callback stored by one
// instance wakes the waiters (synchronous requests, streams, webhooks) of
// every instance. Notifications carry ids only; waiters read the messages
// from the store, so a notification lost while a connection is re-made
// costs latency (waiters also poll), never a message.
//
// Publishing is off the callback's path: Publish queues the event and one
// publisher per instance sends what has queued meanwhile as JSON arrays,
// several notifications in one round trip. A callback's ACK so never waits
// for a notification, and instances under load send one notification per
// batch of callbacks, not one each (PostgreSQL serialises NOTIFY at commit).
package pgbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
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

	queue     chan engine.Event // events waiting for the publisher
	closing   chan struct{}     // closed by Close: the publisher flushes and ends
	published chan struct{}     // closed when the publisher has ended
	closeOnce sync.Once
}

// queueSize bounds the events waiting for the publisher; Publish waits
// (within its context) when it is full.
const queueSize = 4096

// maxPayload keeps a notification below PostgreSQL's 8000-byte limit.
const maxPayload = 7800

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
	b := &Bus{url: url, channel: channel, log: log, local: engine.NewMemBus(), done: make(chan struct{}),
		queue: make(chan engine.Event, queueSize), closing: make(chan struct{}), published: make(chan struct{})}
	listener, err := b.listen(ctx)
	if err != nil {
		return nil, err
	}
	lctx, cancel := context.WithCancel(context.Background())
	b.stop = cancel
	go b.run(lctx, listener)
	go b.publisher()
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
		events, err := decodePayload(n.Payload)
		if err != nil {
			b.log.Warn("event bus: unreadable notification", "payload", n.Payload, "err", err)
			continue
		}
		for _, e := range events {
			_ = b.local.Publish(ctx, e)
		}
	}
}

// decodePayload reads a notification: a JSON array of events, or one event
// object as instances before batching sent it (a rolling upgrade mixes
// both).
func decodePayload(p string) ([]engine.Event, error) {
	if strings.HasPrefix(p, "[") {
		var events []engine.Event
		err := json.Unmarshal([]byte(p), &events)
		return events, err
	}
	var e engine.Event
	if err := json.Unmarshal([]byte(p), &e); err != nil {
		return nil, err
	}
	return []engine.Event{e}, nil
}

// Publish queues e for every instance, this one included (through its own
// listener, so each subscriber hears an event once). It returns at once
// unless the queue is full, then within ctx.
func (b *Bus) Publish(ctx context.Context, e engine.Event) error {
	select {
	case <-b.closing:
		return errors.New("pgbus: the bus is closed")
	default:
	}
	select {
	case b.queue <- e:
		return nil
	case <-b.closing:
		return errors.New("pgbus: the bus is closed")
	case <-ctx.Done():
		return fmt.Errorf("pgbus: the notification queue is full: %w", ctx.Err())
	}
}

// publisher sends queued events until Close, then what is still queued.
func (b *Bus) publisher() {
	defer close(b.published)
	batch := make([]engine.Event, 0, 256)
	for {
		select {
		case e := <-b.queue:
			batch = append(batch[:0], e)
		case <-b.closing:
			batch = batch[:0]
			for {
				select {
				case e := <-b.queue:
					batch = append(batch, e)
				default:
					if len(batch) > 0 {
						b.send(batch)
					}
					return
				}
			}
		}
	fill:
		for len(batch) < cap(batch) {
			select {
			case e := <-b.queue:
				batch = append(batch, e)
			default:
				break fill
			}
		}
		b.send(batch)
	}
}

// send notifies events as arrays of at most maxPayload bytes, all in one
// round trip; a failure is logged (waiters poll the store, so it costs
// latency only).
func (b *Bus) send(events []engine.Event) {
	var payloads []string
	var buf []byte
	for _, e := range events {
		one, err := json.Marshal(e)
		if err != nil {
			b.log.Warn("event bus: encoding an event", "err", err)
			continue
		}
		if len(buf) > 0 && len(buf)+1+len(one)+1 > maxPayload {
			payloads = append(payloads, string(append(buf, ']')))
			buf = buf[:0]
		}
		if len(buf) == 0 {
			buf = append(buf, '[')
		} else {
			buf = append(buf, ',')
		}
		buf = append(buf, one...)
	}
	if len(buf) > 0 {
		payloads = append(payloads, string(append(buf, ']')))
	}
	if len(payloads) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.notify(ctx, payloads); err != nil {
		b.log.Warn("event bus: notifying; waiters will find the callbacks by polling", "events", len(events), "err", err)
	}
}

// notify sends the payloads in one pipelined round trip, re-making the
// publishing connection once (it may just have been dropped).
func (b *Bus) notify(ctx context.Context, payloads []string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		if b.pub == nil {
			if b.pub, err = pgx.Connect(ctx, b.url); err != nil {
				b.pub = nil
				return fmt.Errorf("pgbus: connecting to publish: %w", err)
			}
		}
		batch := &pgx.Batch{}
		for _, p := range payloads {
			batch.Queue("SELECT pg_notify($1, $2)", b.channel, p)
		}
		if err = b.pub.SendBatch(ctx, batch).Close(); err == nil {
			return nil
		}
		b.pub.Close(context.Background())
		b.pub = nil
	}
	return fmt.Errorf("pgbus: notifying: %w", err)
}

// Subscribe implements engine.Bus.
func (b *Bus) Subscribe(transactionID string) (<-chan engine.Event, func()) {
	return b.local.Subscribe(transactionID)
}

// Close sends the events still queued, stops listening and closes the
// connections.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() { close(b.closing) })
	<-b.published
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
