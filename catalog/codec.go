package catalog

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"time"
	"unsafe"

	"github.com/onest-seeker/seeker/beckn"
)

// JSON of an Opportunity: durations are ISO 8601 ("PT10H") and the age is in
// seconds, which is what API clients and the web app read; everything else
// is the struct's own encoding.
type oppJSON Opportunity

type oppWire struct {
	*oppJSON
	Duration   string `json:"duration,omitempty"`
	AgeSeconds *int64 `json:"age_seconds,omitempty"`
	Age        string `json:"age,omitempty"`
}

// MarshalJSON writes Duration as an ISO 8601 duration and Age as
// age_seconds.
func (o Opportunity) MarshalJSON() ([]byte, error) { return json.Marshal(o.wire()) }

// The index stores opportunities in the binary form below, not as JSON:
// encoding/json took a quarter of the time of caching a catalog.

// wire is the shape MarshalJSON writes.
func (o *Opportunity) wire() oppWire {
	w := oppWire{oppJSON: (*oppJSON)(o)}
	if o.Duration > 0 {
		w.Duration = beckn.FormatDuration(o.Duration)
	}
	if o.Source != "" {
		s := int64(o.Age / time.Second)
		w.AgeSeconds = &s
	}
	return w
}

// UnmarshalJSON reads what MarshalJSON writes.
func (o *Opportunity) UnmarshalJSON(b []byte) error {
	w := oppWire{oppJSON: (*oppJSON)(o)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	o.Duration = 0
	if w.Duration != "" {
		d, err := beckn.ParseDuration(w.Duration)
		if err != nil {
			return err
		}
		o.Duration = d
	}
	o.Age = 0
	if w.AgeSeconds != nil {
		o.Age = time.Duration(*w.AgeSeconds) * time.Second
	}
	return nil
}

// The lean record: every field facets, grouping, sorting and all but two
// filters read (eligibility text and tag.* filters read the rest record),
// in a compact binary form that decodes in well under a microsecond (JSON
// takes several). A search decodes one per candidate row, so this is what
// keeps a filtered query over 100,000 cached opportunities fast. The
// descriptions, images and raw item are left to the full document, read
// only for the page shown.

type leanEnc struct{ b []byte }

func (e *leanEnc) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *leanEnc) strs(ss []string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *leanEnc) num(n int64) { e.b = binary.AppendVarint(e.b, n) }

func (e *leanEnc) time(t time.Time) {
	if t.IsZero() {
		e.num(0)
		return
	}
	e.num(t.UnixMilli())
}

func (e *leanEnc) money(m *Money) {
	if m == nil {
		e.b = append(e.b, 0)
		return
	}
	e.b = append(e.b, 1)
	e.str(m.Currency)
	e.str(m.Value)
	e.str(m.Min)
	e.str(m.Max)
	e.str(m.Text)
}

// leanVersion starts every record; a record of another version is skipped
// by searches (and replaced at the next harvest) rather than misread.
const leanVersion = 2

// encodeLean writes the lean record of o (without the times the index keeps
// in columns: fetched, first seen, expires), ending with the folded tokens
// relevance reads.
func encodeLean(o *Opportunity) []byte {
	e := leanEnc{b: make([]byte, 0, 512)}
	e.b = append(e.b, leanVersion)
	for _, s := range []string{o.ID, o.Kind, o.Domain, o.BppID, o.BppURI, o.ProviderID, o.ProviderName, o.ItemID,
		o.Creator, o.Title, o.Cost, o.Level, o.Mode, o.City, o.State, o.Country, o.Category, o.Rating,
		o.EmploymentType, o.Industry, o.JobRole, o.Experience, o.MaxIncome, o.Mentor, o.Grade, o.GroupKey} {
		e.str(s)
	}
	for _, l := range [][]string{o.Languages, o.Modes, o.Cities, o.Categories, o.Skills, o.Topics,
		o.Genders, o.SocialCategories, o.ClassLevels} {
		e.strs(l)
	}
	e.money(o.Price)
	e.money(o.Amount)
	e.money(o.Salary)
	e.num(int64(o.Duration))
	e.num(int64(o.MinAge))
	e.num(int64(o.MaxAge))
	e.num(int64(o.Openings))
	for _, t := range []time.Time{o.ApplyStart, o.ApplyEnd, o.Start, o.End, o.Deadline} {
		e.time(t)
	}
	title, meta := relevanceTokens(o)
	e.str(title)
	e.str(meta)
	return e.b
}

var errLean = errors.New("catalog: corrupt lean record")

// leanReader decodes lean records. A search decodes one per candidate into
// a single scratch Opportunity: the record is copied into the reader's
// buffer, strings point into that buffer (no copy), and list fields reuse
// the scratch record's slices, so a row costs no allocation. Whatever the
// caller keeps must be cloned before the next read.
type leanReader struct {
	buf []byte
}

