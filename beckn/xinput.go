package beckn

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// XInput is a provider's form (BECKN-007) with the core 1.2 additions ONEST
// uses: Head describes multi-step forms, Form.Resubmit and Form.Auth.
// Required defaults to true when absent (BECKN-007); use Required.Or(true).
type XInput struct {
	Head     *XInputHead    `json:"head,omitzero"`
	Form     *Form          `json:"form,omitzero"`
	Required Bool           `json:"required,omitzero"`
	Unknown  jsontext.Value `json:",embed"`
}

// XInputHead describes where this form sits in a multi-step application.
type XInputHead struct {
	Descriptor *Descriptor    `json:"descriptor,omitzero"`
	Index      *FormIndex     `json:"index,omitzero"`
	Headings   Headings       `json:"headings,omitempty"`
	Unknown    jsontext.Value `json:",embed"`
}

// FormIndex is the position of this form: Cur within Min..Max.
type FormIndex struct {
	Min     Number         `json:"min,omitzero"`
	Cur     Number         `json:"cur,omitzero"`
	Max     Number         `json:"max,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Headings are the titles of every step of a multi-step form. Some providers
// nest them in arrays ([["Personal Details", "Bank Details"]]); nested arrays
// are flattened in order, and numbers are kept as text.
type Headings []string

// UnmarshalJSONFrom flattens nested arrays of headings.
func (h *Headings) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var out Headings
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		*h = nil
		return err
	}
	if err := flattenStrings(dec, &out, 0); err != nil {
		return err
	}
	*h = out
	return nil
}

// maxHeadingDepth bounds the nesting flattenStrings follows; the decoder has
// its own depth limit, this keeps the recursion obviously finite.
const maxHeadingDepth = 16

func flattenStrings(dec *jsontext.Decoder, out *Headings, depth int) error {
	if dec.PeekKind() != '[' {
		s, err := readScalarText(dec, "heading string")
		if err != nil {
			return err
		}
		*out = append(*out, s)
		return nil
	}
	if depth >= maxHeadingDepth {
		return &TypeError{Want: "heading string", Got: "array nested too deep"}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != ']' {
		if err := flattenStrings(dec, out, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// Form is where a form is fetched (URL, MimeType) and, after submission,
// the reference the BAP echoes back (SubmissionID) in confirm. Data carries
// submitted values inline when a BPP supports that.
type Form struct {
	URL          string                   `json:"url,omitzero"`
	Data         map[string]LenientString `json:"data,omitempty"`
	MimeType     string                   `json:"mime_type,omitzero"`
	SubmissionID LenientString            `json:"submission_id,omitzero"`
	Resubmit     Bool                     `json:"resubmit,omitzero"`
	Auth         *FormAuth                `json:"auth,omitzero"`
	Unknown      jsontext.Value           `json:",embed"`
}

// FormAuth is a credential for fetching or submitting the form (ONEST: a
// JWT with descriptor.code "jwt").
type FormAuth struct {
	Descriptor *Descriptor    `json:"descriptor,omitzero"`
	Value      string         `json:"value,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// FormResponse is the JSON a BPP returns to a form submission (BECKN-007):
// on success it carries the submission id to echo in confirm.
type FormResponse struct {
	Status       Bool           `json:"status,omitzero"`
	SubmissionID LenientString  `json:"submission_id,omitzero"`
	Errors       []Error        `json:"errors,omitempty"`
	Unknown      jsontext.Value `json:",embed"`
}

// OK reports whether the submission was accepted; status defaults to true.
func (r *FormResponse) OK() bool { return r.Status.Or(true) && len(r.Errors) == 0 }

// ParseFormResponse decodes a FormResponse leniently (submission_id may be
// a number).
func ParseFormResponse(body []byte) (*FormResponse, error) {
	var r FormResponse
	if err := json.Unmarshal(body, &r, decodeOptions); err != nil {
		return nil, wrapDecodeError(err)
	}
	return &r, nil
}
