package postgres

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const maxBatch = 256

// insertOp is one message insert waiting for the writer. scan reads the
// statement's single result row into the caller's variables; it may run
// twice (see commit).
type insertOp struct {
	ctx  context.Context
	sql  string
	args []any
	scan func(pgx.Row) error
	done chan error
}

// writer is the group commit for message inserts: the inserts waiting at a
// moment are sent as one pipelined batch in one transaction that first
// takes the messages advisory lock, then committed together. Callers
// return only after the commit, so "persisted before the ACK" holds.
type writer struct {
	pool    *pgxpool.Pool
	lockKey int64
	ops     chan *insertOp
	closing chan struct{}
	stopped chan struct{}

	commits, writes atomic.Int64
}

func newWriter(pool *pgxpool.Pool, lockKey int64) *writer {
	w := &writer{pool: pool, lockKey: lockKey, ops: make(chan *insertOp), closing: make(chan struct{}), stopped: make(chan struct{})}
	go w.run()
	return w
}

// do runs one insert in the next batch and returns after its commit.
func (w *writer) do(ctx context.Context, sql string, args []any, scan func(pgx.Row) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	op := &insertOp{ctx: ctx, sql: sql, args: args, scan: scan, done: make(chan error, 1)}
	select {
	case w.ops <- op:
	case <-w.closing:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-op.done
}

func (w *writer) run() {
	defer close(w.stopped)
	batch := make([]*insertOp, 0, maxBatch)
	for {
		select {
		case op := <-w.ops:
			batch = append(batch[:0], op)
		case <-w.closing:
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case op := <-w.ops:
				batch = append(batch, op)
			default:
				break fill
			}
		}
		w.commit(batch)
		clear(batch)
	}
}

// commit sends the batch; if it fails, each insert is retried alone so
// that one bad insert fails only its own caller.
func (w *writer) commit(batch []*insertOp) {
	live := make([]*insertOp, 0, len(batch))
	for _, op := range batch {
		if err := op.ctx.Err(); err != nil {
			op.done <- err
			continue
		}
		live = append(live, op)
	}
	if len(live) == 0 {
		return
	}
	w.commits.Add(1)
	w.writes.Add(int64(len(live)))
	err := w.send(live)
	if err == nil || len(live) == 1 {
		for _, op := range live {
			op.done <- err
		}
		return
	}
	for _, op := range live {
		op.done <- w.send([]*insertOp{op})
	}
}

// send runs the batch in one round trip: the statements of a pipelined
// batch up to its Sync form one implicit transaction, so the advisory lock
// taken first is held until they all commit, and a failing statement rolls
// every one of them back.
func (w *writer) send(ops []*insertOp) error {
	ctx := context.Background() // one caller's cancellation must not fail the others' inserts
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, w.lockKey)
	for _, op := range ops {
		b.Queue(op.sql, op.args...).QueryRow(op.scan)
	}
	return w.pool.SendBatch(ctx, b).Close()
}

func (w *writer) isClosed() bool {
	select {
	case <-w.closing:
		return true
	default:
		return false
	}
}

func (w *writer) close() {
	close(w.closing)
	<-w.stopped
}
