package bpp

import (
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/onest-seeker/seeker/beckn"
)

// Life after confirm: the provider moves the order on by itself and tells
// the BAP with unsolicited on_status / on_update callbacks (new message
// ids, same transaction id), as ONEST's financial-support guide says
// providers may and DSEP's examples show. The delays below are real-world
// scale; Config.TimeScale divides them (tests use 100).
const (
	timelineFirst  = 30 * time.Second
	timelineSecond = 60 * time.Second
)

// timelineStep is one provider-initiated change, after the previous one.
type timelineStep struct {
	after  time.Duration
	action string // on_status or on_update
	apply  func(b *BPP, a *application, now time.Time)
}

// timelines per domain: application shortlisted then offer (work),
// approved then disbursed (financial), in progress then completed with a
// certificate (learning), rescheduled (expert).
var timelines = map[string][]timelineStep{
	domainWork: {
		{timelineFirst, "on_status", func(b *BPP, a *application, now time.Time) {
			a.setState("ASSESSMENT-IN-PROGRESS", now)
		}},
		{timelineSecond, "on_update", func(b *BPP, a *application, now time.Time) {
			a.setState("OFFER-EXTENDED", now)
			a.FulTags = append(a.FulTags, TagGroup{Code: "documents", Name: "Documents", List: []Tag{
				{"doc-type", "Document type", "provisional-offer-letter"},
				{"link", "Link", b.cfg.BaseURL + "/certificates/" + a.OrderID},
				{"file-format", "File format", "html"},
			}})
		}},
	},
	domainFinancial: {
		{timelineFirst, "on_status", func(b *BPP, a *application, now time.Time) {
			a.setState("APPLICATION-APPROVED", now)
		}},
		{timelineSecond, "on_update", func(b *BPP, a *application, now time.Time) {
			a.setState("AMOUNT-DISBURSED", now)
			a.Disbursed = true
		}},
	},
	domainLearning: {
		{timelineFirst, "on_status", func(b *BPP, a *application, now time.Time) {
			a.setState("IN-PROGRESS", now)
		}},
		{timelineSecond, "on_update", func(b *BPP, a *application, now time.Time) { b.complete(a, now) }},
	},
	domainExpert: {
		{timelineFirst, "on_update", func(b *BPP, a *application, now time.Time) {
			if a.SlotStart.IsZero() {
				a.SlotStart = now.Add(24 * time.Hour).Truncate(time.Hour)
				a.SlotEnd = a.SlotStart.Add(time.Hour)
			}
			a.SlotStart, a.SlotEnd = a.SlotStart.Add(24*time.Hour), a.SlotEnd.Add(24*time.Hour)
			a.State, a.StateName, a.UpdatedAt = "RESCHEDULED", "Session rescheduled by the mentor", now
		}},
	},
}

// complete marks a course completed with its certificate and badge
// (course-completion-details on the fulfillment, as every ONEST example
// puts it). Caller holds mu.
func (b *BPP) complete(a *application, now time.Time) {
	if a.State == "COMPLETED" {
		return
	}
	a.setState("COMPLETED", now)
	a.Status = "COMPLETE"
	a.FulTags = append(a.FulTags, TagGroup{Code: "course-completion-details", Name: "Course completion details", List: []Tag{
		{"course-certificate", "Course certificate", b.cfg.BaseURL + "/certificates/" + a.OrderID},
		{"course-badge", "Course badge", "https://images.example.org/badges/" + strings.ToLower(a.Item.ID) + ".png"},
		{"completion-timestamp", "Completion timestamp", ts(now)},
	}})
}

// startTimeline schedules the domain's steps for a just-confirmed order.
// Steps run one after the other (each schedules the next), so a loaded
// machine cannot reorder them; each re-checks the order under the lock,
// so a cancelled or completed order stops moving. Caller holds mu.
func (b *BPP) startTimeline(a *application) {
	if a.timelineOn {
		return
	}
	a.timelineOn = true
	b.scheduleStep(a, 0)
}

func (b *BPP) scheduleStep(a *application, i int) {
	steps := timelines[b.cfg.Domain]
	if i >= len(steps) {
		return
	}
	b.after(b.scaled(steps[i].after), func() {
		if b.runStep(a, steps[i]) {
			b.scheduleStep(a, i+1)
		}
	})
}

// runStep applies one timeline step and tells the BAP, unless the order
// stopped being active (cancelled, completed) in the meantime; it reports
// whether the step ran.
func (b *BPP) runStep(a *application, step timelineStep) bool {
	b.mu.Lock()
	if a.Status != "ACTIVE" {
		b.mu.Unlock()
		return false
	}
	step.apply(b, a, b.now())
	msg := beckn.OrderMessage{Order: b.renderOrder(a, nil)}
	to, ok := a.Ctx, a.HasCtx
	b.mu.Unlock()
	b.unsolicitedSync(to, ok, step.action, msg)
	return true
}

// newSlot reads the new session time of an expert-connect update from
// fulfillments[0].time.range (the collection's 0.9-style shape) or
// fulfillments[0].stops[0].time.range (core 1.1.0).
func newSlot(raw jsontext.Value) (start, end time.Time, ok bool) {
	var m struct {
		Order struct {
			Fulfillments []struct {
				Time  *beckn.Time  `json:"time,omitzero"`
				Stops []beckn.Stop `json:"stops,omitempty"`
			} `json:"fulfillments,omitempty"`
		} `json:"order"`
	}
	if beckn.Unmarshal(raw, &m) != nil || len(m.Order.Fulfillments) == 0 {
		return start, end, false
	}
	f := m.Order.Fulfillments[0]
	t := f.Time
	if t == nil && len(f.Stops) > 0 {
		t = f.Stops[0].Time
	}
	if t == nil || t.Range == nil {
		return start, end, false
	}
	start, err1 := parseLooseTime(t.Range.Start)
	end, err2 := parseLooseTime(t.Range.End)
	if err1 != nil || err2 != nil || !end.After(start) {
		return start, end, false
	}
	return start, end, true
}

// parseLooseTime reads RFC 3339 or the collection's zone-less
// "2023-02-20T23:23:16" (taken as IST, the sandbox's users' zone).
func parseLooseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", s, time.FixedZone("IST", 5*3600+1800))
	return t.UTC(), err
}
