package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/onest-seeker/seeker/xinput"
)

// FuzzFormRendering feeds provider pages through the form path the app
// uses (xinput.Parse, Prefill, the app's own field template) and checks
// that whatever the provider wrote, the output is the app's markup only:
// no script, style, iframe or object element, no event handler or style
// attribute, no URL scheme but the app's, and every control labelled.
func FuzzFormRendering(f *testing.F) {
	f.Add([]byte(`<form method="post"><label for="a">Name</label><input id="a" name="user-full-name" required></form>`))
	f.Add([]byte(`<form><select name="s" onchange="x()"><option value="<script>">"><img src=x onerror=alert(1)></option></select></form>`))
	f.Add([]byte(`<form><fieldset><legend><style>*{}</style>Q</legend><input type="radio" name="r" value="javascript:alert(1)"></fieldset><textarea name="t"></textarea></form>`))
	f.Add([]byte(`<form action="javascript:alert(1)"><input type="image" name="i"><input type="file" name="d" accept="'><script>"></form>`))
	s := newFuzzServer(f)
	base, _ := url.Parse("http://provider.example/forms/t/0")
	f.Fuzz(func(t *testing.T, page []byte) {
		form, err := xinput.Parse(page, base)
		if err != nil {
			return
		}
		answers, shared := xinput.Prefill(form, xinput.Profile{"user-full-name": `Asha "><script>alert(1)</script>`})
		out := renderFields(t, s, form, answers, shared)
		doc, err := html.Parse(strings.NewReader("<form>" + out + "</form>"))
		if err != nil {
			t.Fatalf("the rendered form is not HTML: %v", err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "style", "iframe", "object", "embed", "img", "link", "meta", "base", "svg", "math", "form":
					if n.Data != "form" || n.Parent == nil || n.Parent.Data != "body" {
						t.Fatalf("the rendered form has a <%s> element:\n%s", n.Data, out)
					}
				}
				for _, a := range n.Attr {
					k := strings.ToLower(a.Key)
					if strings.HasPrefix(k, "on") || k == "style" || k == "src" || k == "action" || k == "formaction" {
						t.Fatalf("the rendered form has the attribute %s=%q:\n%s", a.Key, a.Val, out)
					}
					if k == "type" && !inputTypes[a.Val] && a.Val != "radio" && a.Val != "checkbox" {
						t.Fatalf("the rendered form has an input of type %q", a.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	})
}

// FuzzDescription: provider descriptions reduce to bounded text
// paragraphs with no markup left to interpret.
func FuzzDescription(f *testing.F) {
	f.Add(`<p><strong>Python</strong></p><script>alert(1)</script>`)
	f.Add(`plain text\n\nsecond paragraph`)
	f.Add(`<div style="position:fixed"><iframe src="javascript:x"></iframe>covering</div>&lt;b&gt;`)
	f.Add(strings.Repeat("<div>", 500) + "deep")
	f.Fuzz(func(t *testing.T, s string) {
		total := 0
		for _, p := range paragraphs(s) {
			if p == "" || strings.TrimSpace(p) != p {
				t.Fatalf("paragraph %q is empty or padded", p)
			}
			total += utf8.RuneCountInString(p)
		}
		if total > maxDescription+64 {
			t.Fatalf("%d runes shown, the bound is %d", total, maxDescription)
		}
		line := plainText(s)
		if strings.ContainsAny(line, "\n\r\t\u2028\u2029\u202e") || utf8.RuneCountInString(line) > maxDescription+1 {
			t.Fatalf("plainText(%q) = %q", s, line)
		}
	})
}

// FuzzDiscoverQuery: any URL a visitor can make parses to a valid catalog
// query (never an error page), and the app's own URL for it parses back to
// the same query.
func FuzzDiscoverQuery(f *testing.F) {
	f.Add("q=python&kind=course&f.language=en&sort=price&page=2")
	f.Add("kind=job&f.salary_min=NaN&f.city=%00&page=-1")
	f.Add("kind=scholarship&f.gender=female&f.income=1e400&f.deadline_after=2026-13-40")
	f.Add("kind=mentorship&f.start_after=2026-01-01&f.nope=1&q=" + strings.Repeat("x", 300))
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		dq := parseDiscover(v)
		if err := dq.Q.Validate(); err != nil {
			t.Fatalf("%q parsed to an invalid query: %v", raw, err)
		}
		if utf8.RuneCountInString(dq.Q.Text) > maxQueryText+1 || dq.Page < 1 || dq.Q.Offset < 0 {
			t.Fatalf("%q: text %d runes, page %d, offset %d", raw, utf8.RuneCountInString(dq.Q.Text), dq.Page, dq.Q.Offset)
		}
		u, err := url.Parse(dq.URL("/"))
		if err != nil {
			t.Fatal(err)
		}
		again := parseDiscover(u.Query())
		if again.Q.Text != dq.Q.Text || again.Q.Kind != dq.Q.Kind || again.Q.Sort != dq.Q.Sort || again.Page != dq.Page || len(again.Q.Filters) != len(dq.Q.Filters) || len(again.Ignored) != 0 {
			t.Fatalf("%q → %s does not parse back: %+v vs %+v", raw, u, again.Q, dq.Q)
		}
	})
}

func newFuzzServer(f *testing.F) *Server {
	cat, err := loadCatalogue()
	if err != nil {
		f.Fatal(err)
	}
	pages, err := parsePages()
	if err != nil {
		f.Fatal(err)
	}
	return &Server{i18n: cat, pages: pages}
}
