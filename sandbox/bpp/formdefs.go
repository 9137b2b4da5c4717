package bpp

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Form sets a reference provider asks for in init (Item.Form names one).
const (
	formCourse      = "course"      // one optional form (ONEST LE on_init)
	formJob         = "job"         // one required form (ONEST WO on_init)
	formScholarship = "scholarship" // four required forms in sequence (ONEST FS on_init)
	formFeedback    = "feedback"    // the on_rating feedback form
)

// fieldKind selects the input element and the check applied on submission.
type fieldKind string

const (
	kindText     fieldKind = "text"
	kindEmail    fieldKind = "email"
	kindPhone    fieldKind = "tel"
	kindDate     fieldKind = "date"
	kindMonth    fieldKind = "month"
	kindSelect   fieldKind = "select"
	kindRadio    fieldKind = "radio"
	kindFile     fieldKind = "file"
	kindCheckbox fieldKind = "checkbox"
	kindNumber   fieldKind = "number"
	kindPercent  fieldKind = "percent"
	kindIFSC     fieldKind = "ifsc"
	kindAccount  fieldKind = "account"
	kindTextarea fieldKind = "textarea"
)

// field is one input of a form. Names follow ONEST-001 so that a BAP can
// auto-fill them from the learner's profile.
type field struct {
	Name     string
	Label    string
	Kind     fieldKind
	Required bool
	Options  []string
}

// formStep is one page of a form set: one on_init carries one step.
type formStep struct {
	Heading string
	Fields  []field
}

// formSet is the whole application of one kind of item.
type formSet struct {
	Title    string
	Required bool // xinput.required
	Resubmit bool // form.resubmit: may a step be submitted again?
	Steps    []formStep
}

var genders = []string{"Male", "Female", "Transgender", "Other"}

var personal = []field{
	{"user-full-name", "Full name", kindText, true, nil},
	{"user-date-of-birth", "Date of birth", kindDate, true, nil},
	{"user-gender", "Gender", kindRadio, true, genders},
	{"user-email", "E-mail", kindEmail, true, nil},
	{"user-phone-number", "Mobile number", kindPhone, true, nil},
}

var formSets = map[string]*formSet{
	formCourse: {
		Title: "Learner Details", Required: false, Resubmit: true,
		Steps: []formStep{{Heading: "User Details", Fields: []field{
			{"user-full-name", "Full name", kindText, true, nil},
			{"user-email", "E-mail", kindEmail, true, nil},
			{"user-phone-number", "Mobile number", kindPhone, false, nil},
			{"user-occupation", "Occupation", kindSelect, false, []string{"Student", "Teacher", "Self-employed", "Salaried", "Homemaker", "Unemployed"}},
			{"edu-qual-level-0", "Highest education", kindSelect, false, []string{"primary", "secondary", "higher-secondary", "undergraduate", "graduate", "post-graduate"}},
		}}},
	},
	formJob: {
		Title: "Job Application", Required: true, Resubmit: false,
		Steps: []formStep{{Heading: "Candidate Details", Fields: append(append([]field(nil), personal...),
			field{"user-address", "Current address", kindTextarea, false, nil},
			field{"edu-qual-level-0", "Highest education", kindSelect, true, []string{"secondary", "higher-secondary", "undergraduate", "graduate", "post-graduate"}},
			field{"total-experience", "Total experience (years)", kindNumber, true, nil},
			field{"expected-salary", "Expected annual salary (INR)", kindNumber, false, nil},
			field{"resume-doc", "Resume", kindFile, true, nil},
			field{"cover-letter", "Why are you a good fit?", kindTextarea, false, nil},
		)}},
	},
	formScholarship: {
		Title: "Scholarship Application", Required: true, Resubmit: false,
		Steps: []formStep{
			{Heading: "Personal Details", Fields: append(append([]field(nil), personal...),
				field{"user-social-category", "Social category", kindSelect, true, []string{"General", "OBC", "SC", "ST", "EWS", "Minority"}},
				field{"user-guardian-full-name", "Parent or guardian name", kindText, true, nil},
				field{"user-guardian-phone", "Parent or guardian mobile", kindPhone, false, nil},
				field{"user-address", "Permanent address", kindTextarea, true, nil},
			)},
			{Heading: "Educational Details", Fields: []field{
				{"edu-qual-level-0", "Current or latest education level", kindSelect, true, []string{"secondary", "higher-secondary", "undergraduate", "graduate", "post-graduate"}},
				{"edu-qual-name-0", "Course or class", kindText, true, nil},
				{"edu-qual-institution-name-0", "Institution", kindText, true, nil},
				{"edu-qual-institution-state-0", "Institution state (ISO 3166-2:IN)", kindText, false, nil},
				{"edu-qual-percentage-0", "Percentage obtained", kindPercent, true, nil},
				{"edu-qual-completion-month-0", "Completion month", kindMonth, true, nil},
				{"class-12-marksheet-doc", "Latest marksheet", kindFile, true, nil},
			}},
			{Heading: "Financial Information", Fields: []field{
				{"user-ann-hh-inc", "Annual household income (INR)", kindNumber, true, nil},
				{"user-bank-acc-name", "Account holder name", kindText, true, nil},
				{"user-bank-acc-no", "Bank account number", kindAccount, true, nil},
				{"user-bank-ifsc", "IFSC", kindIFSC, true, nil},
				{"user-bank-name", "Bank name", kindText, false, nil},
				{"income-proof-doc", "Income certificate", kindFile, true, nil},
			}},
			{Heading: "Review & Submit", Fields: []field{
				{"proof-of-identity-doc", "Proof of identity (Aadhaar, voter id, ...)", kindFile, true, nil},
				{"applicant-photo-doc", "Applicant photo", kindFile, false, nil},
				{"user-declaration", "I declare that the information given is true", kindCheckbox, true, nil},
			}},
		},
	},
	formFeedback: {
		Title: "Feedback", Required: false, Resubmit: true,
		Steps: []formStep{{Heading: "Tell us more", Fields: []field{
			{"feedback-score", "How likely are you to recommend us (0-10)?", kindNumber, true, nil},
			{"feedback-comment", "Comments", kindTextarea, false, nil},
		}}},
	},
}

