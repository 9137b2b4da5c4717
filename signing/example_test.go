package signing_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/onest-seeker/seeker/signing"
)

// The BAP side: sign the exact bytes that will be sent.
func ExampleSigner_Sign() {
	key, err := signing.ParsePrivateKey("lP3sHA+9gileOkXYJXh4Jg8tK0gEEMbf9yCPnFpbldhrAY+NErqL9WD+Vav7TE5tyVXGXBle9ONZi2W7o144eQ==")
	if err != nil {
		panic(err)
	}
	s := &signing.Signer{SubscriberID: "example-bap.com", KeyID: "ae3ea24b-cfec-495e-81f8-044aaef164ac", Key: key}
	body := []byte(`{"context":{"action":"search"},"message":{}}`)
	fmt.Println(s.Sign(body, time.Unix(1641287875, 0), time.Unix(1641291475, 0)))
	// Output:
	// Signature keyId="example-bap.com|ae3ea24b-cfec-495e-81f8-044aaef164ac|ed25519",algorithm="ed25519",created="1641287875",expires="1641291475",headers="(created) (expires) digest",signature="HSAJAoO8W75IKPCcgYWChY2Esu3DjYpMUt1WM9Ov9mgrL3uwc0V97/xp1uULrRTTZqs4Mwb0NRIt6lAayDD4DA=="
}

// The receiving side: parse, look the key up (here: known), verify the raw
// body, and say which step failed.
func ExampleVerifier_VerifyFor() {
	pub, _ := signing.ParsePublicKey("awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk=")
	h, err := signing.ParseHeader(`Signature keyId="example-bap.com|ae3ea24b-cfec-495e-81f8-044aaef164ac|ed25519",algorithm="ed25519",created="1641287875",expires="1641291475",headers="(created) (expires) digest",signature="HSAJAoO8W75IKPCcgYWChY2Esu3DjYpMUt1WM9Ov9mgrL3uwc0V97/xp1uULrRTTZqs4Mwb0NRIt6lAayDD4DA=="`)
	if err != nil {
		panic(err)
	}
	v := signing.Verifier{Now: func() time.Time { return time.Unix(1641288000, 0) }}
	body := []byte(`{"context":{"action":"search"},"message":{}}`)
	fmt.Println(v.VerifyFor(body, h, pub, "example-bap.com"))

	err = v.VerifyFor(append(body, '\n'), h, pub, "example-bap.com")
	var ve *signing.VerifyError
	if errors.As(err, &ve) {
		fmt.Println(ve.Step)
	}
	// Output:
	// <nil>
	// signature
}
