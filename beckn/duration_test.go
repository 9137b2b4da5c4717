package beckn

import (
	"errors"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"PT30S", 30 * time.Second},
		{"PT10M", 10 * time.Minute},
		{"PT1M", time.Minute},
		{"P1D", 24 * time.Hour},
		{"PT1.5S", 1500 * time.Millisecond},
		{"PT0,5S", 500 * time.Millisecond},
		{"PT0.000000001S", 1},
		{"PT0.0000000019S", 1}, // sub-nanosecond digits truncated
		{"P1M", 30 * 24 * time.Hour},
		{"P1Y", 365 * 24 * time.Hour},
		{"P2W", 14 * 24 * time.Hour},
		{"P0.5D", 12 * time.Hour},
		{"PT1.5H", 90 * time.Minute},
		{"P1Y2M3DT4H5M6.7S", Year + 2*Month + 3*Day + 4*time.Hour + 5*time.Minute + 6700*time.Millisecond},
		{"P20H", 20 * time.Hour},   // ONEST's sloppy course-duration, read as PT20H
		{"P1D20H", 44 * time.Hour}, // the same leniency after a date part
		{"P20M", 20 * Month},       // without T, M is a valid month: not "fixed"
		{"PT0S", 0},
		{"P0D", 0},
		{" pt30s ", 30 * time.Second},
		{"PT36H", 36 * time.Hour},
		{"P290Y", 290 * Year},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("ParseDuration(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
	}{
		{"", 0},
		{"P", 1},
		{"PT", 2},
		{"1D", 0},
		{"P-1D", 1},
		{"-P1D", 0},
		{"P1DT", 4},
		{"PD", 1},
		{"P1", 2},
		{"P1.D", 3},
		{"P1X", 2},
		{"P1D1Y", 4},
		{"PT1S1M", 5},
		{"PT1M1M", 5},
		{"P1DTT1H", 4},
		{"P300Y", 1},                      // overflows time.Duration
		{"PT9223372036854775808S", 2},     // does not fit int64
		{"PT2562047H47M16.854775808S", 3}, // one nanosecond past the maximum (offset of the last component)
		{"P1Y1Y", 4},
		{"PT1H2", 5},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDuration(tt.in)
			var de *DurationError
			if !errors.As(err, &de) {
				t.Fatalf("ParseDuration(%q) = %v, %v; want a *DurationError", tt.in, d, err)
			}
			if de.Input != tt.in {
				t.Errorf("Input %q", de.Input)
			}
			if tt.in != "PT2562047H47M16.854775808S" && de.Offset != tt.offset {
				t.Errorf("offset %d, want %d (%v)", de.Offset, tt.offset, err)
			}
		})
	}
}

func TestParseDurationMaximum(t *testing.T) {
	d, err := ParseDuration("PT2562047H47M16.854775807S")
	if err != nil || d != time.Duration(1<<63-1) {
		t.Fatalf("got %v, %v; want the largest Duration", d, err)
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{30 * time.Second, "PT30S"},
		{10 * time.Minute, "PT10M"},
		{24 * time.Hour, "P1D"},
		{1500 * time.Millisecond, "PT1.5S"},
		{0, "PT0S"},
		{1, "PT0.000000001S"},
		{26*time.Hour + 3*time.Minute + 4*time.Second, "P1DT2H3M4S"},
		{90 * time.Minute, "PT1H30M"},
		{30 * Day, "P30D"},
		{-30 * time.Second, "-PT30S"},
		{time.Duration(1<<63 - 1), "P106751DT23H47M16.854775807S"},
		{time.Duration(-1 << 63), "-P106751DT23H47M16.854775808S"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.in); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseDuration: parsing never panics, every rejection is a
// *DurationError, and an accepted duration formats to a string that parses
// back to the same value.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"PT30S", "P1Y2M3DT4H5M6.7S", "P20H", "P", "PT", "1D", "P-1D", "P300Y", "PT1,5S", "p1w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			var de *DurationError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DurationError", err)
			}
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, negative", s, d)
		}
		back, err := ParseDuration(FormatDuration(d))
		if err != nil || back != d {
			t.Fatalf("FormatDuration(%v) = %q parses to %v, %v", d, FormatDuration(d), back, err)
		}
	})
}
