package sandbox

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/onest-seeker/seeker/beckn"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
)

// Description is the describe document integrators and scripts read to find
// every participant (seeker sandbox --describe FILE). The keys registry,
// gateway, telemetry and participants (subscriber_id, type, domains, url,
// unique_key_id, signing_public_key) are fixed by issue 3; the others are
// additions a BAP needs to join (the registry's keys for the on_subscribe
// challenge, the admin key) and to choose peers (reference providers).
type Description struct {
	Registry string `json:"registry"`
	Gateway  string `json:"gateway"`
	// Telemetry is the ingest URL (set it as the BAP's telemetry endpoint);
	// TelemetryEvents lists what arrived.
	Telemetry       string `json:"telemetry"`
	TelemetryEvents string `json:"telemetry_events"`

	RegistrySubscriberID     string `json:"registry_subscriber_id"`
	RegistryKeyID            string `json:"registry_unique_key_id"`
	RegistrySigningPublicKey string `json:"registry_signing_public_key"`
	RegistryEncrPublicKey    string `json:"registry_encr_public_key"`
	// AdminKey is the Bearer key of the admin endpoints: the registry's
	// /admin/subscribers, /admin/bpps/{id}/faults and the telemetry
	// sink's /admin/fail.
	AdminKey  string    `json:"admin_key"`
	RelayMode RelayMode `json:"relay_mode"`
	Seed      int64     `json:"seed"`
	TimeScale float64   `json:"time_scale,omitempty"`

	Participants []Participant `json:"participants"`
}

// Participant is one subscriber of the network as the describe document
// lists it.
type Participant struct {
	SubscriberID     string   `json:"subscriber_id"`
	Type             string   `json:"type"`
	Domains          []string `json:"domains"`
	URL              string   `json:"url"`
	UniqueKeyID      string   `json:"unique_key_id"`
	SigningPublicKey string   `json:"signing_public_key"`
	EncrPublicKey    string   `json:"encr_public_key"`
	// Reference marks the first BPP of a domain, which holds every item,
	// provider and order id the ONEST Postman collection refers to.
	Reference bool   `json:"reference,omitempty"`
	Name      string `json:"name,omitempty"`
	City      string `json:"city,omitempty"`
	// Faults is the BPP's current misbehaviour in bpp.ParseFaults form.
	Faults string `json:"faults,omitempty"`
}

func participant(id Identity, typ, url string, domains ...string) Participant {
	return Participant{SubscriberID: id.SubscriberID, Type: typ, Domains: domains, URL: url, UniqueKeyID: id.UniqueKeyID,
		SigningPublicKey: signing.EncodePublicKey(id.SigningPublic), EncrPublicKey: signing.EncodeX25519PublicKey(id.EncryptionPublic)}
}

// Description returns the describe document: the gateway first, then the
// BPPs in the order they were configured, so the first BPP listed for a
// domain is its reference provider.
func (n *Network) Description() Description {
	d := Description{
		Registry: n.regURL, Gateway: n.gwURL,
		Telemetry: n.telURL + TelemetryIngestPath, TelemetryEvents: n.telURL + "/events",
		RegistrySubscriberID: n.regID.SubscriberID, RegistryKeyID: n.regID.UniqueKeyID,
		RegistrySigningPublicKey: signing.EncodePublicKey(n.regID.SigningPublic),
		RegistryEncrPublicKey:    signing.EncodeX25519PublicKey(n.regID.EncryptionPublic),
		AdminKey:                 n.adminKey, RelayMode: n.opts.Relay, Seed: n.opts.Seed, TimeScale: n.opts.TimeScale,
	}
	d.Participants = append(d.Participants, participant(n.gwID, registry.TypeBG, n.gwURL, beckn.Domains()...))
	for _, b := range n.bpps {
		p := participant(b.id, registry.TypeBPP, b.url, b.spec.Domain)
		p.Reference, p.City = b.reference, b.spec.City
		p.Name = b.spec.Name
		if p.Name == "" {
			if c := b.bpp.Catalog(); c != nil {
				p.Name = c.Name
			}
		}
		p.Faults = b.bpp.Faults().String()
		d.Participants = append(d.Participants, p)
	}
	return d
}

// WriteDescription writes the describe document to path atomically, so a
// script polling for the file never reads half of it.
func (n *Network) WriteDescription(path string) error {
	b, err := json.MarshalIndent(n.Description(), "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return fmt.Errorf("describe file: %w", err)
	}
	return nil
}

// ReadDescription reads a describe file written by WriteDescription.
func ReadDescription(path string) (Description, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Description{}, err
	}
	var d Description
	if err := json.Unmarshal(b, &d); err != nil {
		return Description{}, fmt.Errorf("describe file %s: %w", path, err)
	}
	return d, nil
}
