package beckn

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Location is a place: a provider's centre, a stop, the area of a search or,
// in Context, where the transaction is meant to be fulfilled.
type Location struct {
	ID         string         `json:"id,omitzero"`
	Descriptor *Descriptor    `json:"descriptor,omitzero"`
	MapURL     string         `json:"map_url,omitzero"`
	GPS        string         `json:"gps,omitzero"`
	Address    string         `json:"address,omitzero"`
	City       *City          `json:"city,omitzero"`
	District   string         `json:"district,omitzero"`
	State      *State         `json:"state,omitzero"`
	Country    *Country       `json:"country,omitzero"`
	AreaCode   string         `json:"area_code,omitzero"`
	Circle     *Circle        `json:"circle,omitzero"`
	Polygon    string         `json:"polygon,omitzero"`
	Space3D    string         `json:"3dspace,omitzero"`
	Rating     LenientString  `json:"rating,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// City is {name, code}; the code is a network code such as "std:080".
// A bare string (0.9 examples: "city": "Pune") decodes as the name.
type City struct {
	Name    string         `json:"name,omitzero"`
	Code    string         `json:"code,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// State is {name, code}. A bare string decodes as the name.
type State struct {
	Name    string         `json:"name,omitzero"`
	Code    string         `json:"code,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Country is {name, code}; the code is ISO 3166-1 ("IND"). A bare string
// decodes as the code, as 0.9 contexts carry country codes.
type Country struct {
	Name    string         `json:"name,omitzero"`
	Code    string         `json:"code,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Circle is an area around a GPS point.
type Circle struct {
	GPS     string         `json:"gps,omitzero"`
	Radius  *Scalar        `json:"radius,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// UnmarshalJSONFrom accepts a City object or a bare name string.
func (c *City) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain City
	s, ok, err := readBareString(dec)
	if ok || err != nil {
		*c = City{Name: s}
		return err
	}
	return json.UnmarshalDecode(dec, (*plain)(c))
}

// UnmarshalJSONFrom accepts a State object or a bare name string.
func (st *State) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain State
	s, ok, err := readBareString(dec)
	if ok || err != nil {
		*st = State{Name: s}
		return err
	}
	return json.UnmarshalDecode(dec, (*plain)(st))
}

// UnmarshalJSONFrom accepts a Country object or a bare code string.
func (c *Country) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain Country
	s, ok, err := readBareString(dec)
	if ok || err != nil {
		*c = Country{Code: s}
		return err
	}
	return json.UnmarshalDecode(dec, (*plain)(c))
}

// readBareString consumes the next value when it is a JSON string and
// reports ok; otherwise it consumes nothing.
func readBareString(dec *jsontext.Decoder) (string, bool, error) {
	if dec.PeekKind() != '"' {
		return "", false, nil
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return "", false, err
	}
	return tok.String(), true, nil
}

// FlatCode is a 0.9-style flat code: context.city ("std:080") and
// context.country ("IND"). Senders that mix versions put a 1.1.0
// {"code", "name"} object under the flat key instead; its code is taken and
// the object kept verbatim, so the member re-encodes as it came.
type FlatCode struct {
	Code string
	raw  jsontext.Value // the object form, when that was sent
}

// IsZero reports an absent member (used by omitzero).
func (f FlatCode) IsZero() bool { return f.Code == "" && len(f.raw) == 0 }

// String returns the code.
func (f FlatCode) String() string { return f.Code }

// UnmarshalJSONFrom accepts a string, a number or a {code, name} object.
func (f *FlatCode) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == '{' {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		var obj struct {
			Code string `json:"code"`
		}
		if err := json.Unmarshal(raw, &obj, decodeOptions); err != nil {
			return err
		}
		*f = FlatCode{Code: obj.Code, raw: raw.Clone()}
		return nil
	}
	s, err := readScalarText(dec, "code")
	if err != nil {
		return err
	}
	*f = FlatCode{Code: s}
	return nil
}

// MarshalJSONTo writes the code as a string, or the object it came as.
func (f FlatCode) MarshalJSONTo(enc *jsontext.Encoder) error {
	if len(f.raw) > 0 {
		return enc.WriteValue(f.raw)
	}
	return enc.WriteToken(jsontext.String(f.Code))
}
