package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
)

// recordKey identifies one registry record. A participant has one record per
// (type, domain, key): the gateway serves four domains with one key, and a
// key rotation adds a record beside the old one instead of overwriting it,
// so messages signed with the old key still verify until it expires.
type recordKey struct {
	SubscriberID, Type, Domain, KeyID string
}

func keyOf(s registry.Subscriber) recordKey {
	return recordKey{s.SubscriberID, s.Type, s.Domain, s.KeyID}
}

// registryStore holds the records in memory and, when a path is set,
// mirrors them to a JSON file after every change so that the registry
// survives a restart. Writes go to a temporary file renamed over the old
// one, so a crash leaves either the old or the new state, never half of it.
type registryStore struct {
	path string

	mu      sync.RWMutex
	records map[recordKey]registry.Subscriber
}

// newRegistryStore loads path when it exists.
func newRegistryStore(path string) (*registryStore, error) {
	st := &registryStore{path: path, records: map[recordKey]registry.Subscriber{}}
	if path == "" {
		return st, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("registry state: %w", err)
	}
	var recs []registry.Subscriber
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("registry state %s is not a JSON list of records (delete it to start empty): %w", path, err)
	}
	for _, r := range recs {
		st.records[keyOf(r)] = r
	}
	return st, nil
}

// normalizeRecord canonicalises the fields lookups compare, so a record
// stored as "dsep:courses" or type "bpp" is found by the ONEST code.
func normalizeRecord(s registry.Subscriber) registry.Subscriber {
	s.SubscriberID = strings.TrimSpace(s.SubscriberID)
	s.Type = strings.ToUpper(strings.TrimSpace(s.Type))
	if s.Domain != "" {
		s.Domain, _ = beckn.NormalizeDomain(s.Domain)
	}
	s.URL = strings.TrimRight(strings.TrimSpace(s.URL), "/")
	s.Status = strings.ToUpper(strings.TrimSpace(s.Status))
	return s
}

// put stores recs (replacing records with the same key) and persists.
func (st *registryStore) put(recs ...registry.Subscriber) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, r := range recs {
		st.records[keyOf(r)] = r
	}
	return st.saveLocked()
}

// remove deletes the records of subscriberID (only those with keyID when it
// is set) and reports how many went.
func (st *registryStore) remove(subscriberID, keyID string) (int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for k := range st.records {
		if k.SubscriberID == subscriberID && (keyID == "" || k.KeyID == keyID) {
			delete(st.records, k)
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	return n, st.saveLocked()
}

// find returns the records f matches, sorted for stable answers: newest
// first within a subscriber, so clients that take [0] (protocol-server,
// onix) get the latest key, as the Succinct registry does.
func (st *registryStore) find(f lookupFilter) []registry.Subscriber {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var out []registry.Subscriber
	for _, r := range st.records {
		if f.match(r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b registry.Subscriber) int {
		if c := strings.Compare(a.SubscriberID, b.SubscriberID); c != 0 {
			return c
		}
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		if c := strings.Compare(a.Domain, b.Domain); c != 0 {
			return c
		}
		return strings.Compare(a.KeyID, b.KeyID)
	})
	return out
}

func (st *registryStore) get(k recordKey) (registry.Subscriber, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	r, ok := st.records[k]
	return r, ok
}

func (st *registryStore) saveLocked() error {
	if st.path == "" {
		return nil
	}
	recs := make([]registry.Subscriber, 0, len(st.records))
	for _, r := range st.records {
		recs = append(recs, r)
	}
	slices.SortFunc(recs, func(a, b registry.Subscriber) int {
		ka, kb := keyOf(a), keyOf(b)
		return strings.Compare(ka.SubscriberID+"\x00"+ka.Type+"\x00"+ka.Domain+"\x00"+ka.KeyID,
			kb.SubscriberID+"\x00"+kb.Type+"\x00"+kb.Domain+"\x00"+kb.KeyID)
	})
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return fmt.Errorf("registry state: %w", err)
	}
	return writeFileAtomic(st.path, b)
}

// writeFileAtomic writes b to path via a temporary file in the same
// directory and a rename, creating the directory when needed.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
