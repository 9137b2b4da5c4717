// Package sqlite is Seeker's embedded store: store.Store on one SQLite file,
// with the pure-Go modernc.org/sqlite driver so the binary needs no CGO.
//
// Where the time goes decides the design (callback ingestion at 20 KB per
// message is the hot path):
//   - All writes of the process go through one writer goroutine that
//     commits the writes waiting at that moment together (group commit,
//     writer.go); callers return only after their commit.
//   - Reads use a separate pool of read-only connections, which WAL mode
//     lets run while the writer commits.
//   - Checkpoints run on a connection of their own (checkpoint.go), off the
//     writer's path.
//   - Raw bodies are stored Snappy-compressed when that pays (compress.go)
//     and always read back byte for byte.
//   - The schema is a list of numbered, embedded migrations run at Open
//     (migrate.go).
//
// Several processes may open the same file: SQLite's locks and
// busy_timeout serialise their writers.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/onest-seeker/seeker/store"
)

var _ store.Store = (*Store)(nil)

// Store implements store.Store on a SQLite database file.
type Store struct {
	path   string
	wdb    *sql.DB
	rdb    *sql.DB
	w      *writer
	ckpt   *checkpointer
	reads  readStmts
	filter filterStmts

	closeOnce sync.Once
	closeErr  error
}

// pragmas shared by both pools. WAL lets readers run while the writer
// commits; synchronous=NORMAL in WAL mode loses no committed transaction on
// a process crash (on power loss the last commits may roll back) and saves
// an fsync per commit; busy_timeout makes a second process wait for the
// write lock instead of failing; temp_store=MEMORY keeps the statement
// journals of a group-commit batch off the disk.
const pragmas = "_busy_timeout=10000&_pragma=temp_store(MEMORY)&_journal_mode=WAL&_synchronous=NORMAL&_foreign_keys=1"

// Page caches are bounded so that a long-running process stays small (the
// engine's idle-memory target is 60 MB): the writer's 16 MB holds a whole
// batch of dirty pages (256 compressed 20 KB callbacks are ~1.5 MB plus
// index pages) so nothing spills to the WAL before COMMIT; each reader
// keeps 4 MB of hot index and recent pages.
const (
	writerPragmas = "&_pragma=cache_size(-16384)&_pragma=wal_autocheckpoint(0)"
	readerPragmas = "&_pragma=cache_size(-4096)&_query_only=1"
)

// Open opens (creating if needed) the database at path, creating its folder
// too, and brings its schema up to date. path may also be a "file:" URI; its
// query parameters are ignored, since the store sets the connection options
// its guarantees depend on (WAL, busy timeout, foreign keys).
func Open(ctx context.Context, path string) (*Store, error) {
	file := strings.TrimPrefix(path, "file:")
	if i := strings.IndexAny(file, "?#"); i >= 0 {
		file = file[:i]
	}
	if file == "" || file == ":memory:" {
		return nil, fmt.Errorf("sqlite: a database file path is needed (got %q); in-memory databases cannot be shared by the writer and the readers", path)
	}
	if dir := filepath.Dir(file); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: creating the folder for %s: %w", file, err)
		}
	}
	base := dsn(file)

	wdb, err := sql.Open("sqlite", base+writerPragmas)
	if err != nil {
		return nil, fmt.Errorf("sqlite: opening %s: %w", file, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)

	s := &Store{path: file, wdb: wdb}
	if err := s.init(ctx, base); err != nil {
		_ = s.closeAll()
		return nil, err
	}
	return s, nil
}

// dsn is the driver's name for file with the shared pragmas. The path is
// escaped so that spaces, '%' and '?' in an operator's path are taken
// literally.
func dsn(file string) string {
	return "file:" + (&url.URL{Path: file}).EscapedPath() + "?" + pragmas
}

// conn opens a write-pool connection. Opening runs the pragmas, and
// switching a new file to WAL can fail with SQLITE_BUSY without waiting on
// busy_timeout while another process opens the same new file, so that one
// case is retried for a while.
func (s *Store) conn(ctx context.Context) (*sql.Conn, error) {
	deadline := time.Now().Add(10 * time.Second)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		c, err := s.wdb.Conn(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
	}
}

// isBusy reports SQLITE_BUSY (5) and its extended codes.
func isBusy(err error) bool {
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code()&0xff == 5
}

func (s *Store) init(ctx context.Context, base string) error {
	conn, err := s.conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: opening %s: %w", s.path, err)
	}
	if err := migrate(ctx, conn, 0); err != nil {
		_ = conn.Close()
		return err
	}
	wc, err := prepareWriteConn(ctx, conn)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("sqlite: preparing statements: %w", err)
	}
	// The checkpointer's connection comes from the writer's pool so that it
	// shares its settings; the pool must then allow two connections.
	s.wdb.SetMaxOpenConns(2)
	s.wdb.SetMaxIdleConns(2)
	cc, err := s.conn(ctx)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("sqlite: opening %s: %w", s.path, err)
	}
	s.ckpt = newCheckpointer(cc)
	s.w = newWriter(wc, s.ckpt.committed)

	s.rdb, err = sql.Open("sqlite", base+readerPragmas)
	if err != nil {
		return fmt.Errorf("sqlite: opening %s for reading: %w", s.path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	s.rdb.SetMaxOpenConns(n)
	s.rdb.SetMaxIdleConns(n)
	if err := s.reads.prepare(ctx, s.rdb); err != nil {
		return fmt.Errorf("sqlite: preparing statements: %w", err)
	}
	s.filter.db = s.rdb
	return nil
}

// Path is the database file, for operators' messages.
func (s *Store) Path() string { return s.path }

// Ping checks that a read connection answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed() {
		return ErrClosed
	}
	return s.rdb.PingContext(ctx)
}

func (s *Store) closed() bool {
	select {
	case <-s.w.closing:
		return true
	default:
		return false
	}
}

// Close waits for the writes in progress, then closes every connection.
// Closing twice is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.closeAll() })
	return s.closeErr
}

func (s *Store) closeAll() error {
	var errs []error
	if s.w != nil {
		s.w.close()
		errs = append(errs, s.w.conn.conn.Close())
	}
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.close())
	}
	s.filter.close()
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	errs = append(errs, s.wdb.Close())
	return errors.Join(errs...)
}

// notFound wraps store.ErrNotFound with what was looked up.
func notFound(format string, args ...any) error {
	return fmt.Errorf("sqlite: "+format+": %w", append(args, store.ErrNotFound)...)
}
