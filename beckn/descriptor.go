package beckn

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Descriptor is the human-readable description of any object: the name
// shown to a learner, the machine code, texts and media.
type Descriptor struct {
	Name           string          `json:"name,omitzero"`
	Code           string          `json:"code,omitzero"`
	ShortDesc      string          `json:"short_desc,omitzero"`
	LongDesc       string          `json:"long_desc,omitzero"`
	AdditionalDesc *AdditionalDesc `json:"additional_desc,omitzero"`
	Media          []MediaFile     `json:"media,omitempty"`
	Images         []Image         `json:"images,omitempty"`
	Unknown        jsontext.Value  `json:",embed"`
}

// AdditionalDesc points at extended descriptive content. Real logs use it as
// a free object ({"opportunity_type": "Scholarship"}); such members survive
// in Unknown.
type AdditionalDesc struct {
	URL         string         `json:"url,omitzero"`
	ContentType string         `json:"content_type,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// MediaFile is a media object (video, audio, document) with an optional
// signature. Agnirva sends the URL as "URL" (keys are case-sensitive); it is
// kept in LegacyURL and [MediaFile.Link] falls back to it.
type MediaFile struct {
	MimeType  string         `json:"mimetype,omitzero"`
	URL       string         `json:"url,omitzero"`
	Signature string         `json:"signature,omitzero"`
	DSA       string         `json:"dsa,omitzero"`
	LegacyURL string         `json:"URL,omitzero"`
	Unknown   jsontext.Value `json:",embed"`
}

// Link is the media's address: url, else the upper-case URL.
func (m *MediaFile) Link() string {
	if m.URL != "" {
		return m.URL
	}
	return m.LegacyURL
}

// Image is an image with size hints. Before core 1.0 images were bare URL
// strings and providers still send them; a string decodes as an Image with
// only URL set, and encodes as the 1.1.0 object {"url": ...}.
type Image struct {
	URL      string         `json:"url,omitzero"`
	SizeType string         `json:"size_type,omitzero"`
	Width    LenientString  `json:"width,omitzero"`
	Height   LenientString  `json:"height,omitzero"`
	Unknown  jsontext.Value `json:",embed"`
}

// UnmarshalJSONFrom accepts an Image object or a bare URL string.
func (im *Image) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		*im = Image{URL: tok.String()}
		return nil
	}
	type plain Image
	return json.UnmarshalDecode(dec, (*plain)(im))
}
