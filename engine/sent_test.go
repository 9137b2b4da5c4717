package engine

import (
	"fmt"
	"testing"
)

func TestSentCacheEvictsOldestBeyondItsBound(t *testing.T) {
	c := newSentCache(3)
	for i := 1; i <= 5; i++ {
		c.put(fmt.Sprint(i), sentRequest{seq: int64(i)})
	}
	for i := 1; i <= 5; i++ {
		_, ok := c.get(fmt.Sprint(i))
		if want := i > 2; ok != want {
			t.Errorf("entry %d present=%v, want %v", i, ok, want)
		}
	}
	c.put("4", sentRequest{seq: 40})
	if r, _ := c.get("4"); r.seq != 40 || len(c.byID) != 3 {
		t.Fatalf("update of a present entry: %+v, size %d", r, len(c.byID))
	}
}
