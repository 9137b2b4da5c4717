package testutil

import (
	"testing"
	"time"
)

// ReportCPU adds the process CPU time per operation since start (a
// ProcessCPU reading) as "cpu-ns/op". Benchmarks report it beside the wall
// time because the shared build machine is often oversubscribed, which
// inflates wall time but not the work done.
func ReportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 && start >= 0 {
		b.ReportMetric(float64(ProcessCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}
