package schema

import (
	"slices"
	"sync"
	"testing"
)

// One Validator serves every goroutine of the engine; pooled parse arenas
// must never leak one message's nodes into another's result.
func TestValidatorConcurrentUse(t *testing.T) {
	v := New()
	bodies := [][]byte{
		msg(t, validSelect),
		msg(t, validSelect, "message.order.items.0.id", 42),
		msg(t, validInit, "context.action", "init", "message.order.fulfillments.0.customer.person.gender", "M"),
		[]byte(`{"context": {`),
		msg(t, validOnStatus, "context.action", "on_status", "context.domain", "dsep:scholarships"),
	}
	want := make([][]Finding, len(bodies))
	for i, b := range bodies {
		want[i] = v.Validate("", b).Findings
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 40; n++ {
				i := (g + n) % len(bodies)
				if got := v.Validate("", bodies[i]).Findings; !slices.Equal(got, want[i]) {
					errs <- string(bodies[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for b := range errs {
		t.Errorf("concurrent result differs from the serial one for %s", b)
	}
}

// NotJSON tells a body that does not parse from one that parses with
// findings: receivers use it as their well-formedness check.
func TestNotJSON(t *testing.T) {
	v := New()
	for body, want := range map[string]bool{
		`{"context":{"action":"on_search"},"message":{"catalog":`: true,
		`{"a":1} trailing`:                              true,
		`{"s":"bad \x escape"}`:                         true,
		`{"context":{},"message":{}}`:                   false,
		"{\"context\":{},\"message\":{\"x\":\"\xff\"}}": false, // invalid UTF-8 is tolerated, as encoding/json does
	} {
		if got := v.Validate("on_search", []byte(body)).NotJSON(); got != want {
			t.Errorf("NotJSON(%q) = %v, want %v", body, got, want)
		}
	}
}
