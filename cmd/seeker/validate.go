package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/onest-seeker/seeker/schema"
)

func init() { subcommands = append(subcommands, newValidateCmd) }

// Exit codes of "seeker validate", promised to scripts.
const (
	validateOK       = 0
	validateInvalid  = 1
	validateBadInput = 2
)

// validateReport is one validated message: a file, or one callback of a
// protocol-server wrapper file.
type validateReport struct {
	File     string           `json:"file"`
	Entry    string           `json:"entry,omitempty"` // "responses[2]" for a wrapper's callback
	Error    string           `json:"error,omitempty"` // the file could not be read or parsed
	Action   string           `json:"action,omitempty"`
	Domain   string           `json:"domain,omitempty"`
	Valid    bool             `json:"valid"`
	Errors   int              `json:"errors"`
	Warnings int              `json:"warnings"`
	Findings []schema.Finding `json:"findings"`
}

func newValidateCmd() *cobra.Command {
	var domain, action, format string
	cmd := &cobra.Command{
		Use:   "validate [--domain D] [--action A] [--format text|json] FILE...|-",
		Short: "Check Beckn payloads against core 1.1.0 and the ONEST policy",
		Long: `Validate Beckn message files the way Seeker validates what it sends and
receives: core 1.1.0 structure (types, formats, enums, context.action), the
ONEST policy of the message's domain (mandatory fields, state and type codes,
gender, recommended tags) and legacy or placeholder values.

A file holds one message {context, message}, or a protocol-server client
response {context, responses[]} whose callbacks are each validated ("-" reads
standard input). Each finding gives the JSON path, severity, the Beckn/ONEST
error code, the rule and what would be right.

--domain applies that domain's policy (an ONEST code or a legacy alias)
whatever context.domain says; --action validates every message as that
endpoint instead of taking context.action.

Exit status: 0 when no finding is an error, 1 when one is, 2 when a file
cannot be read or is not JSON, or on a usage error.`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := schema.New()
			var opts []schema.Option
			if domain != "" {
				if _, ok := schema.NormalizeDomain(domain); !ok {
					return exitWith(validateBadInput, fmt.Errorf("--domain %q is not an ONEST domain (use onest:learning-experiences, onest:work-opportunities, onest:financial-support or onest:expert-connect)", domain))
				}
				opts = append(opts, schema.WithDomain(domain))
			}
			if action != "" && !slices.Contains(v.Actions(), action) {
				return exitWith(validateBadInput, fmt.Errorf("--action %q is not a Beckn action (one of %s)", action, strings.Join(v.Actions(), ", ")))
			}
			if format != "text" && format != "json" {
				return exitWith(validateBadInput, fmt.Errorf("--format %q: use text or json", format))
			}
			if countOf(args, "-") > 1 {
				return exitWith(validateBadInput, errors.New(`standard input ("-") can be given only once`))
			}
			var reports []validateReport
			for _, f := range args {
				reports = append(reports, validateFile(cmd, v, f, action, opts)...)
			}
			code := validateOK
			for _, r := range reports {
				switch {
				case r.Error != "":
					code = validateBadInput
				case !r.Valid && code == validateOK:
					code = validateInvalid
				}
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					Valid   bool             `json:"valid"`
					Results []validateReport `json:"results"`
				}{code == validateOK, reports}); err != nil {
					return exitWith(validateBadInput, err)
				}
			} else {
				writeValidateText(out, reports)
			}
			if code != validateOK {
				return exitWith(code, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&domain, "domain", "", "apply this ONEST domain's policy instead of context.domain's")
	cmd.Flags().StringVar(&action, "action", "", "validate as this endpoint instead of context.action")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// validateFile validates one file: a single message, or each callback of a
// protocol-server wrapper.
func validateFile(cmd *cobra.Command, v *schema.Validator, file, action string, opts []schema.Option) []validateReport {
	name := file
	if file == "-" {
		name = "(stdin)"
	}
	body, err := readBody(cmd, file)
	if err != nil {
		return []validateReport{{File: name, Error: err.Error(), Findings: []schema.Finding{}}}
	}
	if !json.Valid(body) {
		var se *json.SyntaxError
		msg := "not valid JSON"
		var probe any
		if err := json.Unmarshal(body, &probe); errors.As(err, &se) {
			msg = fmt.Sprintf("not valid JSON: %v (at byte %d)", se, se.Offset)
		}
		return []validateReport{{File: name, Error: msg, Findings: []schema.Finding{}}}
	}
	if callbacks, reqAction, ok := splitWrapper(body); ok {
		// The wrapper's context is the request's, so its callbacks must be
		// the matching on_ action (a callback that says otherwise is flagged).
		want := action
		if cb := "on_" + reqAction; want == "" && reqAction != "" && slices.Contains(v.Actions(), cb) {
			want = cb
		}
		var out []validateReport
		for i, cb := range callbacks {
			r := report(v.Validate(want, cb, opts...))
			r.File, r.Entry = name, fmt.Sprintf("responses[%d]", i)
			out = append(out, r)
		}
		if len(out) == 0 {
			out = append(out, validateReport{File: name, Valid: true, Findings: []schema.Finding{{
				Rule: "wrapper.empty", Severity: schema.SeverityWarning, Code: schema.CodeInvalidRequest,
				Message: "The protocol-server response has no callbacks (responses is empty): no provider answered in time."}}, Warnings: 1})
		}
		return out
	}
	r := report(v.Validate(action, body, opts...))
	r.File = name
	return []validateReport{r}
}

// splitWrapper recognises the protocol server's synchronous client response
// {context, responses[]} (onest-domain.md §7.5) and returns its callbacks and
// the request action in its context.
func splitWrapper(body []byte) (callbacks []json.RawMessage, reqAction string, ok bool) {
	var w struct {
		Context *struct {
			Action string `json:"action"`
		} `json:"context"`
		Message   json.RawMessage   `json:"message"`
		Responses []json.RawMessage `json:"responses"`
	}
	if json.Unmarshal(body, &w) != nil || w.Responses == nil || w.Message != nil {
		return nil, "", false
	}
	if w.Context != nil {
		reqAction = w.Context.Action
	}
	return w.Responses, reqAction, true
}

func report(r schema.Result) validateReport {
	if r.Findings == nil {
		r.Findings = []schema.Finding{}
	}
	return validateReport{Action: r.Action, Domain: r.Domain, Valid: !r.HasErrors(),
		Errors: r.Count(schema.SeverityError), Warnings: r.Count(schema.SeverityWarning), Findings: r.Findings}
}

func writeValidateText(w io.Writer, reports []validateReport) {
	for _, r := range reports {
		name := r.File
		if r.Entry != "" {
			name += " " + r.Entry
		}
		if r.Error != "" {
			fmt.Fprintf(w, "%s: UNREADABLE: %s\n", name, r.Error)
			continue
		}
		verdict := "VALID"
		if !r.Valid {
			verdict = "INVALID"
		}
		what := orNone(r.Action)
		if r.Domain != "" {
			what += ", " + r.Domain
		}
		notes := len(r.Findings) - r.Errors - r.Warnings
		fmt.Fprintf(w, "%s: %s (%s): %d %s, %d %s, %d %s\n", name, verdict, what,
			r.Errors, plural(r.Errors, "error"), r.Warnings, plural(r.Warnings, "warning"), notes, plural(notes, "note"))
		for _, f := range r.Findings {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "unknown action"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
