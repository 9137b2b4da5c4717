package server

import "context"

// catalogPart is the catalog cache and its harvester, built in New and run
// between Start and Close.
type catalogPart struct{}

// startCatalog starts periodic harvesting.
func (s *Server) startCatalog(ctx context.Context) error { return nil }

// closeCatalog stops harvesting.
func (s *Server) closeCatalog() {}