// read decodes b into o (zero-copy, valid until the next read) and returns
// its relevance tokens.
func (r *leanReader) read(b []byte, o *Opportunity) (title, meta string, err error) {
	r.buf = append(r.buf[:0], b...)
	return decodeInto(r.buf, o, true)
}

// decodeLean reads a lean record into o, copying every value.
func decodeLean(b []byte, o *Opportunity) (title, meta string, err error) {
	return decodeInto(b, o, false)
}

type leanDec struct {
	b     []byte
	err   error
	alias bool // strings point into b
}

func (d *leanDec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.err = errLean
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *leanDec) num() int64 {
	if d.err != nil {
		return 0
	}
	n, k := binary.Varint(d.b)
	if k <= 0 {
		d.err = errLean
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *leanDec) str() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errLean
		return ""
	}
	var s string
	switch {
	case n == 0:
	case d.alias:
		s = unsafe.String(&d.b[0], int(n))
	default:
		s = string(d.b[:n])
	}
	d.b = d.b[n:]
	return s
}

// strs reads a list into dst's backing array when aliasing (the scratch
// record's own slice), else into a new slice.
func (d *leanDec) strs(dst []string) []string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errLean
		return nil
	}
	if n == 0 {
		return dst[:0:0]
	}
	if d.alias {
		dst = dst[:0]
	} else {
		dst = make([]string, 0, n)
	}
	for range n {
		dst = append(dst, d.str())
	}
	return dst
}

func (d *leanDec) time() time.Time {
	ms := d.num()
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func (d *leanDec) money(dst *Money) *Money {
	if d.err != nil || len(d.b) == 0 {
		d.err = errLean
		return nil
	}
	present := d.b[0]
	d.b = d.b[1:]
	if present == 0 {
		return nil
	}
	if !d.alias || dst == nil {
		dst = &Money{}
	}
	*dst = Money{Currency: d.str(), Value: d.str(), Min: d.str(), Max: d.str(), Text: d.str()}
	return dst
}

// decodeInto reads a lean record into o; with alias, strings point into b
// and o's slices, money and tag map are reused.
func decodeInto(b []byte, o *Opportunity, alias bool) (title, meta string, err error) {
	if len(b) == 0 || b[0] != leanVersion {
		return "", "", errLean
	}
	d := leanDec{b: b[1:], alias: alias}
	for _, p := range []*string{&o.ID, &o.Kind, &o.Domain, &o.BppID, &o.BppURI, &o.ProviderID, &o.ProviderName, &o.ItemID,
		&o.Creator, &o.Title, &o.Cost, &o.Level, &o.Mode, &o.City, &o.State, &o.Country, &o.Category, &o.Rating,
		&o.EmploymentType, &o.Industry, &o.JobRole, &o.Experience, &o.MaxIncome, &o.Mentor, &o.Grade, &o.GroupKey} {
		*p = d.str()
	}
	for _, p := range []*[]string{&o.Languages, &o.Modes, &o.Cities, &o.Categories, &o.Skills, &o.Topics,
		&o.Genders, &o.SocialCategories, &o.ClassLevels} {
		*p = d.strs(*p)
	}
	o.Price = d.money(o.Price)
	o.Amount = d.money(o.Amount)
	o.Salary = d.money(o.Salary)
	o.Duration = time.Duration(d.num())
	o.MinAge = int(d.num())
	o.MaxAge = int(d.num())
	o.Openings = int(d.num())
	for _, p := range []*time.Time{&o.ApplyStart, &o.ApplyEnd, &o.Start, &o.End, &o.Deadline} {
		*p = d.time()
	}
	title, meta = d.str(), d.str()
	return title, meta, d.err
}

// encodeRest writes what the lean record leaves out: the descriptions,
// images, eligibility lines and tags (long texts that searches rarely
// filter on: keeping them out of the lean record keeps it small).
func encodeRest(o *Opportunity) []byte {
	e := leanEnc{b: make([]byte, 0, 64+len(o.ShortDesc)+len(o.LongDesc))}
	e.b = append(e.b, leanVersion)
	e.str(o.ShortDesc)
	e.str(o.LongDesc)
	e.strs(o.Images)
	e.strs(o.Eligibility)
	keys := make([]string, 0, len(o.Tags))
	for k := range o.Tags {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same item always encodes the same (its hash)
	e.b = binary.AppendUvarint(e.b, uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.strs(o.Tags[k])
	}
	return e.b
}

// decodeRest reads what encodeRest wrote into o (copying every value).
func decodeRest(b []byte, o *Opportunity) error {
	if len(b) == 0 || b[0] != leanVersion {
		return errLean
	}
	d := leanDec{b: b[1:]}
	o.ShortDesc, o.LongDesc, o.Images, o.Eligibility = d.str(), d.str(), d.strs(nil), d.strs(nil)
	o.Tags = nil
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		return errLean
	}
	if n > 0 {
		o.Tags = make(map[string][]string, n)
		for range n {
			k := d.str()
			o.Tags[k] = d.strs(nil)
		}
	}
	return d.err
}
