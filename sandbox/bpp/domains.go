package bpp

import "github.com/onest-seeker/seeker/beckn"

// Short local names for the four ONEST domain codes of package beckn.
const (
	domainLearning  = beckn.DomainLearning
	domainWork      = beckn.DomainWork
	domainFinancial = beckn.DomainFinancial
	domainExpert    = beckn.DomainExpert
)
