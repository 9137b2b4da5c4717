package main

import (
	"os"
	"runtime"
	"testing"
)

func TestBenchNeedsItsInput(t *testing.T) {
	for _, args := range [][]string{{"bench", "startup"}, {"bench", "ingest"}, {"bench", "search"}} {
		if code := run(args); code != 2 {
			t.Errorf("seeker %v exited %d, want 2 (a missing --config or --describe)", args, code)
		}
	}
}

func TestResidentMemoryOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("resident memory is read from /proc, which only Linux has")
	}
	rss, peak := residentMemory(os.Getpid())
	if rss <= 0 || peak < rss {
		t.Fatalf("resident %d, peak %d; want a positive resident size no larger than the peak", rss, peak)
	}
}
