package web

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Providers write descriptions in HTML ("<p><strong>Python</strong></p>")
// or plain text. Neither is shown as the provider wrote it: paragraphs
// reduces either to paragraphs of plain text, which the templates escape.
// Markup a learner would miss (bold, links) is lost on purpose; what a
// provider could abuse (script, style, iframes, event handlers, tracking
// images, layout) cannot survive because no element survives.

// maxDescription bounds a description as shown (a provider can send
// megabytes; a phone should not have to render them).
const maxDescription = 8000

// blockAtoms end a paragraph.
var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Tr: true, atom.Table: true, atom.Section: true, atom.Article: true, atom.Blockquote: true, atom.Pre: true, atom.Hr: true,
}

// skipAtoms hold no text a learner should read.
var skipAtoms = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true, atom.Iframe: true,
	atom.Object: true, atom.Embed: true, atom.Svg: true, atom.Math: true, atom.Head: true, atom.Title: true,
	atom.Select: true, atom.Textarea: true, atom.Button: true,
}

// paragraphs turns provider text or HTML into at most maxDescription runes
// of plain-text paragraphs.
func paragraphs(s string) []string {
	if s == "" {
		return nil
	}
	if !strings.ContainsAny(s, "<&") {
		return splitPlain(truncate(s, maxDescription))
	}
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return splitPlain(truncate(s, maxDescription))
	}
	var out []string
	var cur strings.Builder
	total := 0
	flush := func() {
		p := strings.Join(strings.Fields(cur.String()), " ")
		cur.Reset()
		if p == "" || total >= maxDescription {
			return
		}
		p = truncate(p, maxDescription-total)
		total += utf8.RuneCountInString(p)
		out = append(out, p)
	}
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > 200 {
			return
		}
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			if skipAtoms[n.DataAtom] {
				return
			}
			if blockAtoms[n.DataAtom] {
				flush()
				defer flush()
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
		if n.Type == html.ElementNode && !blockAtoms[n.DataAtom] {
			cur.WriteByte(' ')
		}
	}
	for _, n := range nodes {
		walk(n, 0)
	}
	flush()
	return out
}

// plainText is a provider's one-line text (a title, a name, a label, a
// tag value) exactly as sent, as text: whitespace runs collapsed, control
// characters dropped, bounded. It is never parsed as HTML: a title that
// says "<script>" shows "<script>" (html/template escapes it), which is
// both safe and honest about what the provider sent.
func plainText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 32 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 || r == 0x202e || r == 0x202d {
			return ' '
		}
		return r
	}, truncate(s, 4*maxDescription))
	return truncate(strings.Join(strings.Fields(s), " "), maxDescription)
}

func splitPlain(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// truncate cuts s to n runes, marking the cut.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
