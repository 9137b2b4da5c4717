package schema

// domainPolicy is the ONEST policy of one domain as published in
// ONEST-Specification (main): schema_definitions_and_enums.md,
// recommended_tags.md and mandatory_fields.md per domain, condensed in
// onest-domain.md §3–§5.
//
// Mandatory paths are relative to message; "a[]" means every element of a
// non-empty array a, "x|y" at least one of x and y, "p or q" either path.
// Where the published lists contradict the published examples, the rule
// follows the examples and says why in a comment: the examples are what
// providers copy, and a rule that rejects ONEST's own example helps nobody.
type domainPolicy struct {
	domain           string
	states           []string
	fulfillmentTypes []string
	stopTypes        []string
	tags             map[string]string   // group code → space-separated tag codes
	mandatory        map[string]string   // action → one requirement per line
	context          map[string][]string // action → context members mandatory beyond the common ones
}

// distributorTags is the seeker-side distributor/agent group ONEST allows on
// confirm in every documented domain (onest-domain.md §5.3).
const distributorTags = "distributor-id distributor-name distributor-phone distributor-email agent-id agent-name agent-phone agent-email agent-verified"

const academicEligibilityTags = "course-name course-specialisation course-level course-status issued-by min-marks min-grade min-gpa min-percentage mandatory-eligibility additional-eligibility-criteria"

