package bpp

import (
	"fmt"
	"github.com/onest-seeker/seeker/beckn"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FaultHeader carries per-request faults in the compact form ParseFaults
// reads, e.g. "X-Sandbox-Fault: delay=2s,duplicate=2". A gateway forwards
// only the body of a search, so a search can also carry them in an intent
// tag group with descriptor code "sandbox-fault" (see faultTagGroup).
const FaultHeader = "X-Sandbox-Fault"

// faultTagGroup is the intent tag group that carries per-request faults
// through a gateway: either one tag per fault ({"descriptor":{"code":
// "delay"},"value":"2s"}) or one tag "spec" whose value is the compact form.
const faultTagGroup = "sandbox-fault"

// Faults are the ways a reference provider misbehaves on purpose, so that a
// BAP can prove it survives what the real network does. The zero value is a
// well-behaved provider. Faults apply to the callbacks of requests (and to
// the synchronous answer for Nack); unsolicited callbacks (next on_init,
// status updates) honour Delay, BadSignature, WrongKeyID, Malformed,
// Duplicates and Sloppy too.
type Faults struct {
	// Delay waits this long before each callback (a slow provider).
	Delay time.Duration
	// Silent ACKs the request and never calls back (a provider that
	// drops work after acknowledging it).
	Silent bool
	// NackCode, when set, answers every request with a NACK carrying this
	// Beckn/ONEST error code and NackMessage (or the code's meaning).
	NackCode    string
	NackMessage string
	// BadSignature sends callbacks whose Authorization signature does not
	// verify (a flipped byte in the signature).
	BadSignature bool
	// WrongKeyID signs with the right key but names a key id the registry
	// does not have (a rotated or mistyped ukId).
	WrongKeyID bool
	// Malformed sends callback bodies that are not valid JSON (cut short),
	// signed as they are, as some real providers do.
	Malformed bool
	// Duplicates sends each callback this many extra times, byte-identical
	// (real logs show the same on_search three times).
	Duplicates int
	// Late sends each callback only after the request's ttl has expired
	// (context.timestamp + ttl), plus a second.
	Late bool
	// LargeCatalog answers search with one on_search over 5 MB (the full
	// catalog repeated with fresh ids), instead of pages.
	LargeCatalog bool
	// Sloppy sends legacy and sloppy shapes seen in the wild: 0.9-style
	// context keys (core_version, city, country), BPP_ID / BPP_URI in
	// upper case, numbers where strings are due (price value, tag values,
	// rating), images as bare strings and the typo "fullfillments" for
	// "fulfillments".
	Sloppy bool
}

// IsZero reports whether f is a well-behaved provider.
func (f Faults) IsZero() bool { return f == Faults{} }

// String renders f in the compact form ParseFaults reads; keys in a fixed
// order so the result is stable. Commas in NackMessage become semicolons
// (the compact form separates faults with commas).
func (f Faults) String() string {
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "delay="+f.Delay.String())
	}
	if f.Silent {
		parts = append(parts, "silent")
	}
	if f.NackCode != "" {
		parts = append(parts, "nack="+f.NackCode)
	}
	if f.NackMessage != "" {
		parts = append(parts, "nack-message="+strings.ReplaceAll(f.NackMessage, ",", ";"))
	}
	if f.BadSignature {
		parts = append(parts, "bad-signature")
	}
	if f.WrongKeyID {
		parts = append(parts, "wrong-key-id")
	}
	if f.Malformed {
		parts = append(parts, "malformed")
	}
	if f.Duplicates > 0 {
		parts = append(parts, "duplicate="+strconv.Itoa(f.Duplicates))
	}
	if f.Late {
		parts = append(parts, "late")
	}
	if f.LargeCatalog {
		parts = append(parts, "large-catalog")
	}
	if f.Sloppy {
		parts = append(parts, "sloppy")
	}
	return strings.Join(parts, ",")
}

// faultKeys lists what ParseFaults accepts, for its error messages.
var faultKeys = []string{"delay=DURATION", "silent", "nack=CODE", "nack-message=TEXT", "bad-signature",
	"wrong-key-id", "malformed", "duplicate=N", "late", "large-catalog", "sloppy"}

// maxFaultDelay bounds delay so a typo cannot park a goroutine for days.
const maxFaultDelay = 10 * time.Minute

// maxDuplicates bounds duplicate=N for the same reason.
const maxDuplicates = 20

// ParseFaults reads the compact form used in configuration files, flags and
// the X-Sandbox-Fault header: comma-separated keys, with "=value" where a
// key takes one, e.g. "delay=2s,nack=40001,duplicate=2". Boolean keys also
// accept "=true"/"=false". "" and "none" mean no fault. Durations use Go
// syntax (2s, 150ms) or ISO 8601 (PT2S).
func ParseFaults(s string) (Faults, error) {
	var f Faults
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") {
		return f, nil
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, hasVal := strings.Cut(part, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		boolean := func(dst *bool) error {
			if !hasVal {
				*dst = true
				return nil
			}
			b, err := strconv.ParseBool(val)
			if err != nil {
				return fmt.Errorf("fault %q: %q is not true or false", key, val)
			}
			*dst = b
			return nil
		}
		var err error
		switch key {
		case "delay", "slow":
			f.Delay, err = parseFaultDuration(val)
			if err != nil {
				return Faults{}, fmt.Errorf("fault delay: %w", err)
			}
		case "silent", "no-answer", "drop":
			err = boolean(&f.Silent)
		case "nack":
			if !hasVal {
				f.NackCode = "40000"
				break
			}
			if _, cerr := strconv.Atoi(val); cerr != nil || len(val) != 5 {
				return Faults{}, fmt.Errorf("fault nack: %q is not a five-digit Beckn/ONEST error code such as 40001", val)
			}
			f.NackCode = val
		case "nack-message":
			f.NackMessage = val
		case "bad-signature", "bad-sig":
			err = boolean(&f.BadSignature)
		case "wrong-key-id", "wrong-keyid", "wrong-key":
			err = boolean(&f.WrongKeyID)
		case "malformed", "bad-json":
			err = boolean(&f.Malformed)
		case "duplicate", "duplicates":
			if !hasVal {
				f.Duplicates = 1
				break
			}
			n, cerr := strconv.Atoi(val)
			if cerr != nil || n < 0 || n > maxDuplicates {
				return Faults{}, fmt.Errorf("fault duplicate: %q is not a count between 0 and %d", val, maxDuplicates)
			}
			f.Duplicates = n
		case "late":
			err = boolean(&f.Late)
		case "large-catalog", "large":
			err = boolean(&f.LargeCatalog)
		case "sloppy", "legacy":
			err = boolean(&f.Sloppy)
		default:
			keys := append([]string(nil), faultKeys...)
			sort.Strings(keys)
			return Faults{}, fmt.Errorf("unknown fault %q (known: %s)", key, strings.Join(keys, ", "))
		}
		if err != nil {
			return Faults{}, err
		}
	}
	return f, nil
}

func parseFaultDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("missing duration, e.g. delay=2s")
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		if d2, err2 := beckn.ParseDuration(s); err2 == nil {
			d, err = d2, nil
		}
	}
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 2s or PT2S", s)
	}
	if d < 0 || d > maxFaultDelay {
		return 0, fmt.Errorf("%s is outside 0..%s", d, maxFaultDelay)
	}
	return d, nil
}
