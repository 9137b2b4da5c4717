package beckn

import (
	"reflect"
	"testing"
)

func TestRatingMessageShapes(t *testing.T) {
	want := []Rating{{RatingCategory: "Item", ID: "i1", Value: "4"}}
	tests := []struct{ name, in, enc string }{
		{"core array", `{"ratings":[{"rating_category":"Item","id":"i1","value":"4"}]}`, ""},
		{"ratings object (DSEP courses)", `{"ratings":{"id":"i1","rating_category":"Item","value":"4"}}`, ""},
		{"rating singular (DSEP work)", `{"rating":{"rating_category":"Item","id":"i1","value":4}}`, ""},
		{"flat (sandbox)", `{"id":"i1","rating_category":"Item","value":"4"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, got := decodeEncode[RatingMessage](t, tt.in)
			if !reflect.DeepEqual(m.Ratings, want) {
				t.Fatalf("ratings %+v, want %+v", m.Ratings, want)
			}
			if got != `{"ratings":[{"rating_category":"Item","id":"i1","value":"4"}]}` {
				t.Fatalf("encoded %s", got)
			}
		})
	}
	m, got := decodeEncode[RatingMessage](t, `{"ratings":[],"note":"x"}`)
	if len(m.Ratings) != 0 || got != `{"note":"x"}` {
		t.Fatalf("empty ratings: %+v %s", m, got)
	}
}

func TestSupportMessageShapes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"core", `{"support":{"ref_id":"o1","phone":"+91"}}`, `{"support":{"ref_id":"o1","phone":"+91"}}`},
		{"flat ref_id", `{"ref_id":"o1","callback_phone":"+91"}`, `{"support":{"ref_id":"o1","callback_phone":"+91"}}`},
		{"DSEP order_id kept", `{"support":{"order_id":"d4975df5"}}`, `{"support":{"order_id":"d4975df5"}}`},
		{"both merge", `{"support":{"ref_id":"o1"},"email":"a@b"}`, `{"support":{"ref_id":"o1","email":"a@b"}}`},
		{"other members kept", `{"ref_id":"o1","docs":[1]}`, `{"support":{"ref_id":"o1"},"docs":[1]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := decodeEncode[SupportMessage](t, tt.in)
			if got != tt.want {
				t.Fatalf("encoded %s, want %s", got, tt.want)
			}
		})
	}
}

func TestStatusMessage(t *testing.T) {
	tests := []struct{ in, id, enc string }{
		{`{"order_id":"o1"}`, "o1", `{"order_id":"o1"}`},
		{`{"order_id":1677140405881}`, "1677140405881", `{"order_id":"1677140405881"}`},
		{`{"order":{"id":"o2"}}`, "o2", `{"order":{"id":"o2"}}`},
		{`{"order_id":"o1","order":{"id":"o2"}}`, "o1", `{"order_id":"o1","order":{"id":"o2"}}`},
		{`{}`, "", `{}`},
	}
	for _, tt := range tests {
		m, got := decodeEncode[StatusMessage](t, tt.in)
		if m.ID() != tt.id || got != tt.enc {
			t.Errorf("%s: ID %q enc %s, want %q %s", tt.in, m.ID(), got, tt.id, tt.enc)
		}
	}
}

func TestCancellationReasonsSingular(t *testing.T) {
	m, got := decodeEncode[CancellationReasonsMessage](t, `{"cancellation_reason":[{"id":"1","descriptor":{"name":"Got another"}}]}`)
	if len(m.CancellationReasons) != 1 || m.CancellationReasons[0].ID != "1" {
		t.Fatalf("reasons %+v", m.CancellationReasons)
	}
	if got != `{"cancellation_reasons":[{"id":"1","descriptor":{"name":"Got another"}}]}` {
		t.Fatalf("encoded %s", got)
	}
}

func TestMessageFor(t *testing.T) {
	tests := map[string]any{
		ActionSearch: &SearchMessage{}, ActionOnSearch: &CatalogMessage{},
		ActionSelect: &OrderMessage{}, ActionOnSelect: &OrderMessage{},
		ActionInit: &OrderMessage{}, ActionOnInit: &OrderMessage{},
		ActionConfirm: &OrderMessage{}, ActionOnConfirm: &OrderMessage{},
		ActionStatus: &StatusMessage{}, ActionOnStatus: &OrderMessage{},
		ActionCancel: &CancelMessage{}, ActionOnCancel: &OrderMessage{},
		ActionUpdate: &UpdateMessage{}, ActionOnUpdate: &OrderMessage{},
		ActionTrack: &TrackMessage{}, ActionOnTrack: &TrackingMessage{},
		ActionRating: &RatingMessage{}, ActionOnRating: &FeedbackMessage{},
		ActionSupport: &SupportMessage{}, ActionOnSupport: &SupportMessage{},
		ActionCancellationReasons:    &CancellationReasonsMessage{},
		ActionReturnReasons:          &ReturnReasonsMessage{},
		ActionRatingCategories:       &RatingCategoriesMessage{},
		ActionGetCancellationReasons: nil, ActionGetRatingCategories: nil,
		ActionGetReturnReasons: nil, "on_comfirm": nil, "": nil,
	}
	for action, want := range tests {
		got := MessageFor(action)
		if reflect.TypeOf(got) != reflect.TypeOf(want) {
			t.Errorf("MessageFor(%q) = %T, want %T", action, got, want)
		}
	}
	for _, a := range append(Actions(), Callbacks()...) {
		if MessageFor(a) == nil && a[:4] != "get_" {
			t.Errorf("action %q has no typed message", a)
		}
	}
}