var (
	ifscRe    = regexp.MustCompile(`^[A-Z]{4}0[A-Z0-9]{6}$`)
	accountRe = regexp.MustCompile(`^[0-9]{9,18}$`)
	monthRe   = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
	urlRe     = regexp.MustCompile(`^https?://\S+$`)
)

// fieldError is one entry of FormResponse.errors (BECKN-007: code, path,
// message); path is the form field name.
type fieldError struct {
	Code    string `json:"code"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

// check validates one submitted value (already trimmed; hasFile tells
// whether a multipart file came for a file field). now is for date checks.
func (f field) check(v string, hasFile bool, now time.Time) *fieldError {
	bad := func(code, msg string) *fieldError {
		return &fieldError{Code: code, Path: f.Name, Message: f.Label + ": " + msg}
	}
	if f.Kind == kindFile {
		if hasFile || urlRe.MatchString(v) {
			return nil
		}
		if v != "" {
			return bad("invalid-value", "attach a file or give an http(s) link to it")
		}
		if f.Required {
			return bad("required", "a file is required")
		}
		return nil
	}
	if v == "" {
		if f.Required {
			return bad("required", "this field is required")
		}
		return nil
	}
	switch f.Kind {
	case kindEmail:
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") {
			return bad("invalid-email", "not a valid e-mail address")
		}
	case kindPhone:
		if !validPhone(v) {
			return bad("invalid-phone", "give a 10-digit Indian mobile number, optionally with +91")
		}
	case kindDate:
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return bad("invalid-date", "use the format YYYY-MM-DD")
		}
		if d.After(now) || d.Before(now.AddDate(-100, 0, 0)) {
			return bad("invalid-date", "the date must be in the past hundred years")
		}
	case kindMonth:
		if !monthRe.MatchString(v) {
			return bad("invalid-value", "use the format YYYY-MM")
		}
	case kindSelect, kindRadio:
		for _, o := range f.Options {
			if strings.EqualFold(o, v) {
				return nil
			}
		}
		return bad("invalid-value", "choose one of "+strings.Join(f.Options, ", "))
	case kindCheckbox:
		switch strings.ToLower(v) {
		case "on", "true", "yes", "1":
		default:
			return bad("invalid-value", "tick the box to continue")
		}
	case kindNumber:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 {
			return bad("invalid-number", "give a number of zero or more")
		}
	case kindPercent:
		n, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if err != nil || n < 0 || n > 100 {
			return bad("invalid-number", "give a percentage between 0 and 100")
		}
	case kindIFSC:
		if !ifscRe.MatchString(strings.ToUpper(v)) {
			return bad("invalid-ifsc", "an IFSC has 4 letters, a zero and 6 letters or digits, e.g. SBIN0001234")
		}
	case kindAccount:
		if !accountRe.MatchString(v) {
			return bad("invalid-value", "an account number has 9 to 18 digits")
		}
	}
	return nil
}

// validPhone accepts 10-digit Indian mobile numbers with an optional +91,
// 91 or 0 prefix and spaces or dashes.
func validPhone(v string) bool {
	d := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, v)
	d = strings.TrimPrefix(d, "+91")
	if len(d) == 12 && strings.HasPrefix(d, "91") {
		d = d[2:]
	}
	if len(d) == 11 && d[0] == '0' {
		d = d[1:]
	}
	if len(d) != 10 || d[0] < '6' {
		return false
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validate checks a whole submission of step against the step's fields.
func (s formStep) validate(values map[string]string, files map[string]bool, now time.Time) []fieldError {
	var errs []fieldError
	for _, f := range s.Fields {
		if e := f.check(strings.TrimSpace(values[f.Name]), files[f.Name], now); e != nil {
			errs = append(errs, *e)
		}
	}
	return errs
}
