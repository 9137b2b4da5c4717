package config

import (
	"strings"
	"testing"
	"time"
)

func TestCatalogSettings(t *testing.T) {
	for _, tc := range []struct {
		interval, ttl time.Duration
		problem       string
	}{
		{time.Hour, 24 * time.Hour, ""},
		{0, time.Minute, ""},
		{30 * time.Second, 24 * time.Hour, "catalog.harvest_interval"},
		{time.Hour, 30 * time.Second, "catalog.default_ttl"},
		{2 * time.Hour, time.Hour, "catalog.default_ttl"},
	} {
		c := Default()
		c.Catalog = Catalog{HarvestInterval: tc.interval, DefaultTTL: tc.ttl}
		err := c.checkCatalog()
		if (err == nil) != (tc.problem == "") || (err != nil && !strings.Contains(err.Error(), tc.problem)) {
			t.Errorf("interval %v ttl %v: %v, want a problem with %q", tc.interval, tc.ttl, err, tc.problem)
		}
	}
	c, err := Load("", []string{"SEEKER_CATALOG_DEFAULT_TTL=48h"})
	if err != nil || c.Catalog.DefaultTTL != 48*time.Hour || c.Catalog.HarvestInterval != time.Hour {
		t.Errorf("environment override: %+v %v", c.Catalog, err)
	}
}
