package schema

import (
	"net/url"
	"regexp"
	"strings"
)

// Format checks work on the raw bytes of a string so that validating a large
// catalogue allocates nothing for values that are fine. They follow the
// definitions JSON Schema validators apply to OpenAPI formats (RFC 4122,
// RFC 3339, RFC 3986 absolute URIs, RFC 5321 mailboxes) so that Seeker and an
// off-the-shelf validator agree on the same payload.

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// validUUID accepts the 8-4-4-4-12 hexadecimal form, any case.
func validUUID(b []byte) bool {
	if len(b) != 36 {
		return false
	}
	for i, c := range b {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}

// validDate accepts RFC 3339 full-date (YYYY-MM-DD) with real calendar days.
func validDate(b []byte) bool {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return false
	}
	y, ok1 := digits(b[:4])
	m, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// validDateTime accepts RFC 3339 date-time: a full date, T, hh:mm:ss with an
// optional fraction, and Z or a numeric offset. Seconds may be 60 (leap
// second), as RFC 3339 allows.
func validDateTime(b []byte) bool {
	if len(b) < 20 || (b[10] != 'T' && b[10] != 't') || !validDate(b[:10]) {
		return false
	}
	t := b[11:]
	if len(t) < 9 || t[2] != ':' || t[5] != ':' {
		return false
	}
	h, ok1 := digits(t[:2])
	mi, ok2 := digits(t[3:5])
	s, ok3 := digits(t[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 60 {
		return false
	}
	t = t[8:]
	if len(t) > 0 && t[0] == '.' {
		n := 1
		for n < len(t) && isDigit(t[n]) {
			n++
		}
		if n == 1 {
			return false
		}
		t = t[n:]
	}
	if len(t) == 1 && (t[0] == 'Z' || t[0] == 'z') {
		return true
	}
	if len(t) != 6 || (t[0] != '+' && t[0] != '-') || t[3] != ':' {
		return false
	}
	oh, ok1 := digits(t[1:3])
	om, ok2 := digits(t[4:6])
	return ok1 && ok2 && oh <= 23 && om <= 59
}

// validURI accepts an absolute URI (one with a scheme) that net/url parses.
// The common case (scheme, then only characters net/url never objects to)
// is decided without calling url.Parse, which allocates.
func validURI(b []byte) bool {
	if simpleAbsURI(b) {
		return true
	}
	u, err := url.Parse(string(b))
	return err == nil && u.IsAbs()
}

// uriSafe are the bytes url.Parse accepts anywhere after the scheme: RFC 3986
// unreserved characters, sub-delimiters, '/', '?', '#' and '@'. Percent
// escapes, ':' (ports), brackets and anything else take the slow path.
var uriSafe = func() (t [256]bool) {
	for _, c := range []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=/?#@") {
		t[c] = true
	}
	return t
}()

func simpleAbsURI(b []byte) bool {
	i := 0
	for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z' || i > 0 && (isDigit(b[i]) || b[i] == '+' || b[i] == '-' || b[i] == '.')) {
		i++
	}
	if i == 0 || i >= len(b) || b[i] != ':' {
		return false
	}
	for _, c := range b[i+1:] {
		if !uriSafe[c] {
			return false
		}
	}
	return true
}

// validEmail accepts local@domain with an unquoted dot-atom local part and a
// host-name domain: enough to catch the phone number or the name typed in the
// wrong field, which is what goes wrong in practice.
func validEmail(b []byte) bool {
	s := string(b)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 || len(s) > 254 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || strings.IndexByte(".!#$%&'*+-/=?^_`{|}~", c) >= 0) {
			return false
		}
	}
	return validHostname(domain)
}

func validHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-') {
				return false
			}
		}
	}
	return true
}

// validDuration accepts ISO 8601 durations as RFC 3339 Appendix A defines
// them: PnW, or P[nY][nM][nD][T[nH][nM][nS]] with at least one component and
// at least one after T. Seconds may carry a fraction (PT1.5S). The common
// slip "P20H" (hours without T) is rejected: it is a different duration
// grammar, and "P1M" means one month, not one minute.
func validDuration(b []byte) bool {
	if len(b) < 2 || b[0] != 'P' {
		return false
	}
	b = b[1:]
	if b[len(b)-1] == 'W' {
		_, ok := digits(b[:len(b)-1])
		return ok
	}
	date, tm, hasT := b, []byte(nil), false
	if i := indexByte(b, 'T'); i >= 0 {
		date, tm, hasT = b[:i], b[i+1:], true
		if len(tm) == 0 {
			return false
		}
	}
	if !durationPart(date, "YMD", false) || !durationPart(tm, "HMS", true) {
		return false
	}
	return len(date) > 0 || hasT
}

// durationPart checks components like 3Y2M in the order given by units.
func durationPart(b []byte, units string, fracSeconds bool) bool {
	next := 0
	for len(b) > 0 {
		n := 0
		for n < len(b) && isDigit(b[n]) {
			n++
		}
		if n == 0 {
			return false
		}
		if fracSeconds && n < len(b) && (b[n] == '.' || b[n] == ',') {
			m := n + 1
			for m < len(b) && isDigit(b[m]) {
				m++
			}
			if m == n+1 || m >= len(b) || b[m] != 'S' {
				return false
			}
			n = m
		}
		if n >= len(b) {
			return false
		}
		u := strings.IndexByte(units[next:], b[n])
		if u < 0 {
			return false
		}
		next += u + 1
		b = b[n+1:]
	}
	return true
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// validDecimal is core's DecimalValue pattern [+-]?([0-9]*[.])?[0-9]+,
// anchored at both ends.
func validDecimal(b []byte) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	dot := indexByte(b, '.')
	if dot < 0 {
		_, ok := digits(b)
		return ok
	}
	if dot > 0 {
		if _, ok := digits(b[:dot]); !ok {
			return false
		}
	}
	_, ok := digits(b[dot+1:])
	return ok
}

// gpsPattern is core's Gps pattern, verbatim.
var gpsPattern = regexp.MustCompile(`^[-+]?([1-8]?\d(\.\d+)?|90(\.0+)?),\s*[-+]?(180(\.0+)?|((1[0-7]\d)|([1-9]?\d))(\.\d+)?)$`)

// validAge accepts a core Duration ("P35Y") or ONEST's whole years ("35").
func validAge(b []byte) bool {
	if _, ok := digits(b); ok {
		return true
	}
	return validDuration(b)
}

// checkFormat reports whether b satisfies f.
func checkFormat(f format, b []byte) bool {
	switch f {
	case fUUID:
		return validUUID(b)
	case fDateTime:
		return validDateTime(b)
	case fDate:
		return validDate(b)
	case fURI:
		return validURI(b)
	case fEmail:
		return validEmail(b)
	case fDuration:
		return validDuration(b)
	case fDecimal:
		return validDecimal(b)
	case fGPS:
		return gpsPattern.Match(b)
	case fAge:
		return validAge(b)
	}
	return true
}
