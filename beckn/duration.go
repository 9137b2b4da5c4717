package beckn

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Calendar units have no fixed length; Beckn ttl values need one. A month is
// 30 days and a year 365 days, which is what every Beckn implementation we
// know of assumes and what keeps P1M (often written where PT1M was meant)
// finite and comparable.
const (
	Day   = 24 * time.Hour
	Week  = 7 * Day
	Month = 30 * Day
	Year  = 365 * Day
)

// DurationError reports an ISO 8601 duration that cannot be parsed: the
// input, the byte offset of the fault and why.
type DurationError struct {
	Input  string
	Offset int
	Reason string
}

func (e *DurationError) Error() string {
	return fmt.Sprintf("beckn: invalid ISO 8601 duration %q at offset %d: %s", e.Input, e.Offset, e.Reason)
}

// ParseDuration parses an ISO 8601 duration P[n]Y[n]M[n]W[n]DT[n]H[n]M[n]S
// as used by context.ttl, Time.duration and Quotation.ttl.
//
//   - Any component may have a fractional part (PT1.5S, P0.5D), with '.' or
//     ',' as the separator; sub-nanosecond digits are truncated.
//   - A year is 365 days and a month 30 days (see [Month]), so P1M is a
//     month and PT1M a minute.
//   - Leniency: hours or seconds written without the T (ONEST's "P20H" for
//     a course duration) are read as time components; "P20M" stays a month
//     because that is a valid ISO reading. Lower-case letters and
//     surrounding spaces are accepted.
//   - Negative durations, an empty duration ("P", "PT"), a missing number
//     or designator, components out of order and overflow of time.Duration
//     (about 292 years) are rejected with a *DurationError.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.ToUpper(strings.TrimSpace(s))
	fail := func(off int, reason string) (time.Duration, error) {
		return 0, &DurationError{Input: s, Offset: off, Reason: reason}
	}
	if in == "" {
		return fail(0, "empty")
	}
	if in[0] == '-' || in[0] == '+' {
		return fail(0, "signed durations are not allowed")
	}
	if in[0] != 'P' {
		return fail(0, `must start with "P"`)
	}
	const (
		dateOrder = "YMWD"
		timeOrder = "HMS"
	)
	var (
		total      time.Duration
		inTime     bool
		last       = -1 // index in the current order of the last designator
		components int
		sawT       bool
	)
	i := 1
	for i < len(in) {
		if in[i] == 'T' {
			if sawT {
				return fail(i, `second "T"`)
			}
			sawT, inTime, last = true, true, -1
			i++
			if i == len(in) {
				return fail(i, `"T" must be followed by a time component`)
			}
			continue
		}
		start := i
		for i < len(in) && in[i] >= '0' && in[i] <= '9' {
			i++
		}
		if i == start {
			return fail(i, "expected a number")
		}
		intDigits := in[start:i]
		fracDigits := ""
		if i < len(in) && (in[i] == '.' || in[i] == ',') {
			i++
			fs := i
			for i < len(in) && in[i] >= '0' && in[i] <= '9' {
				i++
			}
			if i == fs {
				return fail(i, "expected digits after the decimal separator")
			}
			fracDigits = in[fs:i]
		}
		if i == len(in) {
			return fail(i, "number without a designator")
		}
		des := in[i]
		var unit time.Duration
		var pos int
		if !inTime && (des == 'H' || des == 'S') {
			// Documented leniency: P20H means PT20H.
			inTime, last = true, -1
		}
		if inTime {
			pos = strings.IndexByte(timeOrder, des)
			switch des {
			case 'H':
				unit = time.Hour
			case 'M':
				unit = time.Minute
			case 'S':
				unit = time.Second
			}
		} else {
			pos = strings.IndexByte(dateOrder, des)
			switch des {
			case 'Y':
				unit = Year
			case 'M':
				unit = Month
			case 'W':
				unit = Week
			case 'D':
				unit = Day
			}
		}
		if pos < 0 {
			return fail(i, fmt.Sprintf("unknown designator %q", des))
		}
		if pos <= last {
			return fail(i, fmt.Sprintf("designator %q out of order or repeated", des))
		}
		last = pos
		v, ok := component(intDigits, fracDigits, unit)
		if !ok || total > math.MaxInt64-v {
			return fail(start, "duration overflows")
		}
		total += v
		components++
		i++
	}
	if components == 0 {
		return fail(len(in), "no components")
	}
	return total, nil
}

// component returns intDigits.fracDigits × unit, and false on overflow.
// The fraction is applied digit by digit in integer arithmetic, which is
// exact for every unit down to the nanosecond.
func component(intDigits, fracDigits string, unit time.Duration) (time.Duration, bool) {
	n, err := strconv.ParseInt(intDigits, 10, 64)
	if err != nil {
		return 0, false
	}
	if n > 0 && n > math.MaxInt64/int64(unit) {
		return 0, false
	}
	v := time.Duration(n) * unit
	scale := unit
	for j := 0; j < len(fracDigits) && scale > 0; j++ {
		scale /= 10
		add := time.Duration(fracDigits[j]-'0') * scale
		if v > math.MaxInt64-add {
			return 0, false
		}
		v += add
	}
	return v, true
}

// FormatDuration writes d as an ISO 8601 duration the way Beckn messages
// carry them: days when d is a whole number of days (P1D), otherwise
// P[n]DT[n]H[n]M[n]S with fractional seconds as needed (PT30S, PT10M,
// PT1.5S). Years and months are never written because their length is a
// convention. Zero is PT0S; a negative d gets a leading "-" (ISO 8601-2),
// which ParseDuration rejects, since no Beckn member is negative.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "PT0S"
	}
	var b []byte
	u := uint64(d)
	if d < 0 {
		b = append(b, '-')
		u = uint64(-d) // for MinInt64 the conversion wraps to 2^63, still correct
	}
	b = append(b, 'P')
	days := u / uint64(Day)
	u -= days * uint64(Day)
	if days > 0 {
		b = strconv.AppendUint(b, days, 10)
		b = append(b, 'D')
	}
	if u == 0 {
		return string(b)
	}
	b = append(b, 'T')
	if h := u / uint64(time.Hour); h > 0 {
		b = strconv.AppendUint(b, h, 10)
		b = append(b, 'H')
		u -= h * uint64(time.Hour)
	}
	if m := u / uint64(time.Minute); m > 0 {
		b = strconv.AppendUint(b, m, 10)
		b = append(b, 'M')
		u -= m * uint64(time.Minute)
	}
	if u > 0 {
		sec := u / uint64(time.Second)
		ns := u % uint64(time.Second)
		b = strconv.AppendUint(b, sec, 10)
		if ns > 0 {
			frac := strconv.AppendUint(nil, ns+uint64(time.Second), 10)[1:] // 9 digits, zero-padded
			for len(frac) > 0 && frac[len(frac)-1] == '0' {
				frac = frac[:len(frac)-1]
			}
			b = append(b, '.')
			b = append(b, frac...)
		}
		b = append(b, 'S')
	}
	return string(b)
}
