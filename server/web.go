package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/web"
	"github.com/onest-seeker/seeker/xinput"
)

// webPart is the learner web app on its own listener (listen.web), so that
// its cookie sessions never mix with the API-key client side.
type webPart struct {
	app *web.Server
	srv *http.Server
	ln  net.Listener
	// cancel ends the requests' base context at Close: live pages hold
	// event streams open, which Shutdown would otherwise wait for.
	cancel context.CancelFunc
}

// initWeb builds the web app once the engine and the API exist. It is off
// when listen.web is empty and no listener was passed. A caller that hands
// over its own listeners for the other sides (tests, embedding programs)
// decides about the web app the same way, by handing over its listener:
// listen.web applies only when Seeker listens by itself, so a test on
// ephemeral ports never reaches for the fixed default port.
func (s *Server) initWeb(ctx context.Context, opt Options) error {
	if opt.WebListener == nil && (s.cfg.Listen.Web == "" || opt.NetworkListener != nil || opt.ClientListener != nil) {
		return nil
	}
	app, err := web.New(web.Config{
		Engine:  s.Engine,
		Store:   s.Store,
		Catalog: s.Catalog,
		Forms: &xinput.Client{
			Signer:       s.Signer,
			AllowPrivate: s.cfg.AllowPrivateFetch,
		},
		Collect:       engine.CollectOptions{Quiet: s.cfg.SearchQuiet},
		SecureCookies: s.cfg.Web.SecureCookies,
		SessionTTL:    s.cfg.Web.SessionTTL,
		Wait:          s.cfg.Web.Wait,
		Logger:        s.log.With("part", "web"),
	})
	if err != nil {
		return &config.Problem{Setting: "web", Fix: err.Error()}
	}
	base, cancel := context.WithCancel(context.Background())
	s.web = webPart{app: app, ln: opt.WebListener, cancel: cancel,
		srv: &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return base }}}
	return nil
}

// startWeb listens on listen.web (or the listener the caller gave).
func (s *Server) startWeb(ctx context.Context) error {
	if s.web.srv == nil {
		return nil
	}
	if s.web.ln == nil {
		ln, err := net.Listen("tcp", s.cfg.Listen.Web)
		if err != nil {
			return &config.Problem{Setting: "listen.web", Fix: err.Error()}
		}
		s.web.ln = ln
	}
	go func() {
		if err := s.web.srv.Serve(s.web.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.serveErr <- err
		}
	}()
	return nil
}

// WebURL is the base URL of the learner web app ("" when it is off).
func (s *Server) WebURL() string {
	if s.web.ln == nil {
		return ""
	}
	return "http://" + s.web.ln.Addr().String()
}

// closeWeb stops the web app, bounded by ctx.
func (s *Server) closeWeb(ctx context.Context) {
	if s.web.srv == nil {
		return
	}
	s.web.cancel()
	_ = s.web.srv.Shutdown(ctx)
	if s.web.ln != nil {
		s.web.ln.Close()
	}
}
