package schema

import "fmt"

// Mode says what a direction of traffic does with findings. Seeker defaults
// to strict for what it sends (it never emits a malformed message) and warn
// for what it receives (real providers are sloppy; findings are stored with
// the message and shown to operators instead of breaking the journey).
type Mode uint8

const (
	// ModeOff skips validation.
	ModeOff Mode = iota
	// ModeWarn validates and records findings but always accepts.
	ModeWarn
	// ModeStrict rejects (NACKs) a message that has an error finding.
	ModeStrict
)

// The defaults per direction: Seeker never sends a malformed message, and it
// records (but accepts) what sloppy providers send.
const (
	DefaultOutboundMode = ModeStrict
	DefaultInboundMode  = ModeWarn
)

// ParseMode reads a mode name as written in configuration.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "off":
		return ModeOff, nil
	case "warn":
		return ModeWarn, nil
	case "strict":
		return ModeStrict, nil
	}
	return ModeOff, fmt.Errorf("schema: unknown validation mode %q (want off, warn or strict)", s)
}

func (m Mode) String() string {
	switch m {
	case ModeOff:
		return "off"
	case ModeWarn:
		return "warn"
	case ModeStrict:
		return "strict"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// Rejects reports whether a message with result r must be refused in mode m.
func (m Mode) Rejects(r Result) bool { return m == ModeStrict && r.HasErrors() }

// MarshalText and UnmarshalText let a Mode sit directly in configuration.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
