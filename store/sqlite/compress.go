package sqlite

import (
	"fmt"
	"sync"

	"github.com/golang/snappy"
)

// Raw bodies are stored Snappy-compressed when that pays: a 20 KB JSON
// catalog shrinks three to five times, so the writer copies a third of the
// bytes into the WAL and the checkpointer a third back into the database,
// for some 25-50 µs of compression on the caller's goroutine (in parallel,
// outside the writer). Small or incompressible bodies are stored as they
// are.
const (
	codecNone   = ""
	codecSnappy = "snappy"

	// compressMin: below this, compression saves too little to pay.
	compressMin = 1024
)

// packBufs recycles compression buffers: a fresh one per insert would be
// 24 KB of garbage for every 20 KB callback.
var packBufs = sync.Pool{New: func() any { return new([]byte) }}

// packRaw returns what to store for raw and its codec. Compression must
// save at least an eighth, or the body is stored as received. When buf is
// not nil, stored lives in it and the caller hands it to releaseRaw once
// the insert has run.
func packRaw(raw []byte) (stored []byte, codec string, buf *[]byte) {
	if len(raw) < compressMin {
		return raw, codecNone, nil
	}
	buf = packBufs.Get().(*[]byte)
	if n := snappy.MaxEncodedLen(len(raw)); cap(*buf) < n {
		*buf = make([]byte, n)
	}
	packed := snappy.Encode((*buf)[:cap(*buf)], raw)
	if len(packed) > len(raw)-len(raw)/8 {
		releaseRaw(buf)
		return raw, codecNone, nil
	}
	return packed, codecSnappy, buf
}

// releaseRaw returns a buffer from packRaw to the pool. Buffers grown for
// multi-megabyte bodies are dropped rather than kept alive.
func releaseRaw(buf *[]byte) {
	if buf == nil || cap(*buf) > 1<<20 {
		return
	}
	packBufs.Put(buf)
}

// unpackRaw returns the received bytes of a stored body.
func unpackRaw(stored []byte, codec string) ([]byte, error) {
	switch codec {
	case codecNone:
		if stored == nil {
			return []byte{}, nil
		}
		return stored, nil
	case codecSnappy:
		raw, err := snappy.Decode(nil, stored)
		if err != nil {
			return nil, fmt.Errorf("sqlite: stored body does not decompress: %w", err)
		}
		return raw, nil
	default:
		return nil, fmt.Errorf("sqlite: stored body has unknown codec %q (written by a newer Seeker?)", codec)
	}
}
