package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"time"
)

// migrationFiles holds the schema as numbered steps. A step is never edited
// once released: a database created by an older binary is brought forward by
// running the steps it lacks, in order, each in its own transaction.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations lists the embedded steps in version order.
func migrations() []storecodec.Migration { return storecodec.Migrations(migrationFiles, "sqlite") }

// latestVersion is the schema version this binary writes.
func latestVersion() int { return len(migrations()) }

// migrate brings the database on conn up to version target (0 = latest).
// Each step and its schema_migrations row commit together, so a crash
// mid-migration leaves the database at the previous step, and BEGIN
// IMMEDIATE makes two processes opening one file at once take turns.
func migrate(ctx context.Context, conn *sql.Conn, target int) error {
	all := migrations()
	if target == 0 {
		target = len(all)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("sqlite: creating schema_migrations: %w", err)
	}
	for _, m := range all[:target] {
		if err := applyOne(ctx, conn, m); err != nil {
			return err
		}
	}
	current, err := schemaVersion(ctx, conn)
	if err != nil {
		return err
	}
	if current > len(all) {
		return fmt.Errorf("sqlite: the database is at schema version %d but this binary knows only up to %d; run a newer Seeker or restore a matching backup", current, len(all))
	}
	return nil
}

func applyOne(ctx context.Context, conn *sql.Conn, m storecodec.Migration) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	defer func() {
		if err != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	if n > 0 {
		_, err = conn.ExecContext(ctx, "COMMIT")
		return err
	}
	if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
	}
	return nil
}

// schemaVersion is the highest step recorded in the database.
func schemaVersion(ctx context.Context, conn *sql.Conn) (int, error) {
	var v sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: reading schema version: %w", err)
	}
	return int(v.Int64), nil
}
