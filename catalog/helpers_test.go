package catalog

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/internal/testutil"
	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/sqlite"
)

// newTestCatalog opens a catalog on a fresh SQLite store with a fixed clock.
func newTestCatalog(t testing.TB, now *time.Time) *Catalog {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "seeker.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newCatalogOn(t, st, now)
}

func newCatalogOn(t testing.TB, st store.Store, now *time.Time) *Catalog {
	t.Helper()
	cfg := Config{Store: st}
	if now != nil {
		cfg.Now = func() time.Time { return *now }
	}
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fixture reads a file of the shared DSEP examples (skipping without them).
func fixture(t testing.TB, parts ...string) []byte {
	t.Helper()
	p := testutil.SharedDir(t, append([]string{"fixtures", "dsep-examples"}, parts...)...)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
