package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/store"
)

// Idempotency keys make a v1 write safe to retry. A client that timed out
// does not know whether Seeker sent its confirm to the provider; sending it
// again could place a second application. With the same Idempotency-Key the
// retry gets the first answer back and nothing is sent again.
//
// The store only offers an insert-if-absent (PutIdempotency), so a request
// is handled in three steps, each safe across instances sharing a database:
//
//  1. An answer already stored under the key is replayed (or refused with
//     409 when the body differs).
//  2. Otherwise the request reserves the key by inserting a reservation
//     record under reservePrefix+key carrying a random nonce. Exactly one
//     concurrent duplicate finds its own nonce in the stored record and
//     goes on; the others wait for its answer.
//  3. The winner runs the handler and stores the answer under the key.
//
// A process that dies between 2 and 3 leaves the key reserved without an
// answer; whether the request reached the provider is then unknown, so the
// key keeps answering 409 and the client must look at the transaction
// before retrying with a new key.

// IdempotencyHeader carries the client's idempotency key.
const IdempotencyHeader = "Idempotency-Key"

// replayedHeader marks an answer that was replayed rather than produced.
const replayedHeader = "Idempotent-Replayed"

// reservePrefix names the reservation record of a key.
const reservePrefix = "reserve:"

// maxKeyLen bounds keys; UUIDs and similar tokens are far shorter.
const maxKeyLen = 255

// idempotencyWait bounds how long a duplicate waits for the first request's
// answer: as long as the longest synchronous wait (?wait=true) may take.
const idempotencyWait = 2 * time.Minute

// writeHandler is a v1 write. It returns the status and the value to answer
// with, or an error that errorFrom maps; either way the answer is what an
// Idempotency-Key stores.
type writeHandler func(r *http.Request, client string, body []byte) (int, any, error)

// idempotent reads the bounded body and runs h at most once per client and
// Idempotency-Key.
func (s *Server) idempotent(h writeHandler) clientHandler {
	return func(w http.ResponseWriter, r *http.Request, client string) {
		body, err := s.readBody(w, r)
		if err != nil {
			writeError(w, err)
			return
		}
		run := func() (int, []byte) { return answer(h(r, client, body)) }
		key := r.Header.Get(IdempotencyHeader)
		if key == "" {
			status, b := run()
			writeRaw(w, status, b)
			return
		}
		if len(key) > maxKeyLen {
			writeError(w, badRequest(IdempotencyHeader, "the Idempotency-Key is %d bytes; use at most %d (a UUID is 36)", len(key), maxKeyLen))
			return
		}
		status, b, replayed, err := s.once(r.Context(), client, key, requestHash(r, body), run)
		if err != nil {
			writeError(w, err)
			return
		}
		if replayed {
			w.Header().Set(replayedHeader, "true")
		}
		writeRaw(w, status, b)
	}
}

// once runs fn for the first request with key and replays its answer to the
// others. replayed says the answer is a stored one.
func (s *Server) once(ctx context.Context, client, key, hash string, fn func() (int, []byte)) (status int, body []byte, replayed bool, err error) {
	st := s.cfg.Engine.Store()
	rec, err := st.GetIdempotency(ctx, client, key)
	switch {
	case err == nil:
		if rec.RequestHash != hash {
			return 0, nil, false, keyConflict()
		}
		return rec.Status, rec.Body, true, nil
	case !errors.Is(err, store.ErrNotFound):
		return 0, nil, false, err
	}

	nonce := beckn.NewUUID()
	res, err := st.PutIdempotency(ctx, &store.Idempotency{Key: reservePrefix + key, Client: client, RequestHash: hash, Body: []byte(nonce)})
	if errors.Is(err, store.ErrConflict) {
		return 0, nil, false, keyConflict()
	}
	if err != nil {
		return 0, nil, false, err
	}
	if string(res.Body) != nonce {
		// Wait as long as the first request may run, counted from when it
		// reserved the key: a reservation older than that was interrupted.
		return s.awaitAnswer(ctx, client, key, hash, res.CreatedAt.Add(idempotencyWait))
	}

	status, body = fn()
	// The answer must be stored even when the caller has gone away: its
	// retry is exactly what the key is for.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := st.PutIdempotency(sctx, &store.Idempotency{Key: key, Client: client, RequestHash: hash, Status: status, Body: body}); err != nil {
		s.log.Error("storing idempotent answer", "client", client, "key", key, "err", err)
	}
	return status, body, false, nil
}

// awaitAnswer waits until the given time for the answer of a concurrent
// request with the same key and body, re-reading the store so that it works
// across instances.
func (s *Server) awaitAnswer(ctx context.Context, client, key, hash string, until time.Time) (int, []byte, bool, error) {
	giveUp := time.NewTimer(time.Until(until))
	defer giveUp.Stop()
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		rec, err := s.cfg.Engine.Store().GetIdempotency(ctx, client, key)
		switch {
		case err == nil && rec.RequestHash != hash:
			return 0, nil, false, keyConflict()
		case err == nil:
			return rec.Status, rec.Body, true, nil
		case !errors.Is(err, store.ErrNotFound):
			return 0, nil, false, err
		}
		select {
		case <-ctx.Done():
			return 0, nil, false, ctx.Err()
		case <-giveUp.C:
			return 0, nil, false, &apiError{Status: http.StatusConflict, Type: "CONTEXT-ERROR", Code: "409", Path: IdempotencyHeader,
				Message: "a request with this Idempotency-Key is still in progress or was interrupted before it answered; read the transaction to see what was sent, then retry with a new key"}
		case <-t.C:
		}
	}
}

func keyConflict() *apiError {
	return &apiError{Status: http.StatusConflict, Type: "CONTEXT-ERROR", Code: "409", Path: IdempotencyHeader,
		Message: "this Idempotency-Key was already used for a different request; use a new key for a new request"}
}

// requestHash identifies a request for its key: method, path with query
// (?wait=true changes the answer) and the exact body.
func requestHash(r *http.Request, body []byte) string {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.RequestURI() + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// answer encodes a handler's outcome as the bytes to send and store.
func answer(status int, v any, err error) (int, []byte) {
	if err != nil {
		e := errorFrom(err)
		status, v = e.Status, errorBody(e)
	}
	b, merr := json.Marshal(v)
	if merr != nil {
		return http.StatusInternalServerError, []byte(`{"error":{"type":"CORE-ERROR","code":"500","message":"encoding the answer failed"}}`)
	}
	return status, b
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
