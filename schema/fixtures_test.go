package schema

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onest-seeker/seeker/internal/testutil"
)

// fixtureCases is the written-down outcome of validating one DSEP example
// file: pass (no error finding) or exactly the listed error findings, each
// as "path rule". Warnings and info notes are not listed here; rule tests
// cover them.
//
// Why the examples that fail, fail (onest-domain.md §10.3 and Appendix B):
//   - context.version onest.version: DSEP versions (0.6.0, 0.7.0) or core
//     1.0.0 in context.version (financial-support, expert-connect).
//   - context.domain onest.domain: dsep:student-connect is not an ONEST domain.
//   - context.message_id core.format: the guides' "$bb579fb8-..." ids are not
//     UUIDs (Appendix B.14).
//   - context.action core.action: on_comfirm, cancellation_reason,
//     get_cancellation_reason typos.
//   - core.type: quantity.maximum as a number, billing/location city and
//     state as strings, creds as an object, ratings as an object, intent.item
//     as an array, feedback_form.required as the string "false".
//   - core.format: placeholder text where URLs are due ("url of the image"),
//     free-text prices ("Penalty upto 5,00,000 INR"), dates without a time
//     zone, {{bap_uri}} Postman variables.
//   - core.required: status with message.order.id instead of order_id
//     (Appendix B.8); Tags.json/Faqs.json are reference lists, not messages.
//   - onest.enum: fulfilment states outside the domain's list
//     (course-cancelled, application-withdrawn, DSEP's SCHOLARSHIP-DISBURSED).
//   - onest.mandatory: DSEP financial-support examples without age, contact,
//     long_desc or fulfilment state that the ONEST lists require.
//   - json.syntax: work-opportunities/tags.json is empty.
var pass []string                   // no error finding
func fails(errs ...string) []string { return errs }

