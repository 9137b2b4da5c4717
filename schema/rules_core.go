package schema

// coreObjects describes every object of Beckn core 1.1.0
// (api/transaction/build/transaction.yaml and api/meta/build/meta.yaml) in a
// compact notation that New compiles once into a type graph:
//
//	Type: member:kind member!:kind ...     an object; "!" marks a required member
//	Type = A|B|C                           a named string enum
//
// Kinds: str, bool, int, int>=N, int1 (exactly 1), num, any (untyped in
// core), obj (free-form object), the string formats uuid, datetime, date,
// uri, email, duration (ISO 8601), decimal (core DecimalValue), gps, age, a
// type name, [kind] for arrays, {kind} for maps, and a|b|c for an inline
// enum.
//
// Deliberate departures from the published YAML, each decided here once:
//   - XInput and Form carry the core 1.2.0 additions ONEST uses (head,
//     resubmit, auth, mime type application/html); payment params carry
//     bank_account_name (ONEST financial support, core 1.2).
//   - Fields whose core description says "ISO 8601 duration" but whose YAML
//     type is a bare string (Context.ttl, Time.duration, Quotation.ttl,
//     Schedule.frequency) are checked as durations.
//   - Person.age is a core Duration but ONEST sends whole years ("35"); the
//     age kind accepts both.
//   - DecimalValue's pattern is applied anchored; the YAML pattern is not
//     anchored, so it literally accepts "1,000.00" (any string with a digit).
//   - Support phone numbers carry the non-standard format "phone", which has
//     no definition; they are plain strings here.
const coreObjects = `
AddOn: id:str descriptor:Descriptor price:Price
Agent: person:Person contact:Contact organization:Organization rating:str
Authorization: type:str token:str valid_from:datetime valid_to:datetime status:str
Billing: name:str organization:Organization address:str state:State city:City email:email phone:str time:Time tax_id:str
Cancellation: time:datetime cancelled_by:CONSUMER|PROVIDER reason:Option additional_description:Descriptor
CancellationTerm: fulfillment_state:FulfillmentState reason_required:bool cancel_by:Time cancellation_fee:Fee xinput:XInput external_ref:MediaFile
Catalog: descriptor:Descriptor fulfillments:[Fulfillment] payments:[Payment] offers:[Offer] providers:[Provider] exp:datetime ttl:str
Category: id:str parent_category_id:str descriptor:Descriptor time:Time ttl:any tags:[TagGroup]
Circle: gps:gps radius:Scalar
City: name:str code:str
Contact: phone:str email:str jcard:obj
Context: domain:any location:Location action:str version:str bap_id:str bap_uri:uri bpp_id:str bpp_uri:uri transaction_id:uuid message_id:uuid timestamp:datetime key:str ttl:duration
Country: name:str code:str
Credential: id:str type:str url:uri
Customer: person:Person contact:Contact
Descriptor: name:str code:str short_desc:str long_desc:str additional_desc:AdditionalDesc media:[MediaFile] images:[Image]
AdditionalDesc: url:str content_type:text/plain|text/html|application/json
Error: code:str paths:str message:str
Fee: percentage:decimal amount:Price
Form: url:uri data:{str} mime_type:text/html|application/xml|application/html submission_id:uuid resubmit:bool auth:FormAuth
FormAuth: descriptor:Descriptor value:str
Fulfillment: id:str type:str rateable:bool rating:str state:FulfillmentState tracking:bool customer:Customer agent:Agent contact:Contact vehicle:Vehicle stops:[Stop] path:str tags:[TagGroup]
FulfillmentState: descriptor:Descriptor updated_at:datetime updated_by:str
Image: url:uri size_type:xs|sm|md|lg|xl|custom width:str height:str
Intent: descriptor:Descriptor provider:Provider fulfillment:Fulfillment payment:Payment category:Category offer:Offer item:Item tags:[TagGroup]
ItemQuantity: allocated:Count0 available:Count0 maximum:Count1 minimum:Count0 selected:Count0 unitized:CountUnit
Count0: count:int>=0 measure:Scalar
Count1: count:int>=1 measure:Scalar
CountUnit: count:int1 measure:Scalar
Item: id:str parent_item_id:str parent_item_quantity:ItemQuantity descriptor:Descriptor creator:Organization price:Price quantity:ItemQuantity category_ids:[str] fulfillment_ids:[str] location_ids:[str] payment_ids:[str] add_ons:[AddOn] cancellation_terms:[CancellationTerm] refund_terms:[RefundTerm] replacement_terms:[ReplacementTerm] return_terms:[ReturnTerm] xinput:XInput time:Time rateable:bool rating:str matched:bool related:bool recommended:bool ttl:str tags:[TagGroup]
RefundTerm: fulfillment_state:State refund_eligible:bool refund_within:Time refund_amount:Price
Location: id:str descriptor:Descriptor map_url:uri gps:gps address:str city:City district:str state:State country:Country area_code:str circle:Circle polygon:str 3dspace:str rating:str
MediaFile: mimetype:str url:uri signature:str dsa:str
Offer: id:str descriptor:Descriptor location_ids:[str] category_ids:[str] item_ids:[str] time:Time tags:[TagGroup]
Option: id:str descriptor:Descriptor
Order: id:str ref_order_ids:[str] status:ACTIVE|COMPLETE|CANCELLED type:DRAFT|DEFAULT provider:Provider items:[Item] add_ons:[AddOn] offers:[Offer] billing:Billing fulfillments:[Fulfillment] cancellation:Cancellation cancellation_terms:[CancellationTerm] refund_terms:[RefundTerm] replacement_terms:[ReplacementTerm] return_terms:[ReturnTerm] quote:Quotation payments:[Payment] created_at:datetime updated_at:datetime xinput:XInput tags:[TagGroup]
Organization: descriptor:Descriptor address:str state:State city:City contact:Contact
Payment: id:str collected_by:any url:uri params:PaymentParams type:PRE-ORDER|PRE-FULFILLMENT|ON-FULFILLMENT|POST-FULFILLMENT status:PAID|NOT-PAID time:Time tags:[TagGroup]
PaymentParams: transaction_id:str amount:str currency:str bank_code:str bank_account_number:str bank_account_name:str virtual_payment_address:str source_bank_code:str source_bank_account_number:str source_virtual_payment_address:str
Person: id:str url:uri name:str image:Image age:age dob:date gender:str creds:[Credential] languages:[CodeName] skills:[CodeName] tags:[TagGroup]
CodeName: code:str name:str
Price: currency:str value:decimal estimated_value:decimal computed_value:decimal listed_value:decimal offered_value:decimal minimum_value:decimal maximum_value:decimal
Provider: id:str descriptor:Descriptor category_id:str rating:str time:Time categories:[Category] fulfillments:[Fulfillment] payments:[Payment] locations:[Location] offers:[Offer] items:[Item] exp:datetime rateable:bool ttl:int>=-1 tags:[TagGroup]
Quotation: id:uuid price:Price breakup:[Breakup] ttl:duration
Breakup: item:Item title:str price:Price
Rating: rating_category:RatingCategory id:str value:str
RatingCategory = Item|Order|Fulfillment|Provider|Agent|Support
Region: dimensions:1|2|3 type:str name:str code:str boundary:str map_url:str
ReplacementTerm: fulfillment_state:State replace_within:Time external_ref:MediaFile
ReturnTerm: fulfillment_state:State return_eligible:bool return_time:Time return_location:Location fulfillment_managed_by:CONSUMER|PROVIDER
Scalar: type:CONSTANT|VARIABLE value:decimal estimated_value:decimal computed_value:decimal range:ScalarRange unit:str
ScalarRange: min:decimal max:decimal
Schedule: frequency:duration holidays:[datetime] times:[datetime]
State: name:str code:str
Stop: id:str parent_stop_id:str location:Location type:str time:Time instructions:Descriptor contact:Contact person:Person authorization:Authorization
Support: ref_id:str callback_phone:str phone:str email:email url:uri
Tag: descriptor:Descriptor value:str display:bool
TagGroup: display:bool descriptor:Descriptor list:[Tag]
Time: label:str timestamp:datetime duration:duration range:TimeRange days:str schedule:Schedule
TimeRange: start:datetime end:datetime
Tracking: id:str url:uri location:Location status:active|inactive
Vehicle: category:str capacity:int make:str model:str size:str variant:str color:str energy_type:str registration:str wheels_count:str cargo_volumne:str wheelchair_access:str code:str emission_standard:str
XInput: head:XInputHead form:Form required:bool
XInputHead: descriptor:Descriptor index:XInputIndex headings:[str]
XInputIndex: min:int cur:int max:int

SearchMessage: intent:Intent
OrderMessage: order!:Order
OptionalOrderMessage: order:Order
StatusMessage: order_id!:str
TrackMessage: order_id!:str callback_url:uri
CancelMessage: order_id!:str cancellation_reason_id:str descriptor:Descriptor
UpdateMessage: update_target!:str order!:Order
RatingMessage: ratings:[Rating]
SupportMessage: support:Support
CatalogMessage: catalog!:Catalog
TrackingMessage: tracking!:Tracking
FeedbackMessage: feedback_form:XInput
CancellationReasonsMessage: cancellation_reasons!:[Option]
ReturnReasonsMessage: return_reasons!:[Option]
RatingCategoriesMessage: rating_categories!:[RatingCategory]
`

