package web

import (
	"errors"
	"html/template"
	"net/url"
	"time"
)

// funcs are the template helpers. None of them produces markup: every
// value the templates print goes through html/template's escaping.
var funcs = template.FuncMap{
	// dict builds a map for passing several values to a sub-template.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, errors.New("dict needs key/value pairs")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, errors.New("dict keys are strings")
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"kindOf": kindOf,
	"add":    func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		out := make([]int, max(n, 0))
		for i := range out {
			out[i] = i
		}
		return out
	},
	// when parses an RFC 3339 time from a provider (zero when unreadable).
	"when": func(s string) time.Time {
		for _, layout := range []string{time.RFC3339, "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t
			}
		}
		return time.Time{}
	},
	"query": func(s string) string { return url.QueryEscape(s) },
	"path":  func(s string) string { return url.PathEscape(s) },
}
