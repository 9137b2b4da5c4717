package engine

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestReadBodyWhateverTheDeclaredLength(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 2500)
	for _, declared := range []int64{-1, 0, 10, int64(len(body)) - 1, int64(len(body)), int64(len(body)) + 100, 1 << 30} {
		got, err := readBody(iotest.HalfReader(bytes.NewReader(body)), declared)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("declared %d: read %d bytes, err %v; want the %d bytes sent", declared, len(got), err, len(body))
		}
		if cap(got) > presizeLimit+len(body)+1 {
			t.Fatalf("declared %d: reserved %d bytes for a %d-byte body", declared, cap(got), len(body))
		}
	}
	boom := errors.New("connection reset")
	if _, err := readBody(io.MultiReader(bytes.NewReader(body), iotest.ErrReader(boom)), int64(len(body))); !errors.Is(err, boom) {
		t.Fatalf("a failing read returned %v, want %v", err, boom)
	}
}
