package catalog

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ParamError is a URL parameter ParseQuery refused, with the parameter's
// name, so an API or a web page can point at it.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return e.Msg }

// ParseQuery reads a Query from URL parameters, the form the client API
// (GET /v1/catalog/search) and the web app share: q, kind, sort, offset,
// limit, facets (comma separated) and any filter name, repeated for
// alternatives (language=en&language=hi). Unknown parameters are refused,
// as a misspelt filter silently ignored would return wrong results. The
// Query is validated.
func ParseQuery(v url.Values) (Query, error) {
	q := Query{Text: v.Get("q"), Kind: v.Get("kind"), Sort: v.Get("sort")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"offset", &q.Offset}, {"limit", &q.Limit}} {
		if s := v.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return q, &ParamError{p.name, fmt.Sprintf("%s=%q is not a whole number", p.name, s)}
			}
			*p.dst = n
		}
	}
	if f := v.Get("facets"); f != "" {
		q.Facets = []string{}
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				q.Facets = append(q.Facets, name)
			}
		}
	}
	filters := FilterNames()
	for name, vals := range v {
		switch name {
		case "q", "kind", "sort", "offset", "limit", "facets":
			continue
		}
		if !slices.Contains(filters, name) && !(strings.HasPrefix(name, "tag.") && len(name) > 4) {
			return q, &ParamError{name, fmt.Sprintf("%s is not a parameter of a catalog search: use q, kind, sort, offset, limit, facets or a filter (%s, tag.<group>.<code>)", name, strings.Join(filters, ", "))}
		}
		if q.Filters == nil {
			q.Filters = map[string][]string{}
		}
		q.Filters[name] = vals
	}
	if err := q.validate(); err != nil {
		return q, err
	}
	return q, nil
}
