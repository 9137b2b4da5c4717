package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/onest-seeker/seeker/sandbox/bpp"
)

// Config is the configuration file of "seeker sandbox --config FILE": the
// Options in JSON, with faults in the compact bpp.ParseFaults form. Unknown
// keys are refused, so a typo does not silently run the default network.
//
//	{
//	  "base_port": 7400, "relay": "gateway", "seed": 1, "time_scale": 20,
//	  "state_dir": "sandbox-state", "seed_file": "my-participants.json",
//	  "bpps": [{"domain": "onest:work-opportunities", "faults": "delay=2s"}],
//	  "extra_bpps": [{"subscriber_id": "slow-bpp.sandbox.local", "domain": "onest:learning-experiences", "faults": "delay=20s"}]
//	}
type Config struct {
	Addr      string  `json:"addr,omitempty"`
	BasePort  *int    `json:"base_port,omitempty"`
	StateDir  string  `json:"state_dir,omitempty"`
	Relay     string  `json:"relay,omitempty"`
	AdminKey  string  `json:"admin_key,omitempty"`
	Seed      *int64  `json:"seed,omitempty"`
	TimeScale float64 `json:"time_scale,omitempty"`
	// SeedFile is a JSON list of registry records to store at start.
	SeedFile  string      `json:"seed_file,omitempty"`
	BPPs      []BPPConfig `json:"bpps,omitempty"`
	ExtraBPPs []BPPConfig `json:"extra_bpps,omitempty"`
}

// BPPConfig is one BPP of a Config.
type BPPConfig struct {
	SubscriberID string `json:"subscriber_id,omitempty"`
	Domain       string `json:"domain"`
	Name         string `json:"name,omitempty"`
	City         string `json:"city,omitempty"`
	Faults       string `json:"faults,omitempty"`
}

// LoadConfig reads a Config file.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("sandbox config: %w", err)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("sandbox config %s: %w", path, err)
	}
	return c, nil
}

// Apply fills o from c (only what c sets) and returns the result; the
// seed file is read here so that its errors name the file.
func (c Config) Apply(o Options) (Options, error) {
	if c.Addr != "" {
		o.Addr = c.Addr
	}
	if c.BasePort != nil {
		o.BasePort = *c.BasePort
	}
	if c.StateDir != "" {
		o.StateDir = c.StateDir
	}
	if c.Relay != "" {
		m, err := ParseRelayMode(c.Relay)
		if err != nil {
			return o, err
		}
		o.Relay = m
	}
	if c.AdminKey != "" {
		o.AdminKey = c.AdminKey
	}
	if c.Seed != nil {
		o.Seed = *c.Seed
	}
	if c.TimeScale != 0 {
		o.TimeScale = c.TimeScale
	}
	if c.SeedFile != "" {
		recs, err := LoadSeedFile(c.SeedFile)
		if err != nil {
			return o, err
		}
		o.Subscribers = append(o.Subscribers, recs...)
	}
	var err error
	if c.BPPs != nil {
		if o.BPPs, err = bppSpecs(c.BPPs); err != nil {
			return o, err
		}
	}
	if c.ExtraBPPs != nil {
		extra, err := bppSpecs(c.ExtraBPPs)
		if err != nil {
			return o, err
		}
		o.ExtraBPPs = append(o.ExtraBPPs, extra...)
	}
	return o, nil
}

func bppSpecs(cs []BPPConfig) ([]BPPSpec, error) {
	out := make([]BPPSpec, 0, len(cs))
	for i, c := range cs {
		f, err := bpp.ParseFaults(c.Faults)
		if err != nil {
			return nil, fmt.Errorf("BPP %d (%s %s): %w", i, c.SubscriberID, c.Domain, err)
		}
		out = append(out, BPPSpec{SubscriberID: c.SubscriberID, Domain: c.Domain, Name: c.Name, City: c.City, Faults: f})
	}
	return out, nil
}
