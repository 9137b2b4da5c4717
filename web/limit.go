package web

import (
	"net"

	"sync"
	"time"
)

// Live searches per visitor. Each live search asks every provider of a
// domain, so a script reloading a results page could otherwise use Seeker
// to flood the network. A visitor (the signed-in learner, else the client
// address) may start liveBurst searches at once and liveRate more per
// minute after that; beyond it the page answers from the catalog cache
// and says so. The buckets are per instance: a cluster allows a visitor
// that many times more, which still bounds what one visitor can do.
const (
	liveBurst = 20
	liveRate  = 20 // per minute
	// maxBuckets bounds the limiter's memory; full buckets (visitors who
	// have been quiet) are dropped first.
	maxBuckets = 10000
)

type bucket struct {
	tokens float64
	at     time.Time
}

type liveLimiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

func newLiveLimiter() *liveLimiter { return &liveLimiter{buckets: map[string]*bucket{}} }

// allow takes one live search from key's allowance at now.
func (l *liveLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.dropQuiet(now)
		}
		b = &bucket{tokens: liveBurst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(liveBurst, b.tokens+now.Sub(b.at).Minutes()*liveRate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// dropQuiet forgets visitors whose allowance has refilled (they lose
// nothing), and if that is not enough, every bucket.
func (l *liveLimiter) dropQuiet(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Minutes()*liveRate >= liveBurst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}

// visitor is whom a request's live searches are counted against.
func visitor(rq *request) string {
	if rq.user != nil {
		return "user:" + rq.user.ID
	}
	host, _, err := net.SplitHostPort(rq.r.RemoteAddr)
	if err != nil {
		host = rq.r.RemoteAddr
	}
	return "addr:" + host
}
