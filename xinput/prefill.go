package xinput

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
)

// Profile is what a learner agreed to share, keyed by the ONEST-001 form
// field names (user-full-name, user-date-of-birth, user-gender, user-email,
// user-phone-number, user-address, user-guardian-full-name, user-bank-ifsc,
// edu-qual-level-0, resume-doc, ...). Using the network's own names as keys
// means a provider form that follows ONEST-001 is filled without a mapping
// table, and a new standard name works the day a provider adopts it.
type Profile map[string]string

// aliases are older or alternative ONEST-001 names for the same datum: the
// draft spec said user-parent-*, the current one user-guardian-*.
var aliases = map[string][]string{
	"user-guardian-full-name": {"user-parent-full-name"},
	"user-parent-full-name":   {"user-guardian-full-name"},
	"user-guardian-phone":     {"user-parent-phone"},
	"user-parent-phone":       {"user-guardian-phone"},
	"user-phone-number":       {"user-phone"},
	"user-date-of-birth":      {"user-dob"},
}

// Get returns the profile's value for a form field name, trying the name
// itself, its aliases, and composing the full name from its parts (and the
// parts from the full name).
func (p Profile) Get(name string) (string, bool) {
	if v := strings.TrimSpace(p[name]); v != "" {
		return v, true
	}
	for _, a := range aliases[name] {
		if v := strings.TrimSpace(p[a]); v != "" {
			return v, true
		}
	}
	full := strings.Fields(p["user-full-name"])
	switch name {
	case "user-full-name":
		parts := []string{p["user-first-name"], p["user-middle-name"], p["user-last-name"]}
		if v := strings.Join(strings.Fields(strings.Join(parts, " ")), " "); v != "" {
			return v, true
		}
	case "user-first-name":
		if len(full) > 0 {
			return full[0], true
		}
	case "user-last-name":
		if len(full) > 1 {
			return full[len(full)-1], true
		}
	case "user-middle-name":
		if len(full) > 2 {
			return strings.Join(full[1:len(full)-1], " "), true
		}
	}
	return "", false
}

// Prefill returns the form's initial answers: the provider's own values
// (hidden nonces and tokens among them) overlaid with what the profile
// holds for each visible field. shared lists the fields the profile filled,
// which is exactly what a learner reviews before anything is sent. File
// inputs are never filled from the profile: documents are attached by the
// learner.
func Prefill(f *Form, p Profile) (answers url.Values, shared []string) {
	answers = url.Values{}
	for _, fl := range f.Fields {
		if fl.Value != "" {
			answers.Set(fl.Name, fl.Value)
		}
		if fl.Hidden || fl.Type == "file" {
			continue
		}
		v, ok := p.Get(fl.Name)
		if !ok {
			continue
		}
		if len(fl.Options) > 0 {
			opt, ok := matchOption(fl.Options, v)
			if !ok {
				continue // the profile's value is not one the provider offers
			}
			v = opt
		}
		answers.Set(fl.Name, v)
		shared = append(shared, fl.Name)
	}
	return answers, shared
}

// matchOption finds the option a profile value means, ignoring case and
// matching either the value or the label ("female" → "Female").
func matchOption(opts []Option, v string) (string, bool) {
	for _, o := range opts {
		if strings.EqualFold(o.Value, v) || strings.EqualFold(o.Label, v) {
			return o.Value, true
		}
	}
	return "", false
}

// FieldError is a problem with one answer, from Seeker's own check or from
// the provider's FormResponse.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// Check validates answers against what the form declares (required fields,
// e-mail and phone shapes, patterns, offered options) so a learner hears
// about a mistake before the provider does. files names the file fields
// that have an attachment.
func Check(f *Form, answers url.Values, files map[string]bool) []FieldError {
	var errs []FieldError
	for _, fl := range f.Fields {
		v := strings.TrimSpace(answers.Get(fl.Name))
		if fl.Type == "file" {
			if fl.Required && !files[fl.Name] {
				errs = append(errs, FieldError{fl.Name, "required", fieldName(fl) + " needs a document attached"})
			}
			continue
		}
		if v == "" {
			if fl.Required {
				errs = append(errs, FieldError{fl.Name, "required", fieldName(fl) + " is required"})
			}
			continue
		}
		switch fl.Type {
		case "email":
			if _, err := mail.ParseAddress(v); err != nil || !strings.Contains(v, "@") {
				errs = append(errs, FieldError{fl.Name, "format", fieldName(fl) + " is not an e-mail address"})
			}
		case "tel":
			if digits := countDigits(v); digits < 7 || digits > 15 {
				errs = append(errs, FieldError{fl.Name, "format", fieldName(fl) + " is not a phone number"})
			}
		}
		if fl.Pattern != "" {
			re, err := regexp.Compile("^(?:" + fl.Pattern + ")$")
			if err == nil && !re.MatchString(v) {
				errs = append(errs, FieldError{fl.Name, "pattern", fmt.Sprintf("%s does not have the expected format", fieldName(fl))})
			}
		}
		if len(fl.Options) > 0 && fl.Type != "checkbox" {
			if _, ok := matchOption(fl.Options, v); !ok {
				errs = append(errs, FieldError{fl.Name, "option", fmt.Sprintf("%s must be one of the offered choices", fieldName(fl))})
			}
		}
	}
	return errs
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func fieldName(fl Field) string {
	if fl.Label != "" {
		return fl.Label
	}
	return fl.Name
}
