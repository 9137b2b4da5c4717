// Package xinput handles the forms providers attach to items and orders
// (Beckn XInput, BECKN-007, with the core 1.2 additions ONEST uses): it
// fetches a form from the provider, reads its controls from the HTML without
// ever running or trusting it, pre-fills them from a learner's profile by
// the ONEST-001 field names, and submits the answers, signed, to the
// provider.
//
// The same code serves the learner web app, the client API and the
// conformance runner, so that every path fills forms the same way.
package xinput

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Option is one choice of a select or a radio group.
type Option struct {
	Value    string `json:"value"`
	Label    string `json:"label"`
	Selected bool   `json:"selected,omitempty"`
}

// Field is one named control of a provider form.
type Field struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"` // input type, or "select" / "textarea"
	Label    string   `json:"label,omitempty"`
	Value    string   `json:"value,omitempty"`
	Required bool     `json:"required,omitempty"`
	Multiple bool     `json:"multiple,omitempty"`
	Accept   string   `json:"accept,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
	Min      string   `json:"min,omitempty"`
	Max      string   `json:"max,omitempty"`
	Options  []Option `json:"options,omitempty"`
	// Hidden fields (nonces, tokens) are submitted as the provider set them
	// and never shown to a learner.
	Hidden bool `json:"hidden,omitempty"`
}

// Form is a provider form as Seeker understands it.
type Form struct {
	// Action is the absolute URL the answers are POSTed to.
	Action string `json:"action"`
	// Enctype is application/x-www-form-urlencoded or multipart/form-data.
	Enctype string  `json:"enctype"`
	Title   string  `json:"title,omitempty"`
	Fields  []Field `json:"fields"`
}

// Field returns the field called name, or nil.
func (f *Form) Field(name string) *Field {
	for i := range f.Fields {
		if f.Fields[i].Name == name {
			return &f.Fields[i]
		}
	}
	return nil
}

// HasFiles reports whether the form asks for files, which decides the
// submission encoding whatever the form's enctype says.
func (f *Form) HasFiles() bool {
	for _, fl := range f.Fields {
		if fl.Type == "file" {
			return true
		}
	}
	return false
}

// ParseError says why a provider page is not a usable form.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return "provider form: " + e.Reason }

// Parse reads the first <form> of a provider page. base resolves a relative
// action (and an absent action means the page's own URL, as in a browser).
// Scripts, styles and event handlers are never looked at: only the form
// controls and their labels are kept.
func Parse(page []byte, base *url.URL) (*Form, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, &ParseError{Reason: "unreadable HTML: " + err.Error()}
	}
	formNode := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Form })
	if formNode == nil {
		return nil, &ParseError{Reason: "the page has no <form>"}
	}
	f := &Form{Enctype: "application/x-www-form-urlencoded"}
	if m := strings.ToLower(attr(formNode, "method")); m != "" && m != "post" {
		return nil, &ParseError{Reason: fmt.Sprintf("form method is %q; BECKN-007 submissions are POST", m)}
	}
	action, err := resolve(base, attr(formNode, "action"))
	if err != nil {
		return nil, &ParseError{Reason: "bad form action: " + err.Error()}
	}
	f.Action = action
	if strings.EqualFold(attr(formNode, "enctype"), "multipart/form-data") {
		f.Enctype = "multipart/form-data"
	}
	if t := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Title }); t != nil {
		f.Title = strings.TrimSpace(text(t))
	}
	labels := map[string]string{} // for= id → label text
	walk(formNode, func(n *html.Node) {
		if n.DataAtom == atom.Label && attr(n, "for") != "" {
			labels[attr(n, "for")] = cleanLabel(text(n))
		}
	})
	index := map[string]int{}
	walk(formNode, func(n *html.Node) {
		switch n.DataAtom {
		case atom.Input, atom.Select, atom.Textarea:
		default:
			return
		}
		name := attr(n, "name")
		if name == "" {
			return
		}
		typ := strings.ToLower(attr(n, "type"))
		switch n.DataAtom {
		case atom.Select:
			typ = "select"
		case atom.Textarea:
			typ = "textarea"
		default:
			if typ == "" {
				typ = "text"
			}
		}
		if typ == "submit" || typ == "button" || typ == "reset" || typ == "image" {
			return
		}
		label := labels[attr(n, "id")]
		if label == "" {
			if p := ancestor(n, atom.Label); p != nil {
				label = cleanLabel(text(p))
			}
		}
		if label == "" {
			label = attr(n, "placeholder")
		}
		_, required := attrOK(n, "required")
		_, checked := attrOK(n, "checked")
		if i, seen := index[name]; seen && (typ == "radio" || typ == "checkbox") {
			// A radio group (or checkbox group) is one field with options.
			fl := &f.Fields[i]
			fl.Options = append(fl.Options, Option{Value: valueOr(n, "on"), Label: label, Selected: checked})
			fl.Required = fl.Required || required
			if checked {
				fl.Value = valueOr(n, "on")
			}
			return
		}
		fl := Field{
			Name: name, Type: typ, Label: label, Required: required,
			Accept: attr(n, "accept"), Pattern: attr(n, "pattern"), Min: attr(n, "min"), Max: attr(n, "max"),
			Hidden: typ == "hidden",
		}
		_, fl.Multiple = attrOK(n, "multiple")
		switch typ {
		case "select":
			walk(n, func(o *html.Node) {
				if o.DataAtom != atom.Option {
					return
				}
				label := strings.TrimSpace(text(o))
				v, ok := attrOK(o, "value")
				if !ok {
					v = label
				}
				_, sel := attrOK(o, "selected")
				fl.Options = append(fl.Options, Option{Value: v, Label: label, Selected: sel})
				if sel {
					fl.Value = v
				}
			})
		case "textarea":
			fl.Value = text(n)
		case "radio", "checkbox":
			fl.Options = []Option{{Value: valueOr(n, "on"), Label: label, Selected: checked}}
			if checked {
				fl.Value = valueOr(n, "on")
			}
			if question := groupLabel(n); question != "" {
				fl.Label = question
			}
		default:
			fl.Value = attr(n, "value")
		}
		index[name] = len(f.Fields)
		f.Fields = append(f.Fields, fl)
	})
	if len(f.Fields) == 0 {
		return nil, &ParseError{Reason: "the form has no named controls"}
	}
	return f, nil
}

// groupLabel is the question of a radio or checkbox group, where each
// option's own label is only the answer: the legend of the fieldset around
// it, or else a loose <label> (no for=, no control inside) written just
// before the group's first option, as many provider forms do. Without one
// the group keeps its first option's label.
func groupLabel(n *html.Node) string {
	if fs := ancestor(n, atom.Fieldset); fs != nil {
		if lg := find(fs, func(c *html.Node) bool { return c.DataAtom == atom.Legend }); lg != nil {
			return cleanLabel(text(lg))
		}
	}
	first := n
	if p := ancestor(n, atom.Label); p != nil {
		first = p
	}
	prev := first.PrevSibling
	for prev != nil && prev.Type == html.TextNode && strings.TrimSpace(prev.Data) == "" {
		prev = prev.PrevSibling
	}
	if prev == nil || prev.DataAtom != atom.Label || attr(prev, "for") != "" {
		return ""
	}
	if find(prev, func(c *html.Node) bool {
		return c.DataAtom == atom.Input || c.DataAtom == atom.Select || c.DataAtom == atom.Textarea
	}) != nil {
		return ""
	}
	return cleanLabel(text(prev))
}

func resolve(base *url.URL, ref string) (string, error) {
	if base == nil {
		u, err := url.Parse(ref)
		if err != nil {
			return "", err
		}
		if !u.IsAbs() {
			return "", fmt.Errorf("%q is relative and the form's own URL is unknown", ref)
		}
		return u.String(), nil
	}
	u, err := base.Parse(ref)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%q is not an http(s) URL", u.String())
	}
	return u.String(), nil
}

func cleanLabel(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "*"), ":"))
}

func valueOr(n *html.Node, def string) string {
	if v, ok := attrOK(n, "value"); ok {
		return v
	}
	return def
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

func find(n *html.Node, pred func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && pred(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if r := find(c, pred); r != nil {
			return r
		}
	}
	return nil
}

// walk visits element nodes in document order, skipping script, style and
// template content entirely.
func walk(n *html.Node, visit func(*html.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Script, atom.Style, atom.Template, atom.Noscript:
			continue
		}
		visit(c)
		walk(c, visit)
	}
}

func ancestor(n *html.Node, a atom.Atom) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == a {
			return p
		}
	}
	return nil
}

// text is the visible text under n (scripts and styles excluded).
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && (c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Select || c.DataAtom == atom.Input):
			default:
				rec(c)
			}
		}
	}
	rec(n)
	return b.String()
}
