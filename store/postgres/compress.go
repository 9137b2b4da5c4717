package postgres

import (
	"fmt"

	"github.com/golang/snappy"
)

// Raw bodies are stored Snappy-compressed when that pays, as in
// store/sqlite: a 20 KB JSON callback shrinks about five times, so the
// database writes two TOAST chunks instead of ten and a fifth of the WAL,
// for some 25-50 µs of compression on the caller's goroutine. Small or
// incompressible bodies are stored as they are.
const (
	codecNone   = ""
	codecSnappy = "snappy"

	// compressMin: below this, compression saves too little to pay.
	compressMin = 1024
)

// packRaw returns what to store for raw and its codec. Compression must
// save at least an eighth, or the body is stored as received.
func packRaw(raw []byte) ([]byte, string) {
	if len(raw) < compressMin {
		return raw, codecNone
	}
	packed := snappy.Encode(nil, raw)
	if len(packed) > len(raw)-len(raw)/8 {
		return raw, codecNone
	}
	return packed, codecSnappy
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
			return nil, fmt.Errorf("postgres: stored body does not decompress: %w", err)
		}
		return raw, nil
	default:
		return nil, fmt.Errorf("postgres: stored body has unknown codec %q (written by a newer Seeker?)", codec)
	}
}
