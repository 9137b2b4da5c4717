package bpp

// Reference data: everything the ONEST sandbox Postman collection
// (../shared/fixtures/postman/onest-sandbox-collection.json) refers to must
// exist in the reference provider (index 0) of each domain, so that every
// request of the collection completes with a success callback. The ids are
// copied from the collection's request bodies; the rest is generated.

// Item ids the collection selects, inits or confirms, per domain.
const (
	RefCourseItem      = "Q291cnNlTGlzdDovbmQyX2NlYzIzX2NzMDI="
	RefJobItemSelect   = "1"
	RefJobItemInit     = "D7F8606A370DA9966DF15E62A81C374B"
	RefJobItemConfirm  = "8A690F158A37965A2CC0E69EC8B360B2"
	RefScholarshipItem = "SCM_63587501"
	RefScholarshipProv = "BX213573733"
	RefScholarshipFul  = "DSEP_FUL_63587501"
	RefSessionSelect   = "ACE6EDB6A9E03F9D2B1047B48B05651F"
	RefSessionInit     = "63f1ebc423df082856936510"
	RefSessionInitSlot = "3f8fb3a3-f018-40e6-9b96-8b7bbd5df965"
	RefSessionConfirm  = "6A90C7D825D3BB951BDDF213CC29BBD4"
	RefCancelReasonID  = "12"
	RefOrderShared     = "a9aaecca-10b7-4d19-b640-b047a7c621961676906777032"
	RefOrderCancel     = "3c4f7ebf-4f77-4044-a8fe-63d690c0ecb1"
	RefOrderTrack      = "1677140405881"
	RefOrderStatus     = "1690976236928"
	RefOrderFSStatus   = "APP_58605054"
	RefOrderFSTrack    = "APP_53280729"
	RefOrderFSSupport  = "APP_79194572"
	RefOrderECTrack    = "3159f713-120e-4e7e-beae-6a638fb5df55"
)

// Ids of the DSEP examples (../shared/fixtures/dsep-examples), whose
// "Infosys Springboard" catalog the ONEST sandbox's mock BPP also serves.
const (
	DSEPCourseProvider = "INFOSYS"
	DSEPCourseItem     = "d4975df5-b18c-4772-80ad-368669856d52"
	DSEPJobItem        = "a23f2fdfbbb8ac402bf259d75402eb0792f50c095f7d08a55475e7af1c2dadca"
	DSEPOrder          = "12424kh"
	DSEPCourseOrder    = "d4975df5"
)

// referenceOrders lists, per domain, the order ids the collection's status,
// update, track, cancel, support and rating requests name (and those of the
// DSEP examples). New seeds them as confirmed orders of reference items.
var referenceOrders = map[string][]string{
	domainLearning:  {RefOrderShared, RefOrderCancel, RefOrderTrack, DSEPOrder, DSEPCourseOrder},
	domainWork:      {RefOrderShared, RefOrderCancel, RefOrderTrack, RefOrderStatus},
	domainFinancial: {RefOrderShared, RefOrderCancel, RefOrderFSStatus, RefOrderFSTrack, RefOrderFSSupport, DSEPOrder},
	domainExpert:    {RefOrderShared, RefOrderCancel, RefOrderStatus, RefOrderECTrack},
}

// referenceItem returns the reference item that seeded orders use.
func referenceItem(domain string) (providerID, itemID string) {
	switch domain {
	case domainLearning:
		return "unacademy", RefCourseItem
	case domainWork:
		return "1", RefJobItemConfirm
	case domainFinancial:
		return RefScholarshipProv, RefScholarshipItem
	default:
		return "coursera", RefSessionInit
	}
}

// addReferenceItems adds the collection's items to the reference catalog,
// with names that make its searches ("javascript courses", "Courses for
// teacher", "Developer", "Engineer", "scholarship for undergraduate", "man")
// find something.
func addReferenceItems(g *gen, c *Catalog) {
	switch c.Domain {
	case domainLearning:
		p := c.Provider("unacademy")
		js := g.course(p, RefCourseItem, courseTopics[0]) // JavaScript for Web Developers
		js.Name = "JavaScript for Web Developers"
		js.LocationIDs = []string{"1"}
		p.Items = append(p.Items, js)
		teach := g.course(p, "CRS-UNACADEMY-TEACH", courseTopics[5])
		teach.Name = "Digital Pedagogy: Courses for Teachers in School Education"
		teach.CategoryIDs = []string{"SCHOOL", "TEACHER-TRAINING"}
		teach.LocationIDs = []string{"1"}
		p.Items = append(p.Items, teach)
		inf := g.provider(providerSeed{DSEPCourseProvider, "Infosys Springboard", "Infosys Springboard Digital literacy program", []string{"Bengaluru"}})
		eng := g.course(inf, DSEPCourseItem, courseTopics[3]) // Spoken English
		eng.Name = "Everyday Conversational English"
		inf.Items = append(inf.Items, eng)
		c.Providers = append(c.Providers, inf)
	case domainWork:
		p := c.Provider("1")
		full := g.job(p, RefJobItemSelect, jobRoles[0])
		full.Name = "Full Stack Developer"
		full.LocationIDs, full.FulfillmentIDs = []string{"1"}, []string{"1", "2"}
		db := g.job(p, RefJobItemInit, jobRoles[0])
		db.Name = "Database Engineer"
		db.LocationIDs, db.FulfillmentIDs = []string{"1", "3"}, []string{"1", "2", "3"}
		mob := g.job(p, RefJobItemConfirm, jobRoles[len(jobRoles)-1]) // Mobile App Developer: flutter, kotlin
		mob.Name = "Flutter Developer"
		mob.LocationIDs, mob.FulfillmentIDs = []string{"1", "2"}, []string{"1", "2"}
		staff := g.job(p, DSEPJobItem, jobRoles[len(jobRoles)-1])
		staff.Name = "Staff Mobile Developer"
		staff.LocationIDs, staff.FulfillmentIDs = []string{"1"}, []string{"1", "2", "3"}
		p.Items = append(p.Items, full, db, mob, staff)
	case domainFinancial:
		p := c.Provider(RefScholarshipProv)
		p.Fulfillments = append(p.Fulfillments, Fulfillment{ID: RefScholarshipFul, Type: "SCHOLARSHIP"})
		s := g.scholarship(p, RefScholarshipItem, scholarshipSchemes[3])
		s.Name = "XYZ Undergraduation scholarship for Economically Backward Female Students"
		s.FulfillmentIDs = []string{RefScholarshipFul}
		s.Price, s.PriceMax = 30000, 30000
		p.Items = append(p.Items, s)
		pm := c.Provider("pmcare")
		ug := g.scholarship(pm, "SCH-PMCARE-UG", scholarshipSchemes[0])
		ug.Name = "PM Care Scholarship for Undergraduate Students"
		pm.Items = append(pm.Items, ug)
	case domainExpert:
		p := c.Provider("coursera")
		tm := g.session(p, RefSessionSelect, sessionTopics[0], nil)
		tm.Name = "Time Management Coaching for Managers"
		in := g.session(p, RefSessionInit, sessionTopics[1], []string{RefSessionInitSlot, RefSessionInit + "-S2"})
		mock := g.session(p, RefSessionConfirm, sessionTopics[2], nil)
		p.Items = append(p.Items, tm, in, mock)
	}
}
