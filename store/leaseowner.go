package store

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
)

// NewLeaseOwner returns a name for TryLease's owner that no other holder
// shares: the host and process id, for operators reading the kv table,
// and random bytes, so that a process restarted with the same pid (common
// in containers, where Seeker is pid 1) never takes the lease of its
// previous life for its own. Each worker that takes leases calls it once.
func NewLeaseOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b[:])
}
