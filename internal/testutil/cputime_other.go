//go:build !unix

package testutil

import "time"

// ProcessCPU is not measured on this platform: it returns -1 and ReportCPU
// then reports nothing.
func ProcessCPU() time.Duration { return -1 }
