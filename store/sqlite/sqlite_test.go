package sqlite

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/storetest"
)

// opener gives each test its own database file and reopens the same file
// when the suite asks again within one test (the restart checks).
func opener() storetest.Opener {
	var mu sync.Mutex
	paths := map[*testing.T]string{}
	return func(t *testing.T) store.Store {
		t.Helper()
		mu.Lock()
		p, ok := paths[t]
		if !ok {
			p = filepath.Join(t.TempDir(), "seeker.db")
			paths[t] = p
		}
		mu.Unlock()
		s, err := Open(t.Context(), p)
		if err != nil {
			t.Fatalf("Open(%s): %v", p, err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	}
}

func TestStore(t *testing.T) {
	storetest.Run(t, opener())
}
