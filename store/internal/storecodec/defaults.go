package storecodec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/onest-seeker/seeker/store"
)

// FillMessage fills what the store owns in a message about to be inserted
// (its direction when unset, an empty rather than nil body, the body hash,
// the creation time), so that both backends hand back the same values.
func FillMessage(m *store.Message, dir store.Direction, now time.Time) error {
	if m.Direction == "" {
		m.Direction = dir
	}
	if m.Direction != dir {
		return fmt.Errorf("a message with direction %q stored as %q", m.Direction, dir)
	}
	if m.Raw == nil {
		m.Raw = []byte{}
	}
	if m.BodyHash == "" {
		sum := sha256.Sum256(m.Raw)
		m.BodyHash = hex.EncodeToString(sum[:])
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	return nil
}

// FillOutboxEntry fills the defaults of an outbox entry inserted with m:
// the message's URL, pending, due now.
func FillOutboxEntry(e *store.OutboxEntry, m *store.Message, now time.Time) {
	if e.URL == "" {
		e.URL = m.URL
	}
	if e.State == "" {
		e.State = store.OutboxPending
	}
	if e.NextAttempt.IsZero() {
		e.NextAttempt = now
	}
	e.UpdatedAt = now
}
