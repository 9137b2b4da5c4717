package catalog

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Text search works on tokens that Seeker makes itself, the same way for the
// documents and the queries and for both databases: SQLite's FTS5 and
// PostgreSQL's tsvector only ever see tokens already folded here, so the two
// backends match exactly the same documents. The folding:
//
//   - Unicode NFD, then NFC, so that a precomposed and a decomposed
//     spelling of the same word are one token;
//   - lower case;
//   - accents dropped from Latin letters (résumé = resume), but never the
//     vowel signs (matras) of Indic scripts: in Devanagari they are combining
//     marks too, and dropping them would merge different words;
//   - the nukta dropped and the precomposed nukta letters (क़ ख़ ग़ ज़ ड़ ढ़ फ़
//     य़ ऩ ऱ ऴ) folded to their base letters, because learners often type
//     Hindi without it;
//   - zero-width joiners and non-joiners removed (they change rendering,
//     not the word);
//   - a token is a run of letters, digits and combining marks; everything
//     else separates (so "C++" is "c", and HTML tags in long descriptions
//     are stripped before).

// nuktaBase maps the precomposed nukta letters to their base letters.
var nuktaBase = map[rune]rune{
	'\u0958': 'क', '\u0959': 'ख', '\u095A': 'ग', '\u095B': 'ज', '\u095C': 'ड',
	'\u095D': 'ढ', '\u095E': 'फ', '\u095F': 'य', '\u0929': 'न', '\u0931': 'र', '\u0934': 'ळ',
}

// fold applies the folding above to s.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s) // nothing to normalise: most catalogs
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	latinBase := false
	for _, r := range d {
		switch {
		case r == '\u200c' || r == '\u200d' || r == '\u093c':
			continue
		case unicode.Is(unicode.Mn, r):
			if latinBase {
				continue
			}
		default:
			if base, ok := nuktaBase[r]; ok {
				r = base
			}
			latinBase = unicode.Is(unicode.Latin, r)
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// tokens returns the folded tokens of s in order (duplicates kept).
func tokens(s string) []string {
	if s == "" {
		return nil
	}
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !isTokenRune(r) })
}

// stripHTML replaces markup with spaces so that long descriptions (HTML in
// course catalogs) index their words, not their tags.
func stripHTML(s string) string {
	if !strings.ContainsRune(s, '<') {
		return s
	}
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return entities.Replace(b.String())
}

// entities are the character references common in catalog HTML.
var entities = strings.NewReplacer("&amp;", "&", "&nbsp;", " ", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&quot;", `"`)

// searchText is the document a text query runs against: title, descriptions,
// provider, creator, skills, topics, categories and mentor, folded into
// distinct tokens joined by spaces (the form both databases index).
func searchText(o *Opportunity) string {
	parts := []string{o.Title, o.ShortDesc, stripHTML(o.LongDesc), o.ProviderName, o.Creator, o.Mentor,
		o.JobRole, o.Industry}
	parts = append(parts, o.Skills...)
	parts = append(parts, o.Topics...)
	parts = append(parts, o.Categories...)
	seen := map[string]bool{}
	var out []string
	for _, p := range parts {
		for _, t := range tokens(p) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return strings.Join(out, " ")
}

// stopwords are dropped from query text: "courses for teachers" asks for
// courses and teachers (the reference providers drop the same words).
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "for": true, "of": true, "in": true, "and": true, "with": true,
	"to": true, "on": true, "at": true, "by": true, "or": true,
}

// singular trims an English plural from a query term so that, used as a
// prefix, it finds both forms: "courses" → "course", "classes" → "class".
func singular(t string) string {
	if len(t) <= 3 || t[len(t)-1] != 's' || t[len(t)-2] == 's' {
		return t
	}
	for _, suf := range []string{"sses", "shes", "ches", "xes"} {
		if strings.HasSuffix(t, suf) {
			return t[:len(t)-2]
		}
	}
	return t[:len(t)-1]
}

// queryTerms turns a learner's text into the folded terms every document
// must contain, each as a prefix ("pyth" finds "python", "साक्षर" finds
// "साक्षरता"), stop words dropped and plurals trimmed. At most 16 terms are kept: a longer text is not a search.
func queryTerms(text string) []string {
	ts := tokens(text)
	seen := map[string]bool{}
	out := ts[:0]
	for _, t := range ts {
		if stopwords[t] {
			continue
		}
		t = singular(t)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) > 16 {
		out = out[:16]
	}
	return out
}
