package config

import "time"

// Catalog configures the catalog cache and search index: what Seeker
// harvests from the network and answers discovery from (package catalog).
type Catalog struct {
	// HarvestInterval is how often each domain's catalogs are harvested
	// with a broad search; 0 switches periodic harvesting off (every
	// on_search received still updates the cache).
	HarvestInterval time.Duration `yaml:"harvest_interval"`
	// DefaultTTL is how long a cached item is served when its provider
	// said nothing about caching (no Provider.ttl, Catalog.exp or ttl).
	// Harvesting refreshes items long before, and items a provider stops
	// listing expire at the next harvest, so this bounds only what
	// providers that stopped answering leave behind.
	DefaultTTL time.Duration `yaml:"default_ttl"`
}

func defaultCatalog() Catalog {
	return Catalog{HarvestInterval: time.Hour, DefaultTTL: 24 * time.Hour}
}

// checkCatalog checks the catalog settings.
func (c *Config) checkCatalog() error {
	if c.Catalog.HarvestInterval != 0 && c.Catalog.HarvestInterval < time.Minute {
		return &Problem{"catalog.harvest_interval", "must be 0 (off) or at least 1m (default 1h)"}
	}
	if c.Catalog.DefaultTTL < time.Minute {
		return &Problem{"catalog.default_ttl", "must be at least 1m (default 24h): items are served this long when their provider gives no ttl"}
	}
	if c.Catalog.HarvestInterval != 0 && c.Catalog.DefaultTTL < c.Catalog.HarvestInterval {
		return &Problem{"catalog.default_ttl", "must be at least catalog.harvest_interval, or cached items expire before the next harvest refreshes them"}
	}
	return nil
}
