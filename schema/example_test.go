package schema_test

import (
	"fmt"
	"strings"

	"github.com/onest-seeker/seeker/schema"
)

func ExampleValidator_Validate() {
	v := schema.New()
	body := []byte(`{"context": {"domain": "onest:learning-experiences", "action": "status", "version": "1.1.0",
		"bap_id": "bap.example.com", "bap_uri": "https://bap.example.com",
		"bpp_id": "bpp.example.com", "bpp_uri": "https://bpp.example.com",
		"transaction_id": "a9aaecca-10b7-4d19-b640-b047a7c62196", "message_id": "bb579fb8-cb82-4824-be12-fcbc405b6608",
		"timestamp": "2024-05-08T10:00:00Z"},
		"message": {"order": {"id": "order-1"}}}`)
	res := v.Validate("status", body)
	// Strict (outbound) refuses it, warn (inbound) records it and accepts.
	fmt.Println(schema.DefaultOutboundMode.Rejects(res), schema.DefaultInboundMode.Rejects(res))
	code, paths, _, _ := res.NackError()
	fmt.Println(code, paths)
	// Output:
	// true false
	// 30000 message.order_id
}

func ExampleValidator_ValidateCallback() {
	v := schema.New()
	ctx := `"context": {"domain": "onest:work-opportunities", "action": "%s", "version": "1.1.0",
		"bap_id": "bap.example.com", "bap_uri": "https://bap.example.com",
		"bpp_id": "bpp.example.com", "bpp_uri": "https://bpp.example.com",
		"transaction_id": "a9aaecca-10b7-4d19-b640-b047a7c62196", "message_id": "bb579fb8-cb82-4824-be12-fcbc405b6608",
		"timestamp": "2024-05-08T10:00:00Z"}`
	req := fmt.Sprintf(`{`+ctx+`, "message": {"order": {"provider": {"id": "acme"}, "items": [{"id": "job-1"}]}}}`, "select")
	cb := fmt.Sprintf(`{`+ctx+`, "message": {"order": {"provider": {"id": "acme", "descriptor": {"name": "Acme"}},
		"items": [{"id": "job-2", "descriptor": {"name": "Welder"}}]}}}`, "on_select")
	for _, f := range v.ValidateCallback([]byte(req), []byte(cb)).Findings {
		if strings.HasPrefix(f.Rule, "cross.") { // the callback's own findings aside
			fmt.Println(f.Code, f.Path, f.Rule)
		}
	}
	// Output:
	// 30017 message.order.items[0].id cross.item
	// 30017 message.order.items cross.item
}
