package beckn

import (
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Error is the Beckn error object of a NACK or of a callback that failed.
//
// Core 1.1.0 has {code, paths, message}; the 0.9 form still used by DSEP and
// protocol-server adds type and calls the path "path". Decoding accepts
// code as a string or a number (protocol-server sends 30004), "path" as an
// alias of "paths", and a list of paths (joined with ", "); encoding writes
// core 1.1.0 plus type when set.
type Error struct {
	Type    string         `json:"type,omitzero"`
	Code    LenientString  `json:"code,omitzero"`
	Paths   string         `json:"paths,omitzero"`
	Message string         `json:"message,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// NewError returns an Error with a Beckn/ONEST code, the JSON path(s) at
// fault and a sentence a person can act on. An empty message is filled with
// the code's meaning.
func NewError(code, paths, message string) *Error {
	if message == "" {
		message = ErrorText(code)
	}
	return &Error{Code: LenientString(code), Paths: paths, Message: message}
}

// Error formats the error for logs: code, meaning, paths and message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("beckn error")
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(string(e.Code))
		if t := ErrorText(string(e.Code)); t != "" {
			b.WriteString(" (" + t + ")")
		}
	}
	if e.Paths != "" {
		b.WriteString(" at " + e.Paths)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// UnmarshalJSONFrom accepts "path" as an alias of "paths".
func (e *Error) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain Error
	var w struct {
		plain
		Paths paths  `json:"paths,omitzero"`
		Path  *paths `json:"path,omitzero"`
	}
	if err := json.UnmarshalDecode(dec, &w); err != nil {
		return err
	}
	*e = Error(w.plain)
	e.Paths = string(w.Paths)
	if w.Path != nil {
		if e.Paths == "" {
			e.Paths = string(*w.Path)
		} else if string(*w.Path) != e.Paths {
			e.Unknown = appendStringMember(e.Unknown, "path", string(*w.Path))
		}
	}
	return nil
}

// paths is the paths member of an Error: a string in core, sometimes a list
// of paths (joined with ", ") or a number.
type paths string

func (p *paths) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '[' {
		s, err := readScalarText(dec, "path")
		*p = paths(s)
		return err
	}
	var list []LenientString
	if err := json.UnmarshalDecode(dec, &list); err != nil {
		return err
	}
	parts := make([]string, 0, len(list))
	for _, s := range list {
		if s != "" {
			parts = append(parts, string(s))
		}
	}
	*p = paths(strings.Join(parts, ", "))
	return nil
}

// Beckn error codes (BECKN-005) and the ONEST additions (ONEST-004).
// 3xxxx: invalid request (the sender's fault); 4xxxx: business errors;
// 5xxxx: policy errors.
const (
	CodeInvalidRequest              = "30000"
	CodeProviderNotFound            = "30001"
	CodeProviderLocationNotFound    = "30002"
	CodeProviderCategoryNotFound    = "30003"
	CodeItemNotFound                = "30004"
	CodeCategoryNotFound            = "30005"
	CodeOfferNotFound               = "30006"
	CodeAddOnNotFound               = "30007"
	CodeFulfillmentUnavailable      = "30008"
	CodeFulfillmentProviderUnavail  = "30009"
	CodeOrderNotFound               = "30010"
	CodeInvalidCancellationReason   = "30011"
	CodeInvalidUpdateTarget         = "30012"
	CodeUpdateInconsistency         = "30013"
	CodeEntityToRateNotFound        = "30014"
	CodeInvalidRatingValue          = "30015"
	CodeProviderDetailsMismatch     = "30016" // ONEST: raised by the BAP
	CodeItemDetailsMismatch         = "30017" // ONEST: raised by the BAP
	CodeFulfillmentDetailsMismatch  = "30018" // ONEST: raised by the BAP
	CodeBusinessError               = "40000"
	CodeActionNotApplicable         = "40001"
	CodeItemQuantityUnavailable     = "40002"
	CodeQuoteUnavailable            = "40003"
	CodePaymentNotSupported         = "40004"
	CodeTrackingNotSupported        = "40005"
	CodeFulfillmentAgentUnavailable = "40006"
	CodeItemUnavailable             = "40007" // ONEST
	CodePolicyError                 = "50000"
	CodeCancellationNotPossible     = "50001"
	CodeUpdationNotPossible         = "50002"
	CodeUnsupportedRatingCategory   = "50003"
	CodeSupportUnavailable          = "50004"
)

var errorTexts = map[string]string{
	CodeInvalidRequest:              "Invalid request error",
	CodeProviderNotFound:            "Provider not found",
	CodeProviderLocationNotFound:    "Provider location not found",
	CodeProviderCategoryNotFound:    "Provider category not found",
	CodeItemNotFound:                "Item not found",
	CodeCategoryNotFound:            "Category not found",
	CodeOfferNotFound:               "Offer not found",
	CodeAddOnNotFound:               "Add on not found",
	CodeFulfillmentUnavailable:      "Fulfillment unavailable",
	CodeFulfillmentProviderUnavail:  "Fulfilment provider unavailable",
	CodeOrderNotFound:               "Order not found",
	CodeInvalidCancellationReason:   "Invalid cancellation reason",
	CodeInvalidUpdateTarget:         "Invalid update_target",
	CodeUpdateInconsistency:         "Update inconsistency",
	CodeEntityToRateNotFound:        "Entity to rate not found",
	CodeInvalidRatingValue:          "Invalid rating value",
	CodeProviderDetailsMismatch:     "Provider details mismatch",
	CodeItemDetailsMismatch:         "Item details mismatch",
	CodeFulfillmentDetailsMismatch:  "Fulfillment details mismatch",
	CodeBusinessError:               "Business Error",
	CodeActionNotApplicable:         "Action not applicable",
	CodeItemQuantityUnavailable:     "Item quantity unavailable",
	CodeQuoteUnavailable:            "Quote unavailable",
	CodePaymentNotSupported:         "Payment not supported",
	CodeTrackingNotSupported:        "Tracking not supported",
	CodeFulfillmentAgentUnavailable: "Fulfilment agent unavailable",
	CodeItemUnavailable:             "Item unavailable",
	CodePolicyError:                 "Policy Error",
	CodeCancellationNotPossible:     "Cancellation not possible",
	CodeUpdationNotPossible:         "Updation not possible",
	CodeUnsupportedRatingCategory:   "Unsupported rating category",
	CodeSupportUnavailable:          "Support unavailable",
}

// ErrorText returns the meaning of a Beckn/ONEST error code, or "" for a
// code outside BECKN-005 and ONEST-004 (HTTP codes such as "401" or
// "Unauthorized" that some implementations send).
func ErrorText(code string) string { return errorTexts[strings.TrimSpace(code)] }

// ErrorCodes lists every known code in ascending order.
func ErrorCodes() []string {
	return []string{
		CodeInvalidRequest, CodeProviderNotFound, CodeProviderLocationNotFound,
		CodeProviderCategoryNotFound, CodeItemNotFound, CodeCategoryNotFound,
		CodeOfferNotFound, CodeAddOnNotFound, CodeFulfillmentUnavailable,
		CodeFulfillmentProviderUnavail, CodeOrderNotFound, CodeInvalidCancellationReason,
		CodeInvalidUpdateTarget, CodeUpdateInconsistency, CodeEntityToRateNotFound,
		CodeInvalidRatingValue, CodeProviderDetailsMismatch, CodeItemDetailsMismatch,
		CodeFulfillmentDetailsMismatch, CodeBusinessError, CodeActionNotApplicable,
		CodeItemQuantityUnavailable, CodeQuoteUnavailable, CodePaymentNotSupported,
		CodeTrackingNotSupported, CodeFulfillmentAgentUnavailable, CodeItemUnavailable,
		CodePolicyError, CodeCancellationNotPossible, CodeUpdationNotPossible,
		CodeUnsupportedRatingCategory, CodeSupportUnavailable,
	}
}
