package config

import (
	"fmt"
	"net"
)

// Web configures the learner web app (package web), served on listen.web.
type Web struct{}

func defaultWeb() Web { return Web{} }

// checkWeb checks the web app's settings.
func (c *Config) checkWeb() error {
	if c.Listen.Web == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(c.Listen.Web); err != nil {
		return &Problem{"listen.web", fmt.Sprintf("%q is not host:port; use e.g. 127.0.0.1:8082, or leave it empty to switch the web app off", c.Listen.Web)}
	}
	return nil
}
