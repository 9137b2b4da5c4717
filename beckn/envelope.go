package beckn

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// decodeOptions are the options of every decode in the package. Real bodies
// carry duplicate keys and invalid UTF-8 (copy-pasted Postman payloads);
// neither must make Seeker drop a provider's answer. With duplicates the
// last value wins, as in most JSON libraries the senders use.
// The decode-wide leniency rules (lenientUnmarshalers) ride along.
var decodeOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.WithUnmarshalers(lenientUnmarshalers),
)

// encodeOptions make re-encoding of leniently decoded values possible (raw
// unknown members may hold duplicate names or invalid UTF-8) and map order
// deterministic, so the same struct always yields the same bytes to sign.
var encodeOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.Deterministic(true),
)

// Marshal encodes a wire value (an Envelope, a message, any object of this
// package) in core 1.1.0 shape. Sign and send exactly the returned bytes.
func Marshal(v any) ([]byte, error) { return json.Marshal(v, encodeOptions) }

// MarshalEnvelope encodes a body to send: {"context": ctx, "message": msg}.
// A nil msg omits the message (meta requests carry only a context). This is
// the one marshal of an outbound message; sign and send exactly its result.
func MarshalEnvelope(ctx Context, msg any) ([]byte, error) {
	body := struct {
		Context *Context `json:"context"`
		Message any      `json:"message,omitzero"`
	}{&ctx, msg}
	return json.Marshal(&body, encodeOptions)
}

// Unmarshal decodes a wire value with the package's lenient options. A
// failure is a *DecodeError that says where.
func Unmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v, decodeOptions); err != nil {
		return wrapDecodeError(err)
	}
	return nil
}

// Envelope is a Beckn request or callback body: {context, message} plus the
// optional error of a failed callback. Message is kept raw: route on the
// context first, then decode the message into its typed struct with
// DecodeMessage (see [MessageFor]).
type Envelope struct {
	Context Context        `json:"context"`
	Message jsontext.Value `json:"message,omitzero"`
	// Error is the callback's error. Core puts it beside message;
	// beckn-onix puts it in message.error, and Decode looks there too.
	Error   *Error         `json:"error,omitzero"`
	Unknown jsontext.Value `json:",embed"`

	errorInMessage bool
	messageOffset  int64 // where Message starts in the decoded body
}

// ErrNoContext is the cause of a DecodeError for a body without a context
// object: it cannot be routed or correlated.
var ErrNoContext = errors.New("body has no context object")

// Decode parses a Beckn body leniently. It fails only when the body is not
// a JSON object, is malformed, has no context, or has a value of a kind no
// leniency rule accepts; the *DecodeError says where.
//
// The body is read in one streaming pass: the context and error are decoded,
// the message is kept raw (with its offset, so that errors found later by
// DecodeMessage point into the body), and other members go to Unknown.
func Decode(body []byte) (*Envelope, error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(body), decodeOptions)
	if err := openObject(dec); err != nil {
		return nil, err
	}
	env := &Envelope{}
	haveContext := false
	var unknown []byte
	for dec.PeekKind() != '}' {
		nameTok, err := dec.ReadToken()
		if err != nil {
			return nil, wrapDecodeError(err)
		}
		name := nameTok.String()
		switch {
		case dec.PeekKind() == 'n' && (name == "context" || name == "error" || name == "message"):
			// null: the member says nothing.
			if err := dec.SkipValue(); err != nil {
				return nil, wrapDecodeError(err)
			}
		case name == "context":
			if err := json.UnmarshalDecode(dec, &env.Context); err != nil {
				return nil, wrapDecodeError(err)
			}
			haveContext = true
		case name == "error":
			var e Error
			if err := json.UnmarshalDecode(dec, &e); err != nil {
				return nil, wrapDecodeError(err)
			}
			env.Error = &e
		default:
			v, err := dec.ReadValue()
			if err != nil {
				return nil, wrapDecodeError(err)
			}
			if name == "message" {
				env.Message = v.Clone()
				env.messageOffset = dec.InputOffset() - int64(len(v))
				continue
			}
			if len(unknown) == 0 {
				unknown = append(unknown, '{')
			} else {
				unknown = append(unknown, ',')
			}
			unknown, _ = jsontext.AppendQuote(unknown, name)
			unknown = append(unknown, ':')
			unknown = append(unknown, v...)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, wrapDecodeError(err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, &DecodeError{Offset: dec.InputOffset(), Err: errTrailingData}
	}
	if !haveContext {
		return nil, &DecodeError{Offset: -1, Pointer: "/context", Err: ErrNoContext}
	}
	if len(unknown) > 0 {
		env.Unknown = append(unknown, '}')
	}
	if env.Error == nil && bytes.Contains(env.Message, []byte(`"error"`)) {
		e, err := env.messageError()
		if err != nil {
			return nil, err
		}
		if e != nil {
			env.Error, env.errorInMessage = e, true
		}
	}
	return env, nil
}

var errTrailingData = errors.New("data after the top-level JSON object")

// errEmpty is the cause of a DecodeError for an empty (or all-space) body.
var errEmpty = errors.New("empty body")

// openObject reads the '{' that starts a Beckn body.
func openObject(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err == io.EOF {
		return &DecodeError{Offset: 0, Err: errEmpty}
	}
	if err != nil {
		return wrapDecodeError(err)
	}
	if tok.Kind() != '{' {
		return &DecodeError{Offset: 0, Err: &TypeError{Want: "JSON object", Got: kindName(tok.Kind())}}
	}
	return nil
}

// messageError returns message.error (the beckn-onix placement) without
// decoding the rest of the message.
func (e *Envelope) messageError() (*Error, error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(e.Message), decodeOptions)
	if dec.PeekKind() != '{' {
		return nil, nil
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, e.inMessage(err)
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, e.inMessage(err)
		}
		if name.String() != "error" || dec.PeekKind() != '{' {
			if err := dec.SkipValue(); err != nil {
				return nil, e.inMessage(err)
			}
			continue
		}
		var me Error
		if err := json.UnmarshalDecode(dec, &me); err != nil {
			return nil, e.inMessage(err)
		}
		return &me, nil
	}
	return nil, nil
}

