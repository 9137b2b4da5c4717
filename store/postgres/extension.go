package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool is the store's connection pool, for packages that keep their own
// tables in the same database (the catalog cache and its tsvector index):
// they share the connections, the search_path (so the tables live in the
// store's schema) and the shutdown of the store. Callers must not close it.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
