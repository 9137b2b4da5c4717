package server

import (
	"context"
)

// webPart is the learner web app on its own listener (listen.web), so that
// its cookie sessions never mix with the API-key client side.
type webPart struct{}

// initWeb builds the web app once the engine and the API exist.
func (s *Server) initWeb(ctx context.Context, opt Options) error { return nil }

// startWeb listens on listen.web.
func (s *Server) startWeb(ctx context.Context) error { return nil }

// WebURL is the base URL of the learner web app ("" when it is off).
func (s *Server) WebURL() string { return "" }

// closeWeb stops the web app, bounded by ctx.
func (s *Server) closeWeb(ctx context.Context) {}