var domainPolicies = []domainPolicy{
	{
		domain:           DomainLearning,
		states:           []string{"NOT-STARTED", "IN-PROGRESS", "COMPLETED", "ACTIVE", "EXPIRED"},
		fulfillmentTypes: []string{"IN-PERSON", "ONLINE", "HYBRID"},
		stopTypes:        []string{"BPP-EMBEDDABLE-PLAYER", "BAP-CUSTOM-PLAYER", "BPP-REMOTE-PLAYER", "IN-PERSON"},
		tags: map[string]string{
			// learning-objective is used by every example but missing from the table.
			"content-metadata": "learner-level prerequisite lang-code course-duration learning-objective",
			// Documented on Item; every example puts it on Fulfillment. Both are accepted.
			"course-completion-details":        "course-certificate course-badge completion-timestamp",
			"professional-details":             "profession",
			"distributor-details":              distributorTags,
			"scholarship-metadata":             "scholarship-bpp-id scholarship-bpp-uri scholarship-provider-id scholarship-item-id",
			"scholarship-application-metadata": "scholarship-id",
		},
		mandatory: map[string]string{
			// The list also wants providers[].fulfillments[].{id,type} and
			// items[].fulfillment_ids; the learning-experiences on_search
			// example has fulfilments with only an agent and items without
			// fulfillment_ids (online courses), so they are not enforced.
			"on_search": `
				catalog.descriptor.name
				catalog.providers[].id
				catalog.providers[].descriptor.name
				catalog.providers[].items[].id
				catalog.providers[].items[].descriptor.name
				catalog.providers[].items[].descriptor.long_desc
				catalog.providers[].items[].price.currency
				catalog.providers[].items[].price.value|minimum_value|maximum_value`,
			// The example select sends provider.id and items[].id, as listed.
			"select": `
				order.provider.id
				order.items[].id`,
			// The list writes the price under message.catalog (sic: on_select
			// carries an order) and wants provider.fulfillments[] with id and
			// type and items[].fulfillment_ids; the example has neither
			// fulfilment ids nor types. Price is checked where the example
			// has it, on the items.
			"on_select": `
				order.provider.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.items[].price.currency
				order.items[].price.value|minimum_value|maximum_value`,
			// The list wants items[].fulfillment_ids and fulfillments[].id;
			// the init example identifies the learner's fulfilment by its
			// customer only (courses have one fulfilment).
			"init": `
				order.provider.id
				order.items[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.contact.phone|email`,
			// As on_select; fulfillments[].state is listed but the on_init
			// examples (payment terms) have no state.
			"on_init": `
				order.provider.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.items[].price.currency
				order.items[].price.value|minimum_value|maximum_value
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.contact.phone|email`,
			"confirm": `
				order.provider.id
				order.items[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.contact.phone|email`,
			// provider.locations[].id is listed but online courses (all the
			// examples) have no location; fulfilment ids are absent from the
			// examples too.
			"on_confirm": `
				order.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.items[].price.currency
				order.items[].price.value|minimum_value|maximum_value
				order.fulfillments[].state.descriptor.code
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.contact.phone|email`,
			"on_status": `
				order.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].price.currency
				order.items[].price.value|minimum_value|maximum_value
				order.fulfillments[].state.descriptor.code
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.contact.phone|email`,
		},
	},
	{
		domain: DomainWork,
		states: []string{"APPLICATION-STARTED", "APPLICATION-IN-PROGRESS", "APPLICATION-FILLED", "APPLICATION-SUBMITTED",
			"APPLICATION-REJECTED", "ASSESSMENT-IN-PROGRESS", "OFFER-EXTENDED", "OFFER-ACCEPTED", "OFFER-REJECTED"},
		fulfillmentTypes: []string{"REMOTE", "HYBRID", "ONSITE"},
		tags: map[string]string{
			"academic-eligibility": academicEligibilityTags,
			"job-requirements":     "req-experience req-prof-skill",
			"job-responsibilities": "responsibility",
			"listing-details":      "industry-type department employment-type job-role",
			"salary-info":          "gross-min gross-max allowance additional-info",
			"emp-details":          "current-salary expected-salary current-employer total-experience",
			// The summary table says "document"; every example says "documents".
			"documents":           "doc-type link file-format",
			"required-docs":       "mandatory-doc optional-doc",
			"distributor-details": distributorTags,
		},
		mandatory: map[string]string{
			// As learning experiences without price; the list's
			// providers[].fulfillments[].{id,type} and items[].fulfillment_ids
			// hold in the work-opportunities example.
			"on_search": `
				catalog.descriptor.name
				catalog.providers[].id
				catalog.providers[].descriptor.name
				catalog.providers[].fulfillments[].id
				catalog.providers[].fulfillments[].type
				catalog.providers[].items[].id
				catalog.providers[].items[].descriptor.name
				catalog.providers[].items[].descriptor.long_desc
				catalog.providers[].items[].fulfillment_ids[]`,
			"select": `
				order.provider.id
				order.items[].id`,
			// provider.id is listed for on_select and on_init, but the
			// work-opportunities on_select, on_init and on_confirm examples
			// send the provider with a name only (id null); the item ids are
			// what a later call needs, so provider.id is not enforced on
			// callbacks.
			"on_select": `
				order.provider.descriptor.name
				order.provider.fulfillments[].id
				order.provider.fulfillments[].type
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.items[].fulfillment_ids[]`,
			// items[].fulfillment_ids is listed, but the init example sends
			// the items without it (the chosen fulfilment is in
			// fulfillments[].id); confirm has both, as listed.
			"init": `
				order.provider.id
				order.items[].id
				order.fulfillments[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.contact.phone|email`,
			// fulfillments[].state is listed for on_init, on_confirm and
			// on_status; the examples carry no state at all.
			"on_init": `
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.items[].fulfillment_ids[]
				order.fulfillments[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.contact.phone
				order.fulfillments[].customer.contact.email`,
			"confirm": `
				order.provider.id
				order.items[].id
				order.items[].fulfillment_ids[]
				order.fulfillments[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.contact.phone
				order.fulfillments[].customer.contact.email`,
			"on_confirm": `
				order.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.items[].fulfillment_ids[]
				order.fulfillments[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.contact.phone
				order.fulfillments[].customer.contact.email`,
			"on_status": `
				order.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].fulfillment_ids[]
				order.fulfillments[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.contact.phone
				order.fulfillments[].customer.contact.email`,
		},
	},
	{
		domain: DomainFinancial,
		// The financial-support list adds context.ttl to on_select: the
		// quote it carries is only valid for that long.
		context: map[string][]string{"on_select": {"ttl"}},
		states: []string{"APPLICATION-STARTED", "APPLICATION-IN-PROGRESS", "APPLICATION-FILLED", "APPLICATION-SUBMITTED",
			"APPLICATION-APPROVED", "APPLICATION-REJECTED", "AMOUNT-DISBURSED"},
		// No fulfilment type list is published (the guide's example uses
		// SCHOLARSHIP). The DSEP financial-support examples (dsep:scholarships,
		// versions 0.6.0/0.7.0) omit long_desc, age and contact that the ONEST
		// list requires; they are a different, older version, so the ONEST
		// list stands and those examples fail on context.version anyway.
		tags: map[string]string{
			"background-eligibility": "social-eligibility gender-eligibility ann-hh-inc additional-eligibility-criteria",
			"academic-eligibility":   academicEligibilityTags,
			"required-docs":          "mandatory-doc optional-doc",
			"additional-info":        "faq-url tnc-url additional-info",
			"distributor-details":    distributorTags,
		},
		mandatory: map[string]string{
			"on_search": `
				catalog.descriptor.name
				catalog.providers[].id
				catalog.providers[].descriptor.name
				catalog.providers[].items[].id
				catalog.providers[].items[].descriptor.name
				catalog.providers[].items[].descriptor.long_desc
				catalog.providers[].items[].price.currency
				catalog.providers[].items[].price.value|minimum_value|maximum_value`,
			"select": `
				order.provider.id
				order.items[].id`,
			"on_select": `
				order.provider.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc`,
			"init": `
				order.provider.id
				order.items[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.contact.phone|email`,
			// context.location is also listed for on_init only (sic,
			// onest-domain.md Appendix B.12); core keeps it optional and no
			// other call needs it, so it is not enforced.
			"on_init": `
				order.provider.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.items[].fulfillment_ids[]
				order.fulfillments[].id
				order.fulfillments[].state.descriptor.code
				order.fulfillments[].state.descriptor.name
				order.fulfillments[].state.updated_at
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.contact.phone
				order.fulfillments[].customer.contact.email`,
			"confirm": `
				order.provider.id
				order.items[].id
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.contact.phone
				order.fulfillments[].customer.contact.email`,
			"on_confirm": `
				order.id
				order.provider.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.fulfillments[].id
				order.fulfillments[].state.descriptor.code
				order.fulfillments[].state.descriptor.name
				order.fulfillments[].state.updated_at
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.contact.phone
				order.fulfillments[].customer.contact.email`,
			// The list names no context fields for on_status (an omission);
			// the context rules of every message apply anyway.
			"on_status": `
				order.id
				order.provider.id
				order.provider.descriptor.name
				order.items[].id
				order.items[].descriptor.name
				order.items[].descriptor.long_desc
				order.fulfillments[].id
				order.fulfillments[].state.descriptor.code
				order.fulfillments[].state.descriptor.name
				order.fulfillments[].state.updated_at
				order.fulfillments[].customer.person.name
				order.fulfillments[].customer.person.age
				order.fulfillments[].customer.person.gender
				order.fulfillments[].customer.contact.phone
				order.fulfillments[].customer.contact.email`,
		},
	},
	{
		// Expert connect has no published guide, enums, tags or mandatory
		// fields (all four documents are TODO); only the context rules apply.
		domain: DomainExpert,
	},
}