// ErrorInMessage reports whether Error was found at message.error rather
// than beside message.
func (e *Envelope) ErrorInMessage() bool { return e.errorInMessage }

// HasMessage reports whether the body carries a non-null message.
func (e *Envelope) HasMessage() bool {
	return len(e.Message) > 0 && e.Message.Kind() != 'n'
}

// DecodeMessage decodes the message into v, typically the struct
// [MessageFor] returns for the context's action. An absent or null message
// leaves v unchanged and is not an error (meta requests and failed
// callbacks carry none). Errors point into the body ("/message/...").
func (e *Envelope) DecodeMessage(v any) error {
	if !e.HasMessage() {
		return nil
	}
	if err := json.Unmarshal(e.Message, v, decodeOptions); err != nil {
		return e.inMessage(err)
	}
	return nil
}

// TypedMessage decodes the message into the struct for the context's
// action. It returns (nil, nil) for an action that has no typed message
// (unknown actions, meta requests).
func (e *Envelope) TypedMessage() (any, error) {
	v := MessageFor(e.Context.Action)
	if v == nil {
		return nil, nil
	}
	if err := e.DecodeMessage(v); err != nil {
		return nil, err
	}
	return v, nil
}

// MarshalJSONTo encodes the envelope in core 1.1.0 shape. An error that was
// decoded from message.error stays inside the raw message and is not
// repeated beside it.
func (e Envelope) MarshalJSONTo(enc *jsontext.Encoder) error {
	type plain Envelope
	p := plain(e)
	if e.errorInMessage {
		p.Error = nil
	}
	return json.MarshalEncode(enc, &p)
}

// DecodeError reports a body that cannot be decoded: the byte offset and
// the JSON pointer (RFC 6901) of the fault, and the cause.
type DecodeError struct {
	Offset  int64  // byte offset in the decoded input, -1 when unknown
	Pointer string // JSON pointer of the value at fault, "" for the root
	Err     error
}

func (e *DecodeError) Error() string {
	where := e.Pointer
	if where == "" {
		where = "/"
	}
	if e.Offset >= 0 {
		return fmt.Sprintf("beckn: decode %s (byte %d): %v", where, e.Offset, e.Err)
	}
	return fmt.Sprintf("beckn: decode %s: %v", where, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// wrapDecodeError turns the JSON library's errors into a *DecodeError with
// the offset and pointer they carry.
func wrapDecodeError(err error) error {
	if err == nil {
		return nil
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	var se *json.SemanticError
	if errors.As(err, &se) {
		cause := se.Err
		if cause == nil {
			cause = err
		}
		var inner *DecodeError
		if errors.As(cause, &inner) {
			cause = inner.Err
		}
		msg := cause
		if se.JSONKind != 0 && se.GoType != nil && se.Err == nil {
			msg = fmt.Errorf("cannot decode JSON %s into %s", se.JSONKind, se.GoType)
		}
		return &DecodeError{Offset: se.ByteOffset, Pointer: string(se.JSONPointer), Err: msg}
	}
	var sy *jsontext.SyntacticError
	if errors.As(err, &sy) {
		return &DecodeError{Offset: sy.ByteOffset, Pointer: string(sy.JSONPointer), Err: sy.Err}
	}
	return &DecodeError{Offset: -1, Err: err}
}

// inMessage turns an error found while decoding the raw message into a
// *DecodeError that points into the whole body: the pointer gets the
// "/message" prefix and, for an envelope that came from Decode, the offset
// is shifted by the message's position in the body.
func (e *Envelope) inMessage(err error) error {
	de := wrapDecodeError(err).(*DecodeError)
	de.Pointer = "/message" + de.Pointer
	if de.Offset >= 0 {
		de.Offset += e.messageOffset
	}
	return de
}

func bytesReader(b []byte) *bytes.Buffer { return bytes.NewBuffer(b) }
