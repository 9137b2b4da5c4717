package config

import "time"

// Catalog configures the catalog cache and search index: what Seeker
// harvests from the network and answers discovery from (package catalog).
type Catalog struct {
	// HarvestInterval is how often each domain's catalogs are harvested
	// with a broad search; 0 switches periodic harvesting off (every
	// on_search received still updates the cache).
	HarvestInterval time.Duration `yaml:"harvest_interval"`
}

func defaultCatalog() Catalog {
	return Catalog{HarvestInterval: time.Hour}
}

// checkCatalog checks the catalog settings.
func (c *Config) checkCatalog() error {
	if c.Catalog.HarvestInterval != 0 && c.Catalog.HarvestInterval < time.Minute {
		return &Problem{"catalog.harvest_interval", "must be 0 (off) or at least 1m (default 1h)"}
	}
	return nil
}
