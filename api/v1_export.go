package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/store"
)

// GET /v1/messages lists every message of the calling client's
// transactions — across transactions, in Seq order — for tools that work on
// what the deployed BAP actually sent and received: `seeker logs export`
// builds ONEST verification logs from it. Filters: domain (any known code,
// normalised), since (RFC 3339, on the time Seeker stored the message),
// transaction_id; paging with after (a seq) and limit (default 200, at most
// 1000); raw=true adds the body.
//
// The body is returned as raw_base64, the exact stored bytes, rather than
// as an embedded JSON value: re-encoding a provider's body into the answer
// could change it (escapes, duplicate members a provider sent), and
// verification logs must be the bytes that went over the wire.

// Paging bounds of GET /v1/messages.
const (
	exportDefaultLimit = 200
	exportMaxLimit     = 1000
)

// routesExport registers GET /v1/messages; routesV1 calls it.
func (s *Server) routesExport() {
	s.mux.HandleFunc("GET /v1/messages", s.authed(s.v1ExportMessages))
}

// exportedMessage is a message as GET /v1/messages lists it.
type exportedMessage struct {
	messageView `json:",inline"`
	Domain      string `json:"domain"`
	RawBase64   []byte `json:"raw_base64,omitzero"`
}

// exportPage is the answer of GET /v1/messages. NextAfter is the seq to
// pass as after for the next page; More says whether one may exist.
type exportPage struct {
	Messages  []exportedMessage `json:"messages"`
	NextAfter int64             `json:"next_after"`
	More      bool              `json:"more"`
}

func (s *Server) v1ExportMessages(w http.ResponseWriter, r *http.Request, client string) {
	q := r.URL.Query()
	f := store.MessageFilter{TransactionID: q.Get("transaction_id")}
	var err error
	if f.AfterSeq, err = querySeq(r, "after"); err != nil {
		writeError(w, err)
		return
	}
	limit := exportDefaultLimit
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > exportMaxLimit {
			writeError(w, badRequest("limit", "limit=%q is not a number from 1 to %d", v, exportMaxLimit))
			return
		}
	}
	if v := q.Get("domain"); v != "" {
		code, known := beckn.NormalizeDomain(v)
		if !known {
			writeError(w, badRequest("domain", "domain=%q is not an ONEST domain; use one of %v", v, beckn.Domains()))
			return
		}
		f.Domain = code
	}
	if v := q.Get("since"); v != "" {
		if f.Since, err = time.Parse(time.RFC3339, v); err != nil {
			writeError(w, badRequest("since", "since=%q is not an RFC 3339 time such as 2026-05-01T00:00:00Z", v))
			return
		}
	}
	withRaw := q.Get("raw") == "true"

	// Messages are filtered by owner after reading, so read pages until
	// this one is full or the store has no more.
	st := s.cfg.Engine.Store()
	owned := map[string]bool{}
	page := exportPage{Messages: []exportedMessage{}, NextAfter: f.AfterSeq}
	f.Limit = limit
	for len(page.Messages) < limit {
		msgs, err := st.Messages(r.Context(), f)
		if err != nil {
			writeError(w, err)
			return
		}
		for _, m := range msgs {
			page.NextAfter = m.Seq
			mine, seen := owned[m.TransactionID]
			if !seen {
				t, err := st.Transaction(r.Context(), m.TransactionID)
				mine = err == nil && t.Owner == client
				owned[m.TransactionID] = mine
			}
			if mine {
				page.Messages = append(page.Messages, exportView(m, withRaw))
				if len(page.Messages) == limit {
					page.More = true
					break
				}
			}
		}
		if len(msgs) < f.Limit || page.More {
			break
		}
		f.AfterSeq = page.NextAfter
	}
	writeJSON(w, http.StatusOK, page)
}

func exportView(m *store.Message, withRaw bool) exportedMessage {
	v := exportedMessage{messageView: viewMessage(m), Domain: m.Domain}
	if withRaw {
		v.RawBase64 = m.Raw
	}
	return v
}
