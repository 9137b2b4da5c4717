// Package storecodec holds what both store backends do to a record before
// it reaches a column: the defaults the store owns (body hash, creation
// time, outbox defaults), the compression of raw message bodies and the
// exact binary form of headers that JSON cannot carry. One home means the
// SQLite and the PostgreSQL backend fill and encode records with the same
// code.
package storecodec

import (
	"fmt"
	"sync"

	"github.com/golang/snappy"
)

// Raw bodies are stored Snappy-compressed when that pays: a 20 KB JSON
// catalog shrinks three to five times, so a database writes a third of the
// bytes (SQLite's WAL and checkpoints; PostgreSQL's WAL, and rows that fit a
// page instead of spilling into TOAST), for some 25-50 µs of compression on
// the caller's goroutine. Small or incompressible bodies are stored as they
// are.
const (
	CodecNone   = ""
	CodecSnappy = "snappy"

	// CompressMin: below this, compression saves too little to pay.
	CompressMin = 1024
)

// packBufs recycles compression buffers: a fresh one per insert would be
// 24 KB of garbage for every 20 KB callback.
var packBufs = sync.Pool{New: func() any { return new([]byte) }}

// PackRaw returns what to store for raw and its codec. Compression must
// save at least an eighth, or the body is stored as received. When buf is
// not nil, stored lives in it and the caller hands it to ReleaseRaw once
// the insert has run.
func PackRaw(raw []byte) (stored []byte, codec string, buf *[]byte) {
	if len(raw) < CompressMin {
		return raw, CodecNone, nil
	}
	buf = packBufs.Get().(*[]byte)
	if n := snappy.MaxEncodedLen(len(raw)); cap(*buf) < n {
		*buf = make([]byte, n)
	}
	packed := snappy.Encode((*buf)[:cap(*buf)], raw)
	if len(packed) > len(raw)-len(raw)/8 {
		ReleaseRaw(buf)
		return raw, CodecNone, nil
	}
	return packed, CodecSnappy, buf
}

// ReleaseRaw returns a buffer from PackRaw to the pool. Buffers grown for
// multi-megabyte bodies are dropped rather than kept alive.
func ReleaseRaw(buf *[]byte) {
	if buf == nil || cap(*buf) > 1<<20 {
		return
	}
	packBufs.Put(buf)
}

// UnpackRaw returns the received bytes of a stored body.
func UnpackRaw(stored []byte, codec string) ([]byte, error) {
	switch codec {
	case CodecNone:
		if stored == nil {
			return []byte{}, nil
		}
		return stored, nil
	case CodecSnappy:
		raw, err := snappy.Decode(nil, stored)
		if err != nil {
			return nil, fmt.Errorf("stored body does not decompress: %w", err)
		}
		return raw, nil
	default:
		return nil, fmt.Errorf("stored body has unknown codec %q (written by a newer Seeker?)", codec)
	}
}
