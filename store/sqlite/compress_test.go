package sqlite

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"github.com/onest-seeker/seeker/store/internal/storecodec"
	"path/filepath"
	"testing"

	"github.com/onest-seeker/seeker/store"
	"github.com/onest-seeker/seeker/store/storetest"
)

// TestRawStoredCompressedWhenItPays looks under the store: a JSON body is
// kept Snappy-compressed, a random one as received, and both read back
// exactly.
func TestRawStoredCompressedWhenItPays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seeker.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	noise := make([]byte, 8<<10)
	_, _ = rand.Read(noise)
	bodies := map[string][]byte{
		"json":  storetest.Body20KB(),
		"noise": noise,
		"small": []byte(`{"tiny":true}`),
	}
	want := map[string]string{"json": storecodec.CodecSnappy, "noise": storecodec.CodecNone, "small": storecodec.CodecNone}
	seqs := map[string]int64{}
	for name, b := range bodies {
		m := &store.Message{Direction: store.Inbound, Action: "on_search", MessageID: name, Raw: b}
		if _, err := s.InsertInbound(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		seqs[name] = m.Seq
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, b := range bodies {
		var codec string
		var n int
		if err := db.QueryRow(`SELECT raw_codec, length(raw) FROM messages WHERE seq = ?`, seqs[name]).Scan(&codec, &n); err != nil {
			t.Fatal(err)
		}
		if codec != want[name] {
			t.Errorf("%s body stored with codec %q, want %q", name, codec, want[name])
		}
		if codec == storecodec.CodecSnappy && n > len(b)/2 {
			t.Errorf("%s body of %d bytes stored in %d", name, len(b), n)
		}
		got, err := s.Message(t.Context(), seqs[name])
		if err != nil || !bytes.Equal(got.Raw, b) {
			t.Errorf("%s body did not come back exactly (%v)", name, err)
		}
	}
}
