package beckn

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// SearchMessage is the message of search.
type SearchMessage struct {
	Intent  *Intent        `json:"intent,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// CatalogMessage is the message of on_search.
type CatalogMessage struct {
	Catalog *Catalog       `json:"catalog,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// OrderMessage is the message of select, init, confirm and of the
// on_select, on_init, on_confirm, on_status, on_cancel and on_update
// callbacks.
type OrderMessage struct {
	Order   *Order         `json:"order,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// StatusMessage is the message of status. Core sends order_id; the ONEST
// learning and work guides send order.id, so both are kept; read ID().
type StatusMessage struct {
	OrderID LenientString  `json:"order_id,omitzero"`
	Order   *Order         `json:"order,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// ID returns order_id, else order.id.
func (m *StatusMessage) ID() string {
	if m.OrderID != "" {
		return string(m.OrderID)
	}
	if m.Order != nil {
		return m.Order.ID
	}
	return ""
}

// CancelMessage is the message of cancel.
type CancelMessage struct {
	OrderID              LenientString  `json:"order_id,omitzero"`
	CancellationReasonID LenientString  `json:"cancellation_reason_id,omitzero"`
	Descriptor           *Descriptor    `json:"descriptor,omitzero"`
	Unknown              jsontext.Value `json:",embed"`
}

// UpdateMessage is the message of update: update_target is a
// comma-separated list of the order's paths being changed.
type UpdateMessage struct {
	UpdateTarget string         `json:"update_target,omitzero"`
	Order        *Order         `json:"order,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// TrackMessage is the message of track.
type TrackMessage struct {
	OrderID     LenientString  `json:"order_id,omitzero"`
	CallbackURL string         `json:"callback_url,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// TrackingMessage is the message of on_track.
type TrackingMessage struct {
	Tracking *Tracking      `json:"tracking,omitzero"`
	Unknown  jsontext.Value `json:",embed"`
}

// RatingMessage is the message of rating: {"ratings": [Rating]}.
//
// Senders disagree on the shape: DSEP courses send "ratings" as one object,
// DSEP work and expert examples send "rating" (singular, one object), the
// sandbox sends the Rating's members flat in the message. All of them decode
// into Ratings and encode as the core array.
type RatingMessage struct {
	Ratings []Rating       `json:"ratings,omitempty"`
	Unknown jsontext.Value `json:",embed"`
}

// UnmarshalJSONFrom applies the leniency rules listed on RatingMessage.
func (m *RatingMessage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var w struct {
		Ratings  jsontext.Value `json:"ratings,omitzero"`
		Singular jsontext.Value `json:"rating,omitzero"`
		Flat     Rating         `json:",embed"`
	}
	if err := json.UnmarshalDecode(dec, &w); err != nil {
		return err
	}
	*m = RatingMessage{}
	for _, raw := range []jsontext.Value{w.Ratings, w.Singular} {
		if len(raw) == 0 {
			continue
		}
		var rs []Rating
		if err := decodeOneOrMany(jsontext.NewDecoder(bytesReader(raw), dec.Options()), &rs); err != nil {
			return err
		}
		m.Ratings = append(m.Ratings, rs...)
	}
	flat := w.Flat
	m.Unknown, flat.Unknown = flat.Unknown, nil
	if flat.ID != "" || flat.RatingCategory != "" || flat.Value != "" {
		m.Ratings = append(m.Ratings, flat)
	}
	return nil
}

// FeedbackMessage is the message of on_rating: an optional feedback form.
type FeedbackMessage struct {
	FeedbackForm *XInput        `json:"feedback_form,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// SupportMessage is the message of support and on_support. The sandbox
// sends the Support members flat in the message (ref_id, phone, ...); they
// decode into Support and encode as the core {"support": {...}}.
type SupportMessage struct {
	Support *Support       `json:"support,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// UnmarshalJSONFrom accepts the core and the flat shape.
func (m *SupportMessage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var w struct {
		Support *Support `json:"support,omitzero"`
		Flat    Support  `json:",embed"`
	}
	if err := json.UnmarshalDecode(dec, &w); err != nil {
		return err
	}
	flat := w.Flat
	*m = SupportMessage{Support: w.Support, Unknown: flat.Unknown}
	flat.Unknown = nil
	if flat.RefID != "" || flat.CallbackPhone != "" || flat.Phone != "" || flat.Email != "" || flat.URL != "" {
		if m.Support == nil {
			m.Support = &flat
		} else {
			mergeSupport(m.Support, &flat)
		}
	}
	return nil
}

// mergeSupport fills empty members of dst from src (a body with both a
// support object and flat members).
func mergeSupport(dst, src *Support) {
	for _, p := range []struct{ d, s *string }{
		{&dst.RefID, &src.RefID}, {&dst.CallbackPhone, &src.CallbackPhone},
		{&dst.Phone, &src.Phone}, {&dst.Email, &src.Email}, {&dst.URL, &src.URL},
	} {
		if *p.d == "" {
			*p.d = *p.s
		}
	}
}

// CancellationReasonsMessage is the message of the cancellation_reasons
// meta callback. Some senders write the singular "cancellation_reason".
type CancellationReasonsMessage struct {
	CancellationReasons []Option       `json:"cancellation_reasons,omitempty"`
	Unknown             jsontext.Value `json:",embed"`
}

// UnmarshalJSONFrom accepts the singular key as an alias.
func (m *CancellationReasonsMessage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain CancellationReasonsMessage
	var w struct {
		plain
		Singular []Option `json:"cancellation_reason,omitempty"`
	}
	if err := json.UnmarshalDecode(dec, &w); err != nil {
		return err
	}
	*m = CancellationReasonsMessage(w.plain)
	m.CancellationReasons = append(m.CancellationReasons, w.Singular...)
	return nil
}

// ReturnReasonsMessage is the message of the return_reasons meta callback.
type ReturnReasonsMessage struct {
	ReturnReasons []Option       `json:"return_reasons,omitempty"`
	Unknown       jsontext.Value `json:",embed"`
}

// RatingCategoriesMessage is the message of the rating_categories meta
// callback.
type RatingCategoriesMessage struct {
	RatingCategories []string       `json:"rating_categories,omitempty"`
	Unknown          jsontext.Value `json:",embed"`
}

// MessageFor returns a pointer to a new zero typed message for an action,
// or nil when the action carries no message (the get_* meta requests) or is
// unknown. Decode the envelope's message into it with DecodeMessage.
func MessageFor(action string) any {
	switch action {
	case ActionSearch:
		return new(SearchMessage)
	case ActionOnSearch:
		return new(CatalogMessage)
	case ActionSelect, ActionInit, ActionConfirm,
		ActionOnSelect, ActionOnInit, ActionOnConfirm, ActionOnStatus,
		ActionOnCancel, ActionOnUpdate:
		return new(OrderMessage)
	case ActionStatus:
		return new(StatusMessage)
	case ActionCancel:
		return new(CancelMessage)
	case ActionUpdate:
		return new(UpdateMessage)
	case ActionTrack:
		return new(TrackMessage)
	case ActionOnTrack:
		return new(TrackingMessage)
	case ActionRating:
		return new(RatingMessage)
	case ActionOnRating:
		return new(FeedbackMessage)
	case ActionSupport, ActionOnSupport:
		return new(SupportMessage)
	case ActionCancellationReasons:
		return new(CancellationReasonsMessage)
	case ActionReturnReasons:
		return new(ReturnReasonsMessage)
	case ActionRatingCategories:
		return new(RatingCategoriesMessage)
	}
	return nil
}