var fixtureCases = []struct {
	file   string
	errors []string
}{
	{"courses/cancel/cancel.json", pass},
	{"courses/cancel/on_cancel.json", fails("message.order.items[0].quantity.maximum core.type", "message.order.billing.organization.city core.type", "message.order.billing.organization.state core.type", "message.order.fulfillments[0].customer.person.creds core.type", "message.order.fulfillments[0].state.descriptor.code onest.enum")},
	{"courses/confirm/confirm.json", fails("context.message_id core.format")},
	{"courses/confirm/on_confirm.json", pass},
	{"courses/init/init.json", fails("context.message_id core.format")},
	{"courses/init/on_init-step-1.json", pass},
	{"courses/init/on_init-step2-payment-failure.json", pass},
	{"courses/init/on_init-step2-payment-success.json", pass},
	{"courses/rating/on_rating.json", fails("context.message_id core.format", "message.feedback_form.required core.type")},
	{"courses/rating/rating.json", fails("context.message_id core.format", "message.ratings core.type")},
	{"courses/search/on_search.json", pass},
	{"courses/search/search-by-course-name.json", fails("context.message_id core.format")},
	{"courses/select/on_select.json", fails("message.order.items[0].quantity.maximum core.type")},
	{"courses/select/select.json", fails("context.message_id core.format")},
	{"courses/status/on_status-course-completed.json", pass},
	{"courses/status/status.json", fails("context.message_id core.format", "message.order_id core.required")},
	{"courses/support/on_support.json", fails("context.message_id core.format", "message.support.url core.format")},
	{"courses/support/support-with-callback.json", fails("context.message_id core.format")},
	{"courses/support/support.json", fails("context.message_id core.format")},
	{"courses/track/on_track.json", fails("message.tracking.url core.format")},
	{"courses/track/track.json", pass},
	{"courses/update/on_update-course-status.json", fails("message.order.items[0].quantity.maximum core.type")},
	{"courses/update/update-course-status.json", pass},
	{"expert-connect/cancel/cancel.json", fails("context.version onest.version")},
	{"expert-connect/cancel/on_cancel.json", fails("context.version onest.version")},
	{"expert-connect/confirm/confirm.json", fails("context.version onest.version")},
	{"expert-connect/confirm/on_confirm.json", fails("context.version onest.version")},
	{"expert-connect/init/init.json", fails("context.version onest.version")},
	{"expert-connect/init/on_init.json", fails("context.version onest.version")},
	{"expert-connect/rating/on_rating.json", fails("message.feedback_form.form.url core.format", "context.version onest.version")},
	{"expert-connect/rating/rating-agent.json", fails("context.version onest.version")},
	{"expert-connect/rating/rating-provider.json", fails("context.version onest.version")},
	{"expert-connect/search/on_search.json", fails("context.version onest.version")},
	{"expert-connect/search/search request - based on mentor name.json", fails("context.version onest.version")},
	{"expert-connect/search/search request - based on title.json", fails("context.version onest.version")},
	{"expert-connect/select/on_select.json", fails("context.version onest.version")},
	{"expert-connect/select/select.json", fails("context.version onest.version")},
	{"expert-connect/status/on_status.json", fails("context.version onest.version")},
	{"expert-connect/status/status.json", fails("context.version onest.version")},
	{"expert-connect/support/on_support.json", fails("message.support.url core.format", "context.version onest.version")},
	{"expert-connect/support/support-with-callback.json", fails("context.version onest.version")},
	{"expert-connect/support/support.json", fails("context.version onest.version")},
	{"expert-connect/track/on_track.json", fails("message.tracking.url core.format", "context.version onest.version")},
	{"expert-connect/track/track.json", fails("context.version onest.version")},
	{"expert-connect/update/on_update.json", fails("context.version onest.version")},
	{"expert-connect/update/update.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/cancel/cancel-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/cancel/on_cancel-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/confirm/confirm-v0.6.0.json", fails("context.version onest.version", "message.order.fulfillments[0].customer.person.age onest.mandatory", "message.order.fulfillments[0].customer.contact onest.mandatory")},
	{"financial-support/V0.6.0/confirm/on_confirm-v0.6.0.json", fails("context.version onest.version", "message.order.fulfillments[0].customer onest.mandatory", "message.order.fulfillments[0].state onest.mandatory", "message.order.items[0].descriptor.long_desc onest.mandatory")},
	{"financial-support/V0.6.0/init/init-v0.6.0.json", fails("context.version onest.version", "message.order.fulfillments[0].customer.person.age onest.mandatory", "message.order.fulfillments[0].customer.contact onest.mandatory")},
	{"financial-support/V0.6.0/init/on_init-v0.6.0.json", fails("context.version onest.version", "message.order.fulfillments[0].customer.contact onest.mandatory", "message.order.fulfillments[0].customer.person.age onest.mandatory", "message.order.fulfillments[0].state onest.mandatory", "message.order.items[0].descriptor.long_desc onest.mandatory", "message.order.items[0].fulfillment_ids onest.mandatory")},
	{"financial-support/V0.6.0/meta-api/cancellation_reasons-v0.6.0.json", fails("context.action core.action", "context.version onest.version")},
	{"financial-support/V0.6.0/meta-api/get_cancellation_reasons-v0.6.0.json", fails("context.action core.action", "context.version onest.version")},
	{"financial-support/V0.6.0/meta-api/get_rating_categories-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/meta-api/rating_categories-v0.6.0.json", fails("message.rating_categories[1] core.enum", "context.version onest.version")},
	{"financial-support/V0.6.0/rating/on_rating-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/rating/rating-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/search/Search-by-gender-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/search/Search-by-name-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/search/on_search-v0.6.0.json", fails("message.catalog.providers[0].descriptor.images[0].url core.format", "message.catalog.providers[0].items[0].price.value core.format", "context.version onest.version")},
	{"financial-support/V0.6.0/search/search-by-gender-and-name-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/select/on_select-v0.6.0.json", fails("message.order.provider.descriptor.images[0].url core.format", "context.version onest.version", "message.order.items[0].descriptor.long_desc onest.mandatory")},
	{"financial-support/V0.6.0/select/select-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/status/on_status_v0.6.0.json", fails("context.version onest.version", "message.order.fulfillments[0].customer onest.mandatory", "message.order.fulfillments[0].state onest.mandatory", "message.order.items[0].descriptor.long_desc onest.mandatory")},
	{"financial-support/V0.6.0/status/status-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/support/on_support-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/support/support-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/update/on_update-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.6.0/update/update-studentdetail-v0.6.0.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/Tags/Faqs.json", fails(" core.type")},
	{"financial-support/V0.7.0/Tags/Tags.json", fails("context core.required")},
	{"financial-support/V0.7.0/cancel/cancel.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/cancel/on_cancel.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "message.order.fulfillments[0].state.descriptor.code onest.enum", "message.order.cancellation_terms[0].cancellation_fee.amount.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/confirm/confirm.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/confirm/on_confirm.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "message.order.cancellation_terms[0].cancellation_fee.amount.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/init/init.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/init/on_init_step1.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/init/on_init_step2.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/init/on_init_step3.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/init/on_init_step4.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/init/on_init_step5.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "message.order.fulfillments[0].state.descriptor.code onest.enum", "message.order.cancellation_terms[0].cancellation_fee.amount.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/meta-api/cancellation_reasons.json", fails("context.action core.action", "context.version onest.version")},
	{"financial-support/V0.7.0/meta-api/get_cancellation_reasons.json", fails("context.action core.action", "context.version onest.version")},
	{"financial-support/V0.7.0/meta-api/get_rating_categories.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/meta-api/rating_categories.json", fails("message.rating_categories[1] core.enum", "context.version onest.version")},
	{"financial-support/V0.7.0/rating/on_rating.json", fails("message.feedback_form.form.url core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/rating/rating-provider.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/rating/rating-scholarship.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/search/Search-by-gender.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/search/Search-by-name.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/search/on_search.json", fails("message.catalog.providers[0].descriptor.images[0].url core.format", "message.catalog.providers[0].items[0].price.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/search/search-by-gender-and-name.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/select/on_select.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.provider.locations[0].city core.type", "message.order.provider.locations[0].state core.type", "message.order.provider.locations[1].city core.type", "message.order.provider.locations[1].state core.type", "message.order.provider.locations[2].city core.type", "message.order.provider.locations[2].state core.type", "message.order.items[0].price.value core.format", "context.version onest.version", "message.order.items[0].descriptor.long_desc onest.mandatory")},
	{"financial-support/V0.7.0/select/select.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/status/on_status_scholarship_approved.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "message.order.fulfillments[0].state.descriptor.code onest.enum", "message.order.cancellation_terms[0].cancellation_fee.amount.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/status/on_status_scholarship_rejected.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "message.order.fulfillments[0].state.descriptor.code onest.enum", "message.order.cancellation_terms[0].cancellation_fee.amount.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/status/status.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/support/on_support.json", fails("message.support.url core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/support/support-with-callback.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/support/support.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/track/track.json", pass},
	{"financial-support/V0.7.0/track/track_response.json", fails("context core.required")},
	{"financial-support/V0.7.0/update/on_update.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "message.order.fulfillments[0].state.descriptor.code onest.enum", "message.order.cancellation_terms[0].cancellation_fee.amount.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/update/on_update__scholarship_disbursed.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "message.order.fulfillments[0].state.descriptor.code onest.enum", "message.order.cancellation_terms[0].cancellation_fee.amount.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/update/on_update_additionaldetailsrequired.json", fails("message.order.provider.descriptor.images[0].url core.format", "message.order.items[0].price.value core.format", "message.order.fulfillments[0].state.descriptor.code onest.enum", "message.order.cancellation_terms[0].cancellation_fee.amount.value core.format", "context.version onest.version")},
	{"financial-support/V0.7.0/update/update-bankdetails.json", fails("context.version onest.version")},
	{"financial-support/V0.7.0/update/update-studentdetail.json", pass},
	{"student-connect/cancel/cancel.json", fails("context.domain onest.domain")},
	{"student-connect/cancel/on_cancel.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format")},
	{"student-connect/confirm/confirm.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format")},
	{"student-connect/confirm/on_confirm.json", fails("context.action core.action", "context.domain onest.domain")},
	{"student-connect/init/init.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format")},
	{"student-connect/init/on_init.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format")},
	{"student-connect/search/on_search.json", fails("context.domain onest.domain")},
	{"student-connect/search/search-by-location.json", fails("context.domain onest.domain", "context.bap_uri core.format")},
	{"student-connect/search/search-by-name.json", fails("context.domain onest.domain", "context.bap_uri core.format")},
	{"student-connect/search/search-by-skill.json", fails("context.domain onest.domain", "context.bap_uri core.format")},
	{"student-connect/select/on_select-physical.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].location.gps core.format", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format", "message.order.fulfillments[0].stops[0].time.schedule.holidays[0] core.format", "message.order.fulfillments[0].stops[0].time.schedule.holidays[1] core.format", "message.order.fulfillments[0].stops[0].time.schedule.holidays[2] core.format")},
	{"student-connect/select/on_select-virtual.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format", "message.order.fulfillments[0].stops[0].time.schedule.holidays[0] core.format", "message.order.fulfillments[0].stops[0].time.schedule.holidays[1] core.format", "message.order.fulfillments[0].stops[0].time.schedule.holidays[2] core.format")},
	{"student-connect/select/select.json", fails("context.domain onest.domain")},
	{"student-connect/status/on_status.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format")},
	{"student-connect/status/status.json", fails("context.domain onest.domain")},
	{"student-connect/update/on_update.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format")},
	{"student-connect/update/update-booking-slot.json", fails("context.domain onest.domain", "message.order.fulfillments[0].stops[0].time.range.start core.format", "message.order.fulfillments[0].stops[0].time.range.end core.format")},
	{"student-connect/update/update-person-detail.json", fails("context.domain onest.domain")},
	{"work-opportunities/cancel/cancel.json", pass},
	{"work-opportunities/cancel/on_cancel.json", fails("message.order.fulfillments[0].customer.person.gender onest.enum", "message.order.fulfillments[0].state.descriptor.code onest.enum")},
	{"work-opportunities/confirm/confirm.json", pass},
	{"work-opportunities/confirm/on_confirm.json", pass},
	{"work-opportunities/init/init.json", fails("context.message_id core.format")},
	{"work-opportunities/init/on_init.json", pass},
	{"work-opportunities/rating/on_rating.json", pass},
	{"work-opportunities/rating/rating-job.json", pass},
	{"work-opportunities/rating/rating-provider.json", pass},
	{"work-opportunities/search/on_search response.json", fails("message.catalog.providers[0].descriptor.images[0].url core.format")},
	{"work-opportunities/search/search request - based on job code and title.json", fails("context.message_id core.format")},
	{"work-opportunities/search/search request - based on job provider.json", fails("context.message_id core.format")},
	{"work-opportunities/search/search request - based on job title and provider location.json", fails("context.message_id core.format")},
	{"work-opportunities/search/search request - based on job title.json", fails("context.message_id core.format")},
	{"work-opportunities/search/search request - based on provider and location.json", fails("context.message_id core.format")},
	{"work-opportunities/search/search request - based on provider and multiple locations.json", fails("context.message_id core.format")},
	{"work-opportunities/search/search request - based on skills.json", fails("context.message_id core.format", "message.intent.item core.type")},
	{"work-opportunities/search/search request - only provider location.json", fails("context.message_id core.format")},
	{"work-opportunities/select/on_select.json", pass},
	{"work-opportunities/select/select.json", fails("context.message_id core.format")},
	{"work-opportunities/status/on_status.json", pass},
	{"work-opportunities/status/status.json", pass},
	{"work-opportunities/support/on_support.json", fails("message.support.url core.format")},
	{"work-opportunities/support/support-with-callback.json", pass},
	{"work-opportunities/support/support.json", pass},
	{"work-opportunities/tags.json", fails(" json.syntax")},
	{"work-opportunities/track/on_track.json", fails("message.tracking.url core.format")},
	{"work-opportunities/track/track.json", pass},
	{"work-opportunities/update/on_update.json", pass},
	{"work-opportunities/update/update-skill.json", pass},
}

func TestFixtures(t *testing.T) {
	root := testutil.SharedDir(t, "fixtures", "dsep-examples")
	v := New()
	listed := map[string]bool{}
	for _, c := range fixtureCases {
		listed[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(root, c.file))
			if err != nil {
				t.Fatal(err)
			}
			r := v.Validate("", body)
			var got []string
			for _, f := range r.Findings {
				if f.Severity == SeverityError {
					got = append(got, f.Path+" "+f.Rule)
					if f.Code == "" || f.Message == "" {
						t.Errorf("finding without code or message: %+v", f)
					}
				}
			}
			want := slices.Clone(c.errors)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("error findings differ\n got: %q\nwant: %q", got, want)
			}
			if r.HasErrors() != (len(c.errors) > 0) {
				t.Errorf("HasErrors() = %v with %d expected errors", r.HasErrors(), len(c.errors))
			}
		})
	}
	// Every example file must be in the table, so a new fixture cannot slip by.
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") || strings.Contains(d.Name(), "postman-collection") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if !listed[filepath.ToSlash(rel)] {
			t.Errorf("%s has no expected outcome in fixtureCases", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
