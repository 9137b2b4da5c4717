package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by writes on a closed store.
var ErrClosed = errors.New("sqlite: store is closed")

// maxBatch bounds how many writes share one transaction, so that a caller
// never waits behind an unbounded amount of other work.
const maxBatch = 256

// writeOp is one caller's write waiting for the writer goroutine. fn runs
// inside the writer's open transaction; it may run twice (see commit), so it
// writes its results only to variables the caller reads after done.
type writeOp struct {
	ctx  context.Context
	fn   func(w *writeConn) error
	done chan error
}

// writer is the group commit: SQLite allows one writer at a time and pays
// for each commit, so every write of the process goes to one goroutine that
// owns the only write connection. It takes all writes that are waiting,
// runs them in one transaction, commits once and then releases every
// caller. Under load (16 connections delivering callbacks) one commit
// covers many inserts, yet each caller still returns only after its data is
// committed, which is what "persisted before the ACK" needs.
type writer struct {
	ops     chan *writeOp
	closing chan struct{}
	stopped chan struct{}
	conn    *writeConn
	// afterCommit runs after each successful commit (wakes the
	// checkpointer); it must not block.
	afterCommit func()

	// commits and writes count transactions and the writes they carried;
	// their ratio is the group-commit factor that benchmarks report.
	commits, writes atomic.Int64
}

func newWriter(conn *writeConn, afterCommit func()) *writer {
	w := &writer{
		ops:     make(chan *writeOp), // unbuffered: a write is accepted only by a running writer
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
		conn:    conn,
	}
	w.afterCommit = afterCommit
	go w.run()
	return w
}

// do runs fn in the writer's transaction and returns once it is committed
// (nil) or known to have failed. A ctx that ends before the write's batch
// starts cancels it and nothing is stored; after that the write completes
// and its real outcome is returned, so a caller never sees "cancelled" for
// something that was stored, nor nil for something that was not.
func (w *writer) do(ctx context.Context, fn func(w *writeConn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
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
	batch := make([]*writeOp, 0, maxBatch)
	lastBatch := 0
	for {
		select {
		case op := <-w.ops:
			batch = append(batch[:0], op)
		case <-w.closing:
			return
		}
		// Callers that are runnable but not yet queued (still hashing or
		// compressing their body) get a chance to join this batch, as long
		// as yielding keeps bringing new writes (at most a few rounds): one
		// commit then covers more writes.
		for range 4 {
			n := len(batch)
			runtime.Gosched()
		fill:
			for len(batch) < maxBatch {
				select {
				case op := <-w.ops:
					batch = append(batch, op)
				default:
					break fill
				}
			}
			if len(batch) == n || len(batch) == maxBatch {
				break
			}
		}
		if len(batch) < lingerBelow && lastBatch > 1 {
			batch = w.linger(batch)
		}
		lastBatch = len(batch)
		w.commit(batch)
		clear(batch)
	}
}

// A small batch waits up to lingerFor for more writes, but only when the
// previous batch held several: then callers are active and the wait fills
// the batch, while a lone caller (the previous batch was its own) never
// waits. A commit's fixed cost (table and index pages written to the WAL)
// is most of the price of a small batch: in the engine's ingestion
// benchmark batches held ~3 writes.
const (
	lingerBelow = 8
	lingerFor   = 200 * time.Microsecond
)

func (w *writer) linger(batch []*writeOp) []*writeOp {
	t := time.NewTimer(lingerFor)
	defer t.Stop()
	for len(batch) < lingerBelow {
		select {
		case op := <-w.ops:
			batch = append(batch, op)
		case <-t.C:
			return batch
		case <-w.closing:
			return batch
		}
	}
	return batch
}

// commit runs a batch in one transaction. If any write fails, the batch is
// rolled back and each write is retried in a transaction of its own, so one
// bad write (a constraint violation) fails only its own caller.
func (w *writer) commit(batch []*writeOp) {
	live := make([]*writeOp, 0, len(batch))
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
	err := w.tx(func() error {
		for _, op := range live {
			if err := op.fn(w.conn); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(live) == 1 {
		for _, op := range live {
			op.done <- err
		}
		return
	}
	for _, op := range live {
		op.done <- w.tx(func() error { return op.fn(w.conn) })
	}
}

// tx runs fn between BEGIN IMMEDIATE and COMMIT. IMMEDIATE takes the write
// lock up front, so another process on the same file waits (busy_timeout)
// instead of failing half way.
func (w *writer) tx(fn func() error) error {
	ctx := context.Background() // a caller's cancellation must not interrupt other callers' writes
	if _, err := w.conn.begin.ExecContext(ctx); err != nil {
		return err
	}
	if err := fn(); err != nil {
		_, _ = w.conn.rollback.ExecContext(ctx)
		return err
	}
	if _, err := w.conn.commit.ExecContext(ctx); err != nil {
		_, _ = w.conn.rollback.ExecContext(ctx)
		return err
	}
	w.afterCommit()
	return nil
}

// close stops the writer after the batch in progress; later writes get
// ErrClosed.
func (w *writer) close() {
	close(w.closing)
	<-w.stopped
}

// writeConn is the single write connection with its prepared statements.
type writeConn struct {
	conn *sql.Conn
	ctx  context.Context

	begin, commit, rollback *sql.Stmt

	insertMessage *sql.Stmt
	findDuplicate *sql.Stmt
	insertOutbox  *sql.Stmt
	claimOutbox   *sql.Stmt
	updateOutbox  *sql.Stmt
	upsertTxn     *sql.Stmt
	upsertOrder   *sql.Stmt
	insertIdem    *sql.Stmt
	findIdem      *sql.Stmt
	putKV         *sql.Stmt
	setFindings   *sql.Stmt
}

func prepareWriteConn(ctx context.Context, conn *sql.Conn) (*writeConn, error) {
	w := &writeConn{conn: conn, ctx: context.Background()}
	stmts := []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.begin, "BEGIN IMMEDIATE"},
		{&w.commit, "COMMIT"},
		{&w.rollback, "ROLLBACK"},
		{&w.insertMessage, insertMessageSQL},
		{&w.findDuplicate, findDuplicateSQL},
		{&w.insertOutbox, insertOutboxSQL},
		{&w.claimOutbox, claimOutboxSQL},
		{&w.updateOutbox, updateOutboxSQL},
		{&w.upsertTxn, upsertTransactionSQL},
		{&w.upsertOrder, upsertOrderSQL},
		{&w.insertIdem, insertIdempotencySQL},
		{&w.findIdem, selectIdempotencySQL},
		{&w.putKV, putKVSQL},
		{&w.setFindings, `UPDATE messages SET findings = ? WHERE seq = ?`},
	}
	for _, s := range stmts {
		st, err := conn.PrepareContext(ctx, s.sql)
		if err != nil {
			return nil, err
		}
		*s.dst = st
	}
	return w, nil
}
