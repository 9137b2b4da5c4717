package beckn

import "strings"

// Request actions a BAP sends (core 1.1.0 transaction and meta APIs).
const (
	ActionSearch                 = "search"
	ActionSelect                 = "select"
	ActionInit                   = "init"
	ActionConfirm                = "confirm"
	ActionStatus                 = "status"
	ActionTrack                  = "track"
	ActionCancel                 = "cancel"
	ActionUpdate                 = "update"
	ActionRating                 = "rating"
	ActionSupport                = "support"
	ActionGetCancellationReasons = "get_cancellation_reasons"
	ActionGetReturnReasons       = "get_return_reasons"
	ActionGetRatingCategories    = "get_rating_categories"
)

// Callback actions a BPP sends back. The meta callbacks are not
// on_-prefixed in core 1.1.0.
const (
	ActionOnSearch            = "on_search"
	ActionOnSelect            = "on_select"
	ActionOnInit              = "on_init"
	ActionOnConfirm           = "on_confirm"
	ActionOnStatus            = "on_status"
	ActionOnTrack             = "on_track"
	ActionOnCancel            = "on_cancel"
	ActionOnUpdate            = "on_update"
	ActionOnRating            = "on_rating"
	ActionOnSupport           = "on_support"
	ActionCancellationReasons = "cancellation_reasons"
	ActionReturnReasons       = "return_reasons"
	ActionRatingCategories    = "rating_categories"
)

// Actions lists every request action, transaction APIs first.
func Actions() []string {
	return []string{
		ActionSearch, ActionSelect, ActionInit, ActionConfirm, ActionStatus,
		ActionTrack, ActionCancel, ActionUpdate, ActionRating, ActionSupport,
		ActionGetCancellationReasons, ActionGetReturnReasons, ActionGetRatingCategories,
	}
}

// Callbacks lists every callback action, in the order of Actions. These are
// the routes a BAP exposes under its subscriber URL.
func Callbacks() []string {
	out := make([]string, 0, 13)
	for _, a := range Actions() {
		out = append(out, CallbackAction(a))
	}
	return out
}

var metaCallbacks = map[string]string{
	ActionGetCancellationReasons: ActionCancellationReasons,
	ActionGetReturnReasons:       ActionReturnReasons,
	ActionGetRatingCategories:    ActionRatingCategories,
}

// CallbackAction returns the callback of a request action: "on_" + action,
// or the non-prefixed name of a meta API. An action that is already a
// callback is returned unchanged.
func CallbackAction(action string) string {
	if c, ok := metaCallbacks[action]; ok {
		return c
	}
	if IsCallback(action) {
		return action
	}
	return "on_" + action
}

// RequestAction returns the request a callback answers ("on_search" →
// "search", "cancellation_reasons" → "get_cancellation_reasons"). A request
// action is returned unchanged.
func RequestAction(callback string) string {
	for req, cb := range metaCallbacks {
		if cb == callback {
			return req
		}
	}
	if r, ok := strings.CutPrefix(callback, "on_"); ok {
		return r
	}
	return callback
}

// IsCallback reports whether action is sent by a BPP in answer to a request:
// any on_ action and the three meta callbacks.
func IsCallback(action string) bool {
	if strings.HasPrefix(action, "on_") {
		return true
	}
	switch action {
	case ActionCancellationReasons, ActionReturnReasons, ActionRatingCategories:
		return true
	}
	return false
}
