package postgres

import (
	"context"
	"embed"
	"fmt"
	"github.com/onest-seeker/seeker/store/internal/storecodec"

	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles holds the schema as numbered steps, the same story as
// store/sqlite: a released step is never edited; a database left by an
// older binary runs the steps it lacks, in order, each in a transaction.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations lists the embedded steps in version order.
func migrations() []storecodec.Migration { return storecodec.Migrations(migrationFiles, "postgres") }

func latestVersion() int { return len(migrations()) }

// migrate brings the schema in the connection's search_path up to target
// (0 = latest). Instances starting together take turns on a session
// advisory lock derived from the schema name, so each step runs once.
func migrate(ctx context.Context, pool *pgxpool.Pool, target int) error {
	all := migrations()
	if target == 0 {
		target = len(all)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connecting: %w", err)
	}
	defer conn.Release()
	var key int64
	if err := conn.QueryRow(ctx, `SELECT hashtext(current_schema() || '.seeker.migrations')`).Scan(&key); err != nil {
		return fmt.Errorf("postgres: no current schema (check search_path): %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("postgres: waiting for the migration lock: %w", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, key) //nolint:errcheck // the session ends with the pool anyway

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("postgres: creating schema_migrations: %w", err)
	}
	var current int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("postgres: reading the schema version: %w", err)
	}
	if current > len(all) {
		return fmt.Errorf("postgres: the database is at schema version %d but this binary knows only up to %d; run a newer Seeker", current, len(all))
	}
	for _, m := range all[current:target] {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			_ = tx.Rollback(ctx)
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
			_ = tx.Rollback(ctx)
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
	}
	return nil
}
