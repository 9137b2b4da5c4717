package beckn

import (
	"bytes"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// PeekContext reads only the context of a Beckn body, for routing and
// correlation on the ingestion hot path before the body is persisted.
//
// It walks the top-level object with a streaming decoder, skips every other
// member without decoding it, and stops as soon as the context is read, so
// the cost does not depend on the size of a catalog that follows the
// context. The result is the same as Decode(body).Context for a well-formed
// body; PeekContext does not validate what comes after the context. With
// duplicate "context" members the first one is returned.
func PeekContext(body []byte) (Context, error) {
	p := peekPool.Get().(*peeker)
	defer p.release()
	p.buf = *bytes.NewBuffer(body)
	p.dec.Reset(&p.buf, decodeOptions)
	return peek(&p.dec)
}

// peeker is a reusable decoder for PeekContext: its buffers are the bulk of
// the allocations of a peek. A *bytes.Buffer source lets the decoder read
// the body in place instead of copying it.
type peeker struct {
	buf bytes.Buffer
	dec jsontext.Decoder
}

var peekPool = sync.Pool{New: func() any { return new(peeker) }}

func (p *peeker) release() {
	p.buf = bytes.Buffer{}
	p.dec.Reset(&p.buf) // drop the reference to the body
	peekPool.Put(p)
}

func peek(dec *jsontext.Decoder) (Context, error) {
	if err := openObject(dec); err != nil {
		return Context{}, err
	}
	for {
		if dec.PeekKind() == '}' {
			return Context{}, &DecodeError{Offset: dec.InputOffset(), Pointer: "/context", Err: ErrNoContext}
		}
		name, err := dec.ReadToken()
		if err != nil {
			return Context{}, wrapDecodeError(err)
		}
		if name.String() != "context" {
			if err := dec.SkipValue(); err != nil {
				return Context{}, wrapDecodeError(err)
			}
			continue
		}
		if dec.PeekKind() == 'n' {
			// "context": null decodes to nothing in Decode as well.
			if err := dec.SkipValue(); err != nil {
				return Context{}, wrapDecodeError(err)
			}
			continue
		}
		var c Context
		if err := json.UnmarshalDecode(dec, &c); err != nil {
			return Context{}, wrapDecodeError(err)
		}
		return c, nil
	}
}
