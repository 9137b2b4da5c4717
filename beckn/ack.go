package beckn

import (
	"bytes"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Ack statuses.
const (
	StatusACK  = "ACK"
	StatusNACK = "NACK"
)

var ackBody = []byte(`{"message":{"ack":{"status":"ACK"}}}`)

// AckBody returns the synchronous ACK of core 1.1.0:
// {"message":{"ack":{"status":"ACK"}}}. The slice is new on every call.
func AckBody() []byte { return bytes.Clone(ackBody) }

// NackBody returns a synchronous NACK with the error beside the message, as
// core 1.1.0 places it: {"message":{"ack":{"status":"NACK"}},"error":{...}}.
// A nil error gives a NACK without an error member.
func NackBody(e *Error) []byte {
	b := []byte(`{"message":{"ack":{"status":"NACK"}}`)
	if e != nil {
		enc, err := Marshal(e)
		if err == nil {
			b = append(b, `,"error":`...)
			b = append(b, enc...)
		}
	}
	return append(b, '}')
}

// AckResponse is a parsed synchronous answer of a Beckn peer.
type AckResponse struct {
	Status string // "ACK", "NACK", or "" when the body had none
	// Error is the error at top level (core 1.1.0, protocol-server with a
	// numeric code and a type) or at message.error (beckn-onix).
	Error *Error
}

// Acked reports whether the peer accepted the request and so owes a
// callback.
func (r AckResponse) Acked() bool { return r.Status == StatusACK }

// ParseAckResponse parses the body of a synchronous answer, whatever the
// HTTP status. It is tolerant of the shapes implementations send: the core
// shape, protocol-server's (context echoed, error{type, code:number}) and
// beckn-onix's (message.error, code as HTTP status text), status in any
// case. A body that is not a JSON object is a *DecodeError.
func ParseAckResponse(body []byte) (AckResponse, error) {
	var w struct {
		Message *struct {
			Ack *struct {
				Status  LenientString  `json:"status,omitzero"`
				Unknown jsontext.Value `json:",embed"`
			} `json:"ack,omitzero"`
			Error   *Error         `json:"error,omitzero"`
			Unknown jsontext.Value `json:",embed"`
		} `json:"message,omitzero"`
		Error   *Error         `json:"error,omitzero"`
		Unknown jsontext.Value `json:",embed"`
	}
	if err := Unmarshal(body, &w); err != nil {
		return AckResponse{}, err
	}
	var r AckResponse
	if w.Message != nil {
		if w.Message.Ack != nil {
			r.Status = strings.ToUpper(strings.TrimSpace(string(w.Message.Ack.Status)))
		}
		r.Error = w.Message.Error
	}
	if w.Error != nil {
		r.Error = w.Error
	}
	return r, nil
}
