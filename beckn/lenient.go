package beckn

import (
	"errors"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// lenientUnmarshalers are decode-wide leniency rules that apply to a Go type
// wherever it appears, so that no struct needs a custom decoder for them:
//
//   - a plain string member accepts a JSON number or boolean, kept as its
//     literal text ("id": 471 → "471"): BPPs written in JavaScript send
//     numeric ids and codes;
//   - a list member accepts a single object where core has an array
//     ("fulfillments": {...}, "category_ids": "c1"), as a one-element list.
//
// Each rule returns errors.ErrUnsupported for the common shape, so that
// well-formed input takes the library's fast path.
var lenientUnmarshalers = json.JoinUnmarshalers(
	json.UnmarshalFromFunc(lenientString),
	json.UnmarshalFromFunc(singleString),
	oneOrMany[Provider](), oneOrMany[Item](), oneOrMany[Fulfillment](),
	oneOrMany[Payment](), oneOrMany[Offer](), oneOrMany[Category](),
	oneOrMany[Location](), oneOrMany[Stop](), oneOrMany[AddOn](),
	oneOrMany[CancellationTerm](), oneOrMany[RefundTerm](), oneOrMany[ReplacementTerm](),
	oneOrMany[ReturnTerm](), oneOrMany[Option](), oneOrMany[Rating](),
	oneOrMany[MediaFile](), oneOrMany[Image](), oneOrMany[Language](),
	oneOrMany[Skill](), oneOrMany[QuotationBreakup](), oneOrMany[Tag](),
	oneOrMany[Error](),
)

func lenientString(dec *jsontext.Decoder, s *string) error {
	switch dec.PeekKind() {
	case '0', 't', 'f':
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		*s = tok.String()
		return nil
	}
	return errors.ErrUnsupported // the default string decoding applies
}

// singleString accepts one string (or number) where a list of strings is
// due (category_ids, fulfillment_ids, ...).
func singleString(dec *jsontext.Decoder, s *[]string) error {
	switch dec.PeekKind() {
	case '"', '0':
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		*s = []string{tok.String()}
		return nil
	}
	return errors.ErrUnsupported
}

// oneOrMany accepts one object where a list of T is due. For []Image a
// bare URL string counts as one image too.
func oneOrMany[T any]() *json.Unmarshalers {
	return json.UnmarshalFromFunc(func(dec *jsontext.Decoder, s *[]T) error {
		k := dec.PeekKind()
		if k != '{' {
			if _, isImage := any(s).(*[]Image); !isImage || k != '"' {
				return errors.ErrUnsupported
			}
		}
		var v T
		if err := json.UnmarshalDecode(dec, &v); err != nil {
			return err
		}
		*s = []T{v}
		return nil
	})
}
