package schema

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseAcceptsWhatEncodingJSONAccepts(t *testing.T) {
	cases := []string{
		`{}`, `[]`, `0`, `-0.5e+10`, `"x"`, `true`, `null`, ` {"a" : [1, 2, {"b": null}] } `,
		`"\u00e9\ud83d\ude00\n\"\\\/"`, `{"a":1,"a":2}`, "\"caf\u00e9\"",
		// invalid
		``, ` `, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `01`, `1.`, `.5`, `1e`, `-`, `+1`,
		`"\x"`, `"\u12"`, "\"a\x01\"", `tru`, `nul`, `{"a":1}x`, `{a:1}`, `'a'`, "\"\xff\"", `[`, `"abc`,
		`{"a":"b"`, `NaN`, `Infinity`,
	}
	for _, c := range cases {
		var tr tree
		err := tr.parse([]byte(c))
		if (err == nil) != json.Valid([]byte(c)) {
			t.Errorf("parse(%q) error = %v, encoding/json Valid = %v", c, err, json.Valid([]byte(c)))
		}
	}
}

func TestParseDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	var tr tree
	if err := tr.parse([]byte(deep)); err == nil {
		t.Fatal("a document nested beyond the limit must be rejected")
	}
	ok := strings.Repeat("[", maxDepth-1) + strings.Repeat("]", maxDepth-1)
	if err := tr.parse([]byte(ok)); err != nil {
		t.Fatalf("nesting within the limit rejected: %v", err)
	}
}

func TestTreeAccess(t *testing.T) {
	var tr tree
	src := `{"context": {"action": "se\u0061rch", "n\u0061me": "x"}, "list": [1, "two", {"k": true}], "num": 10.50}`
	if err := tr.parse([]byte(src)); err != nil {
		t.Fatal(err)
	}
	if got := tr.text(tr.at(0, "context", "action")); got != "search" {
		t.Errorf("escaped value = %q", got)
	}
	if got := tr.text(tr.at(0, "context", "name")); got != "x" {
		t.Errorf("escaped key lookup = %q", got)
	}
	if got := string(tr.raw(tr.member(0, "num"))); got != "10.50" {
		t.Errorf("number literal = %q, want it kept as written", got)
	}
	if tr.member(0, "missing") != -1 || tr.at(0, "list", "k") != -1 {
		t.Error("lookups of absent members must return -1")
	}
	n := 0
	for c := tr.nodes[tr.member(0, "list")].first; c >= 0; c = tr.nodes[c].next {
		n++
	}
	if n != 3 {
		t.Errorf("list has %d elements, want 3", n)
	}
}

// FuzzParse checks the parser against encoding/json: the same documents are
// accepted, and decoded strings are the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":"b\u00e9"}`, `[1,2.5e3,-0]`, `"\ud800"`, `{"x":[{"y":null}]}`, `"\ud83d\ude00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tr tree
		err := tr.parse(b)
		if (err == nil) != json.Valid(b) {
			t.Fatalf("parse(%q) error = %v, encoding/json Valid = %v", b, err, json.Valid(b))
		}
		if err != nil || tr.nodes[0].kind != kString {
			return
		}
		var want string
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if got := tr.text(0); got != want {
			t.Fatalf("text(%q) = %q, encoding/json says %q", b, got, want)
		}
	})
}

// notPlain8 must find the first byte that is not plain (per the byte table)
// in every lane, whatever follows it, and flag nothing in a plain word.
func TestNotPlain8(t *testing.T) {
	first := func(b []byte) int {
		for i, d := range b {
			if !plain[d] {
				return i
			}
		}
		return 8
	}
	check := func(b []byte) {
		t.Helper()
		x := binary.LittleEndian.Uint64(b)
		got := 8
		if m := notPlain8(x); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if want := first(b); got != want {
			t.Fatalf("notPlain8(%q) points at byte %d, want %d", b, got, want)
		}
	}
	for lane := 0; lane < 8; lane++ {
		for c := 0; c < 256; c++ {
			b := []byte("abcdefgh")
			b[lane] = byte(c)
			check(b)
			// A byte that needs a look, followed by every other byte: a
			// borrow must never hide the first one.
			for _, d := range []byte{0, 0x1f, '"', '\\', 0x80, 0xff} {
				for later := lane + 1; later < 8; later++ {
					b := []byte("abcdefgh")
					b[lane], b[later] = d, byte(c)
					check(b)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], r.Uint64())
		check(b[:])
	}
}
