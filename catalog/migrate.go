package catalog

import "fmt"

// migrationConn is what running the catalog's migrations needs of a
// backend, inside one transaction that the backend holds: SQLite's single
// writer, or a PostgreSQL transaction under an advisory lock.
type migrationConn struct {
	// exec runs one statement; setVersion is the backend's
	// "UPDATE catalog_schema SET version = <placeholder>".
	exec       func(query string, args ...any) error
	setVersion string
	// version reads the stored version; found is false when there is no
	// row yet.
	version func() (v int, found bool, err error)
}

// runMigrations brings the catalog tables to the newest of migrations,
// numbered from 1 in order, recording the version in catalog_schema. A
// database migrated by a newer binary is refused rather than written with
// an older idea of the tables.
func runMigrations(c migrationConn, migrations []string) error {
	if err := c.exec(`CREATE TABLE IF NOT EXISTS catalog_schema (version integer NOT NULL)`); err != nil {
		return err
	}
	v, found, err := c.version()
	if err != nil {
		return err
	}
	if !found {
		if err := c.exec(`INSERT INTO catalog_schema (version) VALUES (0)`); err != nil {
			return err
		}
	}
	if v > len(migrations) {
		return fmt.Errorf("catalog: the database has catalog schema version %d, newer than this binary's %d; run the newer Seeker", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		if err := c.exec(migrations[i]); err != nil {
			return fmt.Errorf("catalog: migration %d: %w", i+1, err)
		}
	}
	return c.exec(c.setVersion, len(migrations))
}
