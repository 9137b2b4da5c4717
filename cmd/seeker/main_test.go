package main

import "testing"

func TestUnknownCommandFails(t *testing.T) {
	if code := run([]string{"no-such-command"}); code == 0 {
		t.Fatalf("unknown command exited 0")
	}
}

func TestHelpSucceeds(t *testing.T) {
	if code := run([]string{"--help"}); code != 0 {
		t.Fatalf("--help exited %d", code)
	}
}
