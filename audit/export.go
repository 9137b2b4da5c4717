// Package audit produces the verification logs ONEST asks a network
// participant to submit before go-live (onest-domain.md §8): one folder per
// organisation and role, one per domain, one JSON file per API call named by
// action, taken from the messages Seeker stored byte for byte.
//
// The layout is the one the ONEST-Network/verification-logs README asks for:
//
//	<Org>-BAP/<Domain Name>/search.json, on_search.json, select.json, ...
//
// with -2, -3, ... suffixes where an API ran several times (the XInput
// on_init steps, several providers answering a search), and a README.md that
// says which transactions, providers and APIs the folder covers.
package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/beckn"
)

// Message is a stored Beckn message as the export needs it.
type Message struct {
	Seq           int64
	Direction     string // "out" (sent by Seeker) or "in" (received)
	Action        string
	Domain        string
	TransactionID string
	MessageID     string
	BppID         string
	BppURI        string
	AckStatus     string // what Seeker answered an inbound message
	CreatedAt     time.Time
	// Raw is the exact stored body.
	Raw []byte
}

// Options tune an export.
type Options struct {
	// Org is the organisation name of the folder <Org>-BAP.
	Org string
	// Redact replaces personal data with stable placeholders.
	Redact bool
	// Source says where the messages came from (the Seeker URL), for the
	// README.
	Source string
	// Filters describes the selection (domain, transaction, since), for
	// the README.
	Filters string
	// Now is the export time (default time.Now).
	Now func() time.Time
}

// File is one written log file.
type File struct {
	// Path is relative to the export's root folder (<Org>-BAP).
	Path          string
	Domain        string
	Action        string
	Direction     string
	TransactionID string
	MessageID     string
	BppID         string
	// Note says what is special about the file (not JSON, withheld).
	Note string
}

// Result says what an export wrote.
type Result struct {
	// Root is the <Org>-BAP folder.
	Root  string
	Files []File
	// Withheld are messages not written (with the reason in Note).
	Withheld     []File
	Transactions []string
	BPPs         []string
}

// Export writes the verification logs of msgs under dir. Messages are
// taken in Seq order; inbound messages Seeker did not acknowledge (bad
// signature, unknown transaction, duplicates refused) are left out, since
// they are not part of a transaction. The <Org>-BAP folder must not exist
// or be empty, so files of an earlier export never mix in.
func Export(dir string, msgs []Message, opt Options) (*Result, error) {
	org, err := folderName(opt.Org)
	if err != nil {
		return nil, err
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	root := filepath.Join(dir, org+"-BAP")
	if entries, err := os.ReadDir(root); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("audit: %s already exists and is not empty; export into a new --out folder or remove it", root)
	}
	msgs = slices.Clone(msgs)
	slices.SortStableFunc(msgs, func(a, b Message) int { return cmpInt(a.Seq, b.Seq) })
	var picked []Message
	for _, m := range msgs {
		if m.Direction == "in" && m.AckStatus != "ACK" {
			continue
		}
		picked = append(picked, m)
	}
	if len(picked) == 0 {
		return nil, errors.New("audit: no messages match; run a journey first or widen --domain/--transaction/--since")
	}

	var red *Redactor
	if opt.Redact {
		red = NewRedactor()
		for _, m := range picked {
			red.Learn(m.Raw)
		}
	}
	res := &Result{Root: root}
	counts := map[string]int{}
	txns, bpps := map[string]bool{}, map[string]bool{}
	for _, m := range picked {
		domainDir := domainFolder(m.Domain)
		f := File{Domain: domainDir, Action: m.Action, Direction: m.Direction, TransactionID: m.TransactionID, MessageID: m.MessageID, BppID: m.BppID}
		body, note, err := render(m.Raw, red)
		if err != nil {
			f.Note = err.Error()
			res.Withheld = append(res.Withheld, f)
			continue
		}
		action, err := folderName(m.Action)
		if err != nil {
			f.Note = "action is not a usable file name"
			res.Withheld = append(res.Withheld, f)
			continue
		}
		k := domainDir + "/" + action
		counts[k]++
		name := action + ".json"
		if n := counts[k]; n > 1 {
			name = fmt.Sprintf("%s-%d.json", action, n)
		}
		f.Path, f.Note = domainDir+"/"+name, note
		if err := os.MkdirAll(filepath.Join(root, domainDir), 0o755); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		if err := os.WriteFile(filepath.Join(root, domainDir, name), body, 0o644); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		res.Files = append(res.Files, f)
		txns[m.TransactionID] = true
		if m.BppID != "" {
			bpps[m.BppID] = true
		}
	}
	res.Transactions, res.BPPs = sortedKeys(txns), sortedKeys(bpps)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	readme := readme(org, res, picked, opt)
	if red != nil {
		// The README lists ids only, but a transaction id could be the
		// one place a provider put a phone number: scrub it too.
		readme = []byte(red.scrub(string(readme)))
	}
	if err := os.WriteFile(filepath.Join(root, "README.md"), readme, 0o644); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return res, nil
}

// render pretty-prints a stored body: indentation only, so members keep
// their order and every value its exact text. A body that is not JSON
// (real providers send some) is written exactly as stored, and redaction,
// which must understand the body, withholds it instead.
func render(raw []byte, red *Redactor) (body []byte, note string, err error) {
	if red != nil {
		if raw, err = red.Redact(raw); err != nil {
			return nil, "", fmt.Errorf("withheld: %w", err)
		}
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return raw, "not valid JSON; written exactly as stored", nil
	}
	b.WriteByte('\n')
	return b.Bytes(), "", nil
}

// domainFolder is the ONEST domain name ("Learning Experiences"), or the
// code itself for a domain ONEST does not name.
func domainFolder(code string) string {
	if name := beckn.DomainName(code); name != "" {
		return name
	}
	if f, err := folderName(code); err == nil {
		return f
	}
	return "Unknown Domain"
}

// folderName checks that s can be one path element.
func folderName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("audit: the organisation name is required (it names the <Org>-BAP folder)")
	case s == "." || s == ".." || strings.ContainsAny(s, `/\:*?"<>|`) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 }):
		return "", fmt.Errorf("audit: %q cannot be a folder name; avoid / \\ : * ? \" < > | and control characters", s)
	}
	return s, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