// actionSpec describes one endpoint: the type of its message, whether the
// message is required, whether it is a callback (callbacks may carry an
// error instead of a message), and the action it answers or is answered by.
type actionSpec struct {
	name            string
	message         string // type name in coreObjects; "" = no message defined
	messageRequired bool
	callback        bool
	pair            string // the callback of a request, the request of a callback
}

// coreActions lists every endpoint of core 1.1.0's transaction and meta APIs
// with the message shape each path declares. The meta API's
// rating_categories path requires "return_reasons" (a copy-paste slip in the
// YAML); Seeker requires rating_categories, the member the path defines.
var coreActions = []actionSpec{
	{"search", "SearchMessage", true, false, "on_search"},
	{"select", "OrderMessage", true, false, "on_select"},
	{"init", "OrderMessage", true, false, "on_init"},
	{"confirm", "OrderMessage", true, false, "on_confirm"},
	{"status", "StatusMessage", true, false, "on_status"},
	{"track", "TrackMessage", true, false, "on_track"},
	{"cancel", "CancelMessage", true, false, "on_cancel"},
	{"update", "UpdateMessage", true, false, "on_update"},
	{"rating", "RatingMessage", true, false, "on_rating"},
	{"support", "SupportMessage", true, false, "on_support"},
	{"on_search", "CatalogMessage", false, true, "search"},
	{"on_select", "OptionalOrderMessage", false, true, "select"},
	{"on_init", "OrderMessage", false, true, "init"},
	{"on_confirm", "OrderMessage", false, true, "confirm"},
	{"on_status", "OrderMessage", false, true, "status"},
	{"on_track", "TrackingMessage", false, true, "track"},
	{"on_cancel", "OrderMessage", false, true, "cancel"},
	{"on_update", "OrderMessage", false, true, "update"},
	{"on_rating", "FeedbackMessage", true, true, "rating"},
	{"on_support", "SupportMessage", false, true, "support"},
	{"get_cancellation_reasons", "", false, false, "cancellation_reasons"},
	{"get_return_reasons", "", false, false, "return_reasons"},
	{"get_rating_categories", "", false, false, "rating_categories"},
	{"cancellation_reasons", "CancellationReasonsMessage", true, true, "get_cancellation_reasons"},
	{"return_reasons", "ReturnReasonsMessage", true, true, "get_return_reasons"},
	{"rating_categories", "RatingCategoriesMessage", true, true, "get_rating_categories"},
}
