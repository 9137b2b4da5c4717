package telemetry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// queue is a FIFO of batches kept in the store's key-value table, so batches
// the service has not accepted survive a restart. The store offers no key
// scan, so the queue is a numbered sequence of keys between two cursors:
//
//	<prefix>head           number of the oldest batch not yet sent
//	<prefix>tail           number the next batch will get
//	<prefix>batch/<n>      "<events>\n<body>" of batch n (20 digits, ordered)
//	<prefix>rejected/<n>   a batch the service refused as malformed
//
// The cursors are hints written after the batch itself: sync advances tail
// past any batch that exists beyond it (a crash between writing a batch and
// its cursor) and head past batches already deleted (a crash between a
// successful send and moving head). The worst case is that one batch is
// sent twice, with the same batch id.
//
// Every instance with the same telemetry name shares the queue, so its
// batches are sent once and in order whichever instance cut them. Instances
// take turns under the sender's lease (see Sender.turn) and sync before
// each turn, since another instance may have moved the cursors.
type queue struct {
	st         store.Store
	prefix     string
	head, tail uint64
	// events is the event count of each stored batch in [head, tail) that
	// this instance has seen, so a sync reads only new batches.
	events map[uint64]int
}

// deleted marks a removed batch: KV has no delete, so the value is emptied
// and expired.
var deleted = time.Unix(1, 0)

func (q *queue) key(kind string, n uint64) string {
	return fmt.Sprintf("%s%s/%020d", q.prefix, kind, n)
}

// sync reloads the cursors, repairs them and counts the events of batches
// it has not seen yet.
func (q *queue) sync(ctx context.Context) error {
	head, err := q.cursor(ctx, "head")
	if err != nil {
		return err
	}
	tail, err := q.cursor(ctx, "tail")
	if err != nil {
		return err
	}
	// The cursors only grow; this instance's own may be ahead of a cursor
	// write that failed.
	head, tail = max(head, q.head), max(tail, q.tail, head)
	for {
		_, _, ok, err := q.get(ctx, tail)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		tail++
	}
	if q.events == nil {
		q.events = map[uint64]int{}
	}
	for n := range q.events {
		if n < head {
			delete(q.events, n)
		}
	}
	for n := head; n < tail; n++ {
		if _, seen := q.events[n]; seen {
			continue
		}
		count, _, ok, err := q.get(ctx, n)
		if err != nil {
			return err
		}
		if ok {
			q.events[n] = count
		} else if n == head {
			head++
		}
	}
	q.head, q.tail = head, tail
	return nil
}

// stored is the number of events and batches waiting in the queue, as of
// the last sync, push or pop.
func (q *queue) stored() (events, batches int64) {
	for _, n := range q.events {
		events += int64(n)
	}
	return events, int64(len(q.events))
}

func (q *queue) cursor(ctx context.Context, name string) (uint64, error) {
	v, err := q.st.GetKV(ctx, q.prefix+name)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("telemetry: reading the %s cursor: %w", name, err)
	}
	n, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("telemetry: the stored %s cursor %q is not a number", name, v)
	}
	return n, nil
}

func (q *queue) putCursor(ctx context.Context, name string, n uint64) error {
	if err := q.st.PutKV(ctx, q.prefix+name, []byte(strconv.FormatUint(n, 10)), time.Time{}); err != nil {
		return fmt.Errorf("telemetry: storing the %s cursor: %w", name, err)
	}
	return nil
}

// get reads batch n; ok is false when it does not exist or was deleted.
func (q *queue) get(ctx context.Context, n uint64) (events int, body []byte, ok bool, err error) {
	v, err := q.st.GetKV(ctx, q.key("batch", n))
	if errors.Is(err, store.ErrNotFound) || (err == nil && len(v) == 0) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("telemetry: reading batch %d: %w", n, err)
	}
	i := bytes.IndexByte(v, '\n')
	if i < 0 {
		return 0, nil, false, fmt.Errorf("telemetry: stored batch %d has no event count", n)
	}
	events, err = strconv.Atoi(string(v[:i]))
	if err != nil {
		return 0, nil, false, fmt.Errorf("telemetry: stored batch %d has event count %q", n, v[:i])
	}
	return events, v[i+1:], true, nil
}

// push appends a batch durably. Once the batch itself is written it is in
// the queue, even if the tail cursor (a hint, repaired by sync) is not: the
// caller must then not store its events again, so push returns nil.
func (q *queue) push(ctx context.Context, events int, body []byte) error {
	v := make([]byte, 0, len(body)+8)
	v = strconv.AppendInt(v, int64(events), 10)
	v = append(v, '\n')
	v = append(v, body...)
	if err := q.st.PutKV(ctx, q.key("batch", q.tail), v, time.Time{}); err != nil {
		return fmt.Errorf("telemetry: storing batch %d: %w", q.tail, err)
	}
	if q.events == nil {
		q.events = map[uint64]int{}
	}
	q.events[q.tail] = events
	q.tail++
	_ = q.putCursor(ctx, "tail", q.tail) // a failure costs a probe at the next sync, nothing else
	return nil
}

// front returns the oldest batch, skipping numbers whose batch is gone.
func (q *queue) front(ctx context.Context) (n uint64, events int, body []byte, ok bool, err error) {
	for q.head < q.tail {
		events, body, ok, err = q.get(ctx, q.head)
		if err != nil || ok {
			return q.head, events, body, ok, err
		}
		delete(q.events, q.head)
		q.head++
	}
	return 0, 0, nil, false, nil
}

// pop removes the oldest batch; when rejected, its body is kept under the
// rejected key so an operator can see what the service refused.
func (q *queue) pop(ctx context.Context, n uint64, rejected []byte) error {
	if rejected != nil {
		if err := q.st.PutKV(ctx, q.key("rejected", n), rejected, time.Time{}); err != nil {
			return fmt.Errorf("telemetry: keeping rejected batch %d: %w", n, err)
		}
	}
	if err := q.st.PutKV(ctx, q.key("batch", n), nil, deleted); err != nil {
		return fmt.Errorf("telemetry: removing sent batch %d: %w", n, err)
	}
	delete(q.events, n)
	q.head = n + 1
	return q.putCursor(ctx, "head", q.head)
}
