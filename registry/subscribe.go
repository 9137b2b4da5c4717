package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/onest-seeker/seeker/signing"
)

// Subscribe sends record to the registry's /subscribe, signed with signer
// (the registry checks the signature against the key being registered or
// already verified), with a fresh nonce, and returns the status the
// registry answers (normally UNDER_SUBSCRIPTION; it then calls our
// on_subscribe with a challenge). client supplies BaseURL and HTTP; its own
// Signer is not used, because subscribe is always signed.
func Subscribe(ctx context.Context, client *Client, signer *signing.Signer, record Subscriber) (string, error) {
	if signer == nil {
		return "", &Error{Op: "subscribe", Kind: ErrNoSigner}
	}
	m := record.record()
	m["nonce"] = signing.NewUniqueKeyID()
	body, err := json.Marshal(m)
	if err != nil {
		return "", &Error{Op: "subscribe", Kind: ErrUnparsable, Err: err}
	}
	c := *client
	c.Signer = signer
	raw, err := c.post(ctx, "subscribe", body)
	if err != nil {
		return "", err
	}
	var ans struct {
		Status  string          `json:"status"`
		Message json.RawMessage `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		return "", &Error{Op: "subscribe", URL: c.endpoint("subscribe"), Kind: ErrUnparsable, Detail: clip(string(raw)), Err: err}
	}
	if e := strings.TrimSpace(string(ans.Error)); e != "" && e != "null" && e != "{}" {
		return "", &Error{Op: "subscribe", URL: c.endpoint("subscribe"), Kind: ErrStatus, Detail: "registry refused: " + clip(e)}
	}
	if ans.Status == "" {
		return "", &Error{Op: "subscribe", URL: c.endpoint("subscribe"), Kind: ErrUnparsable,
			Detail: fmt.Sprintf("no status in the answer %s", clip(string(raw)))}
	}
	return strings.ToUpper(ans.Status), nil
}
