package audit

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
)

// readme writes the README.md of an export: what a reviewer needs to know
// before opening a file — which transactions, which providers, which APIs,
// whether personal data was redacted, and the pull-request title ONEST's
// verification-logs repository asks for.
func readme(org string, res *Result, msgs []Message, opt Options) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s-BAP — ONEST verification logs\n\n", org)
	fmt.Fprintf(&b, "Request and callback payloads of the seeker platform (BAP) of %s, exported by Seeker on %s", org, opt.Now().UTC().Format(time.RFC3339))
	if opt.Source != "" {
		fmt.Fprintf(&b, " from %s", opt.Source)
	}
	b.WriteString(".\n")
	if opt.Filters != "" {
		fmt.Fprintf(&b, "Selection: %s.\n", opt.Filters)
	}
	b.WriteString("\nEach file is one message exactly as it was sent or received, pretty-printed (indentation only; member order and values untouched). ")
	b.WriteString("Files are named by action; `-2`, `-3`, ... mark further calls of the same API (several providers answering a search, the XInput `on_init` steps).\n\n")
	if opt.Redact {
		b.WriteString("**Redacted:** personal data (names, phone numbers, e-mail addresses, postal addresses, document links, identity and account numbers) is replaced by placeholders such as `REDACTED-NAME-1`; the same value has the same placeholder in every file.\n\n")
	} else {
		b.WriteString("**Not redacted:** these files may contain personal data of test users. Export with `--redact` before publishing them.\n\n")
	}

	domains := map[string]bool{}
	for _, f := range res.Files {
		domains[f.Domain] = true
	}
	b.WriteString("Pull-request title" + plural(len(domains)) + " for ONEST-Network/verification-logs:\n\n")
	for _, d := range sortedKeys(domains) {
		fmt.Fprintf(&b, "- `%s-BAP-%s- API Payloads`\n", org, d)
	}

	b.WriteString("\n## Transactions\n\n| Transaction | Domain | Providers (BPPs) | First message | Last message |\n|---|---|---|---|---|\n")
	for _, txn := range res.Transactions {
		var first, last time.Time
		dom, provs := "", map[string]bool{}
		for _, m := range msgs {
			if m.TransactionID != txn {
				continue
			}
			if first.IsZero() || m.CreatedAt.Before(first) {
				first = m.CreatedAt
			}
			if m.CreatedAt.After(last) {
				last = m.CreatedAt
			}
			dom = domainFolder(m.Domain)
			if m.BppID != "" {
				provs[m.BppID] = true
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", txn, dom, strings.Join(sortedKeys(provs), ", "), stamp(first), stamp(last))
	}

	b.WriteString("\n## Providers (BPPs)\n\n")
	uris := map[string]string{}
	for _, m := range msgs {
		if m.BppID != "" && m.BppURI != "" {
			uris[m.BppID] = m.BppURI
		}
	}
	for _, p := range res.BPPs {
		if u := uris[p]; u != "" {
			fmt.Fprintf(&b, "- `%s` (%s)\n", p, u)
		} else {
			fmt.Fprintf(&b, "- `%s`\n", p)
		}
	}

	b.WriteString("\n## APIs\n")
	for _, d := range sortedKeys(domains) {
		var actions []string
		for _, f := range res.Files {
			if f.Domain == d && !slices.Contains(actions, "`"+f.Action+"`") {
				actions = append(actions, "`"+f.Action+"`")
			}
		}
		fmt.Fprintf(&b, "\n### %s\n\nAPIs covered: %s.\n\n| File | Direction | Action | Transaction | Message id | Provider |\n|---|---|---|---|---|---|\n", d, strings.Join(actions, ", "))
		for _, f := range res.Files {
			if f.Domain != d {
				continue
			}
			dir := "sent by the BAP"
			if f.Direction == "in" {
				dir = "received"
			}
			name := f.Path[strings.LastIndexByte(f.Path, '/')+1:]
			note := ""
			if f.Note != "" {
				note = " (" + f.Note + ")"
			}
			fmt.Fprintf(&b, "| [%s](%s)%s | %s | %s | `%s` | `%s` | %s |\n", name, pathEscape(f.Path), note, dir, f.Action, f.TransactionID, f.MessageID, f.BppID)
		}
	}
	if len(res.Withheld) > 0 {
		b.WriteString("\n## Not included\n\n")
		for _, f := range res.Withheld {
			fmt.Fprintf(&b, "- %s `%s` of transaction `%s`: %s\n", f.Action, f.MessageID, f.TransactionID, f.Note)
		}
	}
	return b.Bytes()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// pathEscape makes a relative path usable as a Markdown link target
// (domain folders have spaces).
func pathEscape(p string) string { return strings.ReplaceAll(p, " ", "%20") }
