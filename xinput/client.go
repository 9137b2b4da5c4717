package xinput

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/internal/netguard"
	"github.com/onest-seeker/seeker/signing"
)

// MaxFormBytes bounds a fetched form page: forms are small, and a provider
// must not be able to make Seeker read an unbounded body.
const MaxFormBytes = 2 << 20

// File is an attachment for a file field.
type File struct {
	Field       string
	Name        string
	ContentType string
	Data        []byte
}

// Client fetches and submits provider forms.
type Client struct {
	// HTTP defaults to a guarded client that refuses internal addresses
	// (netguard); the local sandbox needs AllowPrivate.
	HTTP *http.Client
	// Signer signs submissions (BECKN-007: "all form submissions must be
	// digitally signed by the BAP"). Nil sends them unsigned.
	Signer *signing.Signer
	// AllowPrivate lets the default client reach loopback and private
	// addresses (the local sandbox, tests).
	AllowPrivate bool
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return netguard.Client(c.AllowPrivate, 15*time.Second)
}

// Fetch GETs the form of xi with its credential and parses it.
func (c *Client) Fetch(ctx context.Context, xi *beckn.XInput) (*Form, error) {
	if xi == nil || xi.Form == nil || xi.Form.URL == "" {
		return nil, &ParseError{Reason: "the xinput has no form.url"}
	}
	u, err := url.Parse(xi.Form.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, &ParseError{Reason: fmt.Sprintf("form.url %q is not an http(s) URL", xi.Form.URL)}
	}
	if mt := strings.ToLower(xi.Form.MimeType); mt != "" && mt != "text/html" && mt != "application/html" {
		return nil, &ParseError{Reason: fmt.Sprintf("form mime_type %q is not supported (Seeker renders HTML forms)", xi.Form.MimeType)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/html")
	if tok := token(xi); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the form %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, MaxFormBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the form %s: %w", u.Redacted(), err)
	}
	if len(page) > MaxFormBytes {
		return nil, &ParseError{Reason: fmt.Sprintf("the form page is larger than %d bytes", MaxFormBytes)}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the form %s: HTTP %d", u.Redacted(), resp.StatusCode)
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "" && ct != "text/html" && ct != "application/xhtml+xml" {
		return nil, &ParseError{Reason: fmt.Sprintf("the form came as %q, not text/html", ct)}
	}
	return Parse(page, resp.Request.URL)
}

// token is the form credential (ONEST: form.auth with code jwt).
func token(xi *beckn.XInput) string {
	if xi.Form != nil && xi.Form.Auth != nil {
		return xi.Form.Auth.Value
	}
	return ""
}

// SubmitError is a refused submission: the provider's field errors when it
// gave them, or the transport failure.
type SubmitError struct {
	Status int
	Errors []FieldError
	Reason string
}

func (e *SubmitError) Error() string {
	if len(e.Errors) > 0 {
		parts := make([]string, len(e.Errors))
		for i, fe := range e.Errors {
			parts[i] = fe.Error()
		}
		return "the provider refused the form: " + strings.Join(parts, "; ")
	}
	return "the provider refused the form: " + e.Reason
}

// Submit POSTs answers (and files) to the form's action, signed by the BAP
// over the exact body bytes, with the form credential as the auth query
// parameter (the Authorization header carries the signature). It returns
// the provider's FormResponse, or a *SubmitError with its field errors.
func (c *Client) Submit(ctx context.Context, f *Form, xi *beckn.XInput, answers url.Values, files []File) (*beckn.FormResponse, error) {
	body, contentType, err := encode(f, answers, files)
	if err != nil {
		return nil, err
	}
	action, err := url.Parse(f.Action)
	if err != nil {
		return nil, &ParseError{Reason: "bad form action: " + err.Error()}
	}
	if tok := token(xi); tok != "" {
		q := action.Query()
		q.Set("auth", tok)
		action.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	if c.Signer != nil {
		req.Header.Set(signing.HeaderAuthorization, c.Signer.SignNow(body, 5*time.Minute))
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, &SubmitError{Reason: "sending the form failed: " + err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &SubmitError{Status: resp.StatusCode, Reason: "reading the answer failed: " + err.Error()}
	}
	fr, perr := beckn.ParseFormResponse(raw)
	if perr != nil {
		return nil, &SubmitError{Status: resp.StatusCode, Reason: fmt.Sprintf("HTTP %d with an answer that is not a FormResponse", resp.StatusCode)}
	}
	if resp.StatusCode >= 300 || !fr.OK() {
		se := &SubmitError{Status: resp.StatusCode, Reason: fmt.Sprintf("HTTP %d", resp.StatusCode)}
		for _, e := range fr.Errors {
			se.Errors = append(se.Errors, FieldError{Field: fieldOfPath(e.Paths), Code: string(e.Code), Message: e.Message})
		}
		return fr, se
	}
	return fr, nil
}

// fieldOfPath turns a FormResponse error path ("user-email", "$.user-email",
// "/user-email") into the field name it points at.
func fieldOfPath(p string) string {
	p = strings.TrimPrefix(strings.TrimPrefix(p, "$."), "/")
	return p
}

// encode builds the submission body: multipart when the form asks for files
// (ONEST forms do), urlencoded otherwise.
func encode(f *Form, answers url.Values, files []File) ([]byte, string, error) {
	if !f.HasFiles() && f.Enctype != "multipart/form-data" {
		if len(files) > 0 {
			return nil, "", errors.New("files attached to a form that has no file field")
		}
		return []byte(answers.Encode()), "application/x-www-form-urlencoded", nil
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic bytes: the signature covers them
	for _, k := range keys {
		for _, v := range answers[k] {
			if err := mw.WriteField(k, v); err != nil {
				return nil, "", err
			}
		}
	}
	for _, file := range files {
		if fl := f.Field(file.Field); fl == nil || fl.Type != "file" {
			return nil, "", fmt.Errorf("the form has no file field %q", file.Field)
		}
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, file.Field, file.Name)}
		ct := file.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h["Content-Type"] = []string{ct}
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := w.Write(file.Data); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), mw.FormDataContentType(), nil
}
