package sqlite

import (
	"context"
	"database/sql"
)

// Packages that keep their own tables in the store's database (the catalog
// cache and its full-text index) use these two methods instead of opening
// the file again: a second writer would contend with the group commit for
// SQLite's single write lock, and a second pool would double the memory.

// ReadDB is the pool of read-only connections (query_only, WAL readers that
// run beside the writer). Callers must not change its settings.
func (s *Store) ReadDB() *sql.DB { return s.rdb }

// Write runs fn inside the writer goroutine's open transaction, with the
// store's only write connection, and returns once that transaction is
// committed (nil) or known to have failed. fn shares the transaction with
// the other writes of its group commit, so it must not COMMIT or ROLLBACK,
// and it may run twice: when any write of a batch fails, the batch is rolled
// back and each write retried alone. fn must therefore report its results
// only through variables the caller reads after Write returns, resetting
// them at its start. ctx is the context to run statements with: it is not
// the caller's, whose cancellation must not cut other callers' writes short.
func (s *Store) Write(ctx context.Context, fn func(ctx context.Context, conn *sql.Conn) error) error {
	if s.closed() {
		return ErrClosed
	}
	return s.w.do(ctx, func(w *writeConn) error { return fn(w.ctx, w.conn) })
}
