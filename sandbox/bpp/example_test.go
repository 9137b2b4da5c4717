package bpp_test

import (
	"fmt"

	"github.com/onest-seeker/seeker/sandbox/bpp"
)

// The compact fault form used by config files, the --fault flag and the
// X-Sandbox-Fault header.
func ExampleParseFaults() {
	f, err := bpp.ParseFaults("delay=2s, nack=40001, duplicate=2")
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Delay, f.NackCode, f.Duplicates)
	fmt.Println(f)
	_, err = bpp.ParseFaults("explode")
	fmt.Println(err != nil)
	// Output:
	// 2s 40001 2
	// delay=2s,nack=40001,duplicate=2
	// true
}
