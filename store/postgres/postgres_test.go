package postgres

import (
	"github.com/onest-seeker/seeker/store/postgres/pgtest"
	"sync"
	"testing"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/storetest"
)

func testURL(t testing.TB) string { return pgtest.URL(t) }

func freshSchema(t testing.TB) string { return pgtest.FreshSchema(t) }

// opener gives each test its own schema and reopens it when the suite asks
// again within one test (the restart checks).
func opener() storetest.Opener {
	var mu sync.Mutex
	urls := map[*testing.T]string{}
	return func(t *testing.T) store.Store {
		t.Helper()
		mu.Lock()
		u, ok := urls[t]
		mu.Unlock()
		if !ok {
			u = freshSchema(t)
			mu.Lock()
			urls[t] = u
			mu.Unlock()
		}
		s, err := Open(t.Context(), u)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

func TestStore(t *testing.T) {
	testURL(t)
	storetest.Run(t, opener())
}
