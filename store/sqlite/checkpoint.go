package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// Checkpointing copies committed pages from the WAL back into the database
// file. SQLite normally does it inside the COMMIT that crosses a size
// threshold, which would stall the writer (and every caller waiting on its
// batch) for the copy and two fsyncs: about a fifth of the writer's time at
// 20 KB per callback. The writer's connection therefore has automatic
// checkpoints off, and this goroutine runs them on its own connection, so
// the copy proceeds on another core while the writer keeps committing.
//
// PASSIVE checkpoints never block the writer. If the WAL still grows past
// walRestartFrames (readers pinning old snapshots while writes never stop),
// a RESTART checkpoint waits for the readers and lets the next write start
// the WAL from the beginning again, which bounds the file.
type checkpointer struct {
	conn    *sql.Conn
	kick    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
}

const (
	// walRestartFrames: above this (about 256 MB of 4 KB pages) the
	// checkpointer makes the WAL start over.
	walRestartFrames = 64000
	// checkpointPause spaces checkpoints out: each one costs two fsyncs,
	// so under a stream of commits it runs at most this often, copying
	// everything committed meanwhile in one go.
	checkpointPause = 100 * time.Millisecond
)

func newCheckpointer(conn *sql.Conn) *checkpointer {
	c := &checkpointer{conn: conn, kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c
}

// committed tells the checkpointer that the WAL grew; it never blocks.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.stopped)
	mode := "PASSIVE"
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		var busy, logFrames, done int
		err := c.conn.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logFrames, &done)
		mode = "PASSIVE"
		if err == nil && logFrames >= walRestartFrames {
			mode = "RESTART"
			c.committed() // do it now, not after the next commit
		}
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointPause):
		}
	}
}

// close stops the goroutine and runs a last checkpoint that truncates the
// WAL, so a closed database is one self-contained file.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.stopped
	_, _ = c.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
	return c.conn.Close()
}
