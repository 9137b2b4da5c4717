// Package postgres is Seeker's store for several instances on one
// PostgreSQL database: store.Store with pgx, the same behaviour as
// store/sqlite (both pass store/storetest).
//
// Message inserts go through a per-instance group commit and, inside each
// batch's transaction, an advisory lock shared by all instances. The lock
// makes commit order equal Seq order: without it, a stream that read Seq
// 102 could later miss Seq 101 committed after it. The group commit makes
// one lock, one round trip and one WAL flush cover many callbacks.
// Everything else (outbox claims, upserts) uses the pool directly, with row
// locks: claims use FOR UPDATE SKIP LOCKED so instances never block on, or
// take, each other's entries.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/onest-seeker/seeker/store"
)

var _ store.Store = (*Store)(nil)

// ErrClosed is returned by writes on a closed store.
var ErrClosed = errors.New("postgres: store is closed")

// Store implements store.Store on PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	w    *writer

	closeOnce sync.Once
}

// Open connects to the database at url (postgres:// or postgresql://, any
// pgx connection string), creates or migrates the schema in the first
// schema of its search_path, and starts the writer.
func Open(ctx context.Context, url string) (*Store, error) {
	return open(ctx, url, 0)
}

func open(ctx context.Context, url string, target int) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: the storage URL is not valid: %w", err)
	}
	// pgxpool's default (4 connections on this 2-core machine) would make
	// readers (streams, lookups) queue behind each other and the writer;
	// an explicit pool_max_conns in the URL still wins.
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = int32(max(16, 4*runtime.GOMAXPROCS(0)))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connecting: %w", err)
	}
	if err := migrate(ctx, pool, target); err != nil {
		pool.Close()
		return nil, err
	}
	var lockKey int64
	if err := pool.QueryRow(ctx, `SELECT hashtext(current_schema() || '.seeker.messages')`).Scan(&lockKey); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: reading the current schema: %w", err)
	}
	return &Store{pool: pool, w: newWriter(pool, lockKey)}, nil
}

// Ping checks that the database answers; readiness uses it.
func (s *Store) Ping(ctx context.Context) error {
	if s.w.isClosed() {
		return ErrClosed
	}
	return s.pool.Ping(ctx)
}

// Close finishes the batch in progress and closes the pool. Closing twice
// is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.w.close()
		s.pool.Close()
	})
	return nil
}

func notFound(format string, args ...any) error {
	return fmt.Errorf("postgres: "+format+": %w", append(args, store.ErrNotFound)...)
}
