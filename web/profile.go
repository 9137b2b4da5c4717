package web

import (
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onest-seeker/seeker/xinput"
)

// The profile is keyed by the ONEST-001 form field names, the names
// providers' forms use, so xinput.Prefill fills a provider form from it
// without a mapping table. The learner owns it: it is shown, edited and
// used for pre-filling only after the learner agreed (Consent), and each
// form shows exactly which of its fields came from here before anything is
// sent.

// profileField is one field of the profile page.
type profileField struct {
	Name    string // ONEST-001 name
	Type    string // input type, "select", "textarea" or "url" (documents)
	Options []string
	Section string
}

var profileFields = []profileField{
	{Name: "user-full-name", Type: "text", Section: "personal"},
	{Name: "user-date-of-birth", Type: "date", Section: "personal"},
	{Name: "user-gender", Type: "select", Options: []string{"Female", "Male", "Transgender", "Other"}, Section: "personal"},
	{Name: "user-social-category", Type: "select", Options: []string{"General", "OBC", "SC", "ST", "EWS", "Minority"}, Section: "personal"},
	{Name: "user-guardian-full-name", Type: "text", Section: "personal"},
	{Name: "user-guardian-phone", Type: "tel", Section: "personal"},
	{Name: "user-email", Type: "email", Section: "contact"},
	{Name: "user-phone-number", Type: "tel", Section: "contact"},
	{Name: "user-address", Type: "textarea", Section: "contact"},
	{Name: "edu-qual-level-0", Type: "select", Options: []string{"primary", "secondary", "higher-secondary", "undergraduate", "graduate", "post-graduate"}, Section: "education"},
	{Name: "edu-qual-name-0", Type: "text", Section: "education"},
	{Name: "edu-qual-institution-name-0", Type: "text", Section: "education"},
	{Name: "edu-qual-percentage-0", Type: "number", Section: "education"},
	{Name: "user-occupation", Type: "select", Options: []string{"Student", "Teacher", "Self-employed", "Salaried", "Homemaker", "Unemployed"}, Section: "education"},
	{Name: "user-ann-hh-inc", Type: "number", Section: "finance"},
	{Name: "user-bank-acc-name", Type: "text", Section: "finance"},
	{Name: "user-bank-acc-no", Type: "text", Section: "finance"},
	{Name: "user-bank-ifsc", Type: "text", Section: "finance"},
	{Name: "user-bank-name", Type: "text", Section: "finance"},
	{Name: "resume-doc", Type: "url", Section: "documents"},
	{Name: "class-12-marksheet-doc", Type: "url", Section: "documents"},
	{Name: "income-proof-doc", Type: "url", Section: "documents"},
	{Name: "proof-of-identity-doc", Type: "url", Section: "documents"},
}

var profileSections = []string{"personal", "contact", "education", "finance", "documents"}

const maxProfileValue = 500

// profileView is the profile page.
type profileView struct {
	Sections []profileSection
	Consent  bool
	Saved    bool
	Errors   map[string]string
}

type profileSection struct {
	Key    string
	Fields []profileInput
}

type profileInput struct {
	profileField
	Value string
	Error string
}

func (s *Server) profileView(u *user, values map[string]string, errs map[string]string) profileView {
	v := profileView{Consent: u.Consent, Errors: errs}
	for _, sec := range profileSections {
		ps := profileSection{Key: sec}
		for _, f := range profileFields {
			if f.Section == sec {
				ps.Fields = append(ps.Fields, profileInput{profileField: f, Value: values[f.Name], Error: errs[f.Name]})
			}
		}
		v.Sections = append(v.Sections, ps)
	}
	return v
}

func (s *Server) profilePage(rq *request) (result, error) {
	v := s.profileView(rq.user, rq.user.Profile, nil)
	v.Saved = rq.r.URL.Query().Get("saved") == "1"
	return result{page: "profile", title: rq.lang.T("profile.title"), data: v}, nil
}

// checkProfile validates what the learner typed; errors are catalogue
// texts keyed by field.
func checkProfile(l *lang, values map[string]string) map[string]string {
	errs := map[string]string{}
	for _, f := range profileFields {
		v := values[f.Name]
		if v == "" {
			continue
		}
		switch {
		case utf8.RuneCountInString(v) > maxProfileValue:
			errs[f.Name] = l.T("profile.too_long", maxProfileValue)
		case f.Type == "email":
			if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
				errs[f.Name] = l.T("auth.email_invalid")
			}
		case f.Type == "url":
			if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				errs[f.Name] = l.T("profile.url_invalid")
			}
		case f.Type == "date":
			if _, err := time.Parse("2006-01-02", v); err != nil {
				errs[f.Name] = l.T("profile.date_invalid")
			}
		case f.Type == "select":
			ok := false
			for _, o := range f.Options {
				ok = ok || o == v
			}
			if !ok {
				errs[f.Name] = l.T("profile.option_invalid")
			}
		}
	}
	return errs
}

func (s *Server) saveProfile(rq *request) (result, error) {
	values := map[string]string{}
	for _, f := range profileFields {
		values[f.Name] = strings.TrimSpace(rq.r.PostFormValue(f.Name))
	}
	consent := rq.r.PostFormValue("consent") == "yes"
	if errs := checkProfile(rq.lang, values); len(errs) > 0 {
		v := s.profileView(rq.user, values, errs)
		v.Consent = consent
		return result{page: "profile", status: http.StatusUnprocessableEntity, title: rq.lang.T("profile.title"), data: v}, nil
	}
	now := s.cfg.Now().UTC()
	_, err := s.updateUser(rq.r.Context(), rq.user.ID, func(u *user) error {
		p := xinput.Profile{}
		for k, v := range values {
			if v != "" {
				p[k] = v
			}
		}
		u.Profile = p
		if consent && !u.Consent {
			u.ConsentAt = now
		}
		u.Consent = consent
		return nil
	})
	if err != nil {
		return result{}, err
	}
	return redirect("/profile?saved=1"), nil
}
