package beckn

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Fulfillment is how an item is delivered: an online course, an interview
// process, a scholarship application. ONEST tracks the application's progress
// in State.Descriptor.Code (APPLICATION-STARTED, APPLICATION-FILLED, ...).
type Fulfillment struct {
	ID       string            `json:"id,omitzero"`
	Type     string            `json:"type,omitzero"`
	Rateable Bool              `json:"rateable,omitzero"`
	Rating   LenientString     `json:"rating,omitzero"`
	State    *FulfillmentState `json:"state,omitzero"`
	Tracking Bool              `json:"tracking,omitzero"`
	Customer *Customer         `json:"customer,omitzero"`
	Agent    *Agent            `json:"agent,omitzero"`
	Contact  *Contact          `json:"contact,omitzero"`
	Vehicle  *Vehicle          `json:"vehicle,omitzero"`
	Stops    []Stop            `json:"stops,omitempty"`
	Path     string            `json:"path,omitzero"`
	Tags     TagGroups         `json:"tags,omitempty"`
	Unknown  jsontext.Value    `json:",embed"`
}

// FulfillmentState is the state of a fulfillment; the code is in
// Descriptor.Code and a person-readable fallback in Descriptor.Name.
type FulfillmentState struct {
	Descriptor *Descriptor    `json:"descriptor,omitzero"`
	UpdatedAt  string         `json:"updated_at,omitzero"`
	UpdatedBy  string         `json:"updated_by,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// Code returns the state code, or "".
func (s *FulfillmentState) Code() string {
	if s == nil || s.Descriptor == nil {
		return ""
	}
	return s.Descriptor.Code
}

// Stop is a point in a fulfillment; for learning content, stops are the
// lessons played in id order.
type Stop struct {
	ID            string         `json:"id,omitzero"`
	ParentStopID  string         `json:"parent_stop_id,omitzero"`
	Location      *Location      `json:"location,omitzero"`
	Type          string         `json:"type,omitzero"`
	Time          *Time          `json:"time,omitzero"`
	Instructions  *Descriptor    `json:"instructions,omitzero"`
	Contact       *Contact       `json:"contact,omitzero"`
	Person        *Person        `json:"person,omitzero"`
	Authorization *Authorization `json:"authorization,omitzero"`
	Unknown       jsontext.Value `json:",embed"`
}

// Authorization is a token a person shows at a stop (e.g. a joining code).
type Authorization struct {
	Type      string         `json:"type,omitzero"`
	Token     string         `json:"token,omitzero"`
	ValidFrom string         `json:"valid_from,omitzero"`
	ValidTo   string         `json:"valid_to,omitzero"`
	Status    string         `json:"status,omitzero"`
	Unknown   jsontext.Value `json:",embed"`
}

// Customer is the learner or applicant.
type Customer struct {
	Person  *Person        `json:"person,omitzero"`
	Contact *Contact       `json:"contact,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Agent is the person or organisation fulfilling (a mentor, a recruiter).
type Agent struct {
	Person       *Person        `json:"person,omitzero"`
	Contact      *Contact       `json:"contact,omitzero"`
	Organization *Organization  `json:"organization,omitzero"`
	Rating       LenientString  `json:"rating,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// Person describes a human. Age is an ISO 8601 duration in core but ONEST
// sends "35" (and some send 35); it is kept as the text sent.
type Person struct {
	ID        string         `json:"id,omitzero"`
	URL       string         `json:"url,omitzero"`
	Name      string         `json:"name,omitzero"`
	Image     *Image         `json:"image,omitzero"`
	Age       LenientString  `json:"age,omitzero"`
	DOB       string         `json:"dob,omitzero"`
	Gender    string         `json:"gender,omitzero"`
	Creds     Credentials    `json:"creds,omitempty"`
	Languages []Language     `json:"languages,omitempty"`
	Skills    []Skill        `json:"skills,omitempty"`
	Tags      TagGroups      `json:"tags,omitempty"`
	Unknown   jsontext.Value `json:",embed"`
}

// Credential is a verifiable credential of a person (a certificate).
type Credential struct {
	ID      string         `json:"id,omitzero"`
	Type    string         `json:"type,omitzero"`
	URL     string         `json:"url,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Credentials is Person.creds; a single object (seen in DSEP examples)
// decodes as a one-element list.
type Credentials []Credential

// UnmarshalJSONFrom accepts an array of credentials or one credential.
func (c *Credentials) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeOneOrMany(dec, (*[]Credential)(c))
}

// Language is a language a person speaks.
type Language struct {
	Code    string         `json:"code,omitzero"`
	Name    string         `json:"name,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Skill is a skill a person has.
type Skill struct {
	Code    string         `json:"code,omitzero"`
	Name    string         `json:"name,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Contact is how to reach someone.
type Contact struct {
	Phone   string         `json:"phone,omitzero"`
	Email   string         `json:"email,omitzero"`
	JCard   jsontext.Value `json:"jcard,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Organization is a legal entity (the creator of an item, the employer).
type Organization struct {
	Descriptor *Descriptor    `json:"descriptor,omitzero"`
	Address    string         `json:"address,omitzero"`
	State      *State         `json:"state,omitzero"`
	City       *City          `json:"city,omitzero"`
	Contact    *Contact       `json:"contact,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// Vehicle is part of the core Fulfillment object; ONEST does not use it but
// it must survive a round trip typed.
type Vehicle struct {
	Category         string         `json:"category,omitzero"`
	Capacity         Number         `json:"capacity,omitzero"`
	Make             string         `json:"make,omitzero"`
	Model            string         `json:"model,omitzero"`
	Size             string         `json:"size,omitzero"`
	Variant          string         `json:"variant,omitzero"`
	Color            string         `json:"color,omitzero"`
	EnergyType       string         `json:"energy_type,omitzero"`
	Registration     string         `json:"registration,omitzero"`
	WheelsCount      string         `json:"wheels_count,omitzero"`
	CargoVolume      string         `json:"cargo_volumne,omitzero"` // sic, core 1.1.0
	WheelchairAccess string         `json:"wheelchair_access,omitzero"`
	Code             string         `json:"code,omitzero"`
	EmissionStandard string         `json:"emission_standard,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

// Tracking is the on_track answer.
type Tracking struct {
	ID       string         `json:"id,omitzero"`
	URL      string         `json:"url,omitzero"`
	Location *Location      `json:"location,omitzero"`
	Status   string         `json:"status,omitzero"`
	Unknown  jsontext.Value `json:",embed"`
}

// decodeOneOrMany decodes a JSON array into out, or a single object as a
// one-element slice: several providers send one object where core has a
// list.
func decodeOneOrMany[T any](dec *jsontext.Decoder, out *[]T) error {
	if dec.PeekKind() == '{' {
		var v T
		if err := json.UnmarshalDecode(dec, &v); err != nil {
			return err
		}
		*out = []T{v}
		return nil
	}
	var s []T
	if err := json.UnmarshalDecode(dec, &s); err != nil {
		return err
	}
	*out = s
	return nil
}
