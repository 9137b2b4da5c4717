// Command seeker is a complete seeker platform (Beckn BAP) for the ONEST network
// in one binary: the BAP itself, its learner web app and client API, the tooling
// for onboarding, conformance and verification logs, and a local ONEST network.
//
// Each sub-command lives in its own file beside this one; this file only wires
// them to the root and maps errors to exit codes.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// exitError carries a specific process exit code out of a command. Commands
// such as verify and validate promise scripts a meaningful exit code (0 valid,
// 1 invalid, 2 unreadable input), so they return exitError instead of printing
// and calling os.Exit themselves.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitWith returns an error that makes seeker exit with code. A nil err means
// the command already printed what the user needs and only the code matters.
func exitWith(code int, err error) error { return &exitError{code: code, err: err} }

// subcommands is filled by the init functions of the files beside this one, so
// that adding a command never touches this file.
var subcommands []func() *cobra.Command

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "seeker",
		Short: "A seeker platform (Beckn BAP) for the ONEST network",
		Long: `Seeker lets learners and job seekers discover and take up courses, jobs,
scholarships and mentorship from every provider on the ONEST network.

Start with "seeker demo": it runs a local ONEST network and a Seeker BAP on
loopback and prints the URLs to open.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	for _, f := range subcommands {
		root.AddCommand(f())
	}
	return root
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the CLI and returns the process exit code; tests call it directly.
func run(args []string) int {
	root := newRoot()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "seeker:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(os.Stderr, "seeker:", err)
	return 1
}
