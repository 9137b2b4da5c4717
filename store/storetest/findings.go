package storetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/onest-seeker/seeker/store"
)

// testSetFindings: findings recorded after the insert are read back with
// the message; an unknown message is ErrNotFound.
func testSetFindings(t *testing.T, open Opener) {
	s := open(t)
	m := inbound("bpp.test", "txn-f", "mid-f", "on_search", []byte(`{"context":{}}`))
	mustInsertInbound(t, s, m)
	findings := []byte(`[{"path":"message.catalog","rule":"core.required","severity":"error","code":"30000","message":"catalog is required"}]`)
	if err := s.SetFindings(ctxFor(t), m.Seq, findings); err != nil {
		t.Fatalf("SetFindings: %v", err)
	}
	if got := mustMessage(t, s, m.Seq); !bytes.Equal(got.Findings, findings) {
		t.Fatalf("findings read back as %q", got.Findings)
	}
	if err := s.SetFindings(ctxFor(t), m.Seq+1000, findings); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("findings of an unknown message: %v, want ErrNotFound", err)
	}
}
