package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The load generator of seeker bench. It shares the machine with what it
// measures, so it spends as little as it can per request, as wrk does:
// each worker keeps one HTTP/1.1 connection, writes a prepared request's
// head and body with one vectored write, and reads the answer with
// net/http's parser. Through net/http's client a 20 KB POST cost the
// generator about a third of what Seeker spent ACKing it (a copy buffer
// per request, header maps, the transport's goroutines), CPU the
// measured server then lacked.

// loadRequest is one POST to send: the path on the target, header lines
// ("Name: value") and the body.
type loadRequest struct {
	path   string
	header []string
	body   []byte
}

// loadTimeout bounds one request; a server that stops answering fails the
// request instead of hanging the run.
const loadTimeout = 30 * time.Second

// runLoad sends n requests made by mk to target (an http:// URL) from conc
// workers and times each; ok judges an answer by its status and body.
func runLoad(ctx context.Context, target string, conc, n int, mk func(i int) loadRequest, ok func(status int, body []byte) bool) (benchResult, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return benchResult{}, fmt.Errorf("the load target %q is not an http:// URL", target)
	}
	var next, failed atomic.Int64
	var mu sync.Mutex
	res := benchResult{n: n, latencies: make([]time.Duration, 0, n)}
	fail := func(msg string) {
		failed.Add(1)
		mu.Lock()
		if res.firstErr == "" {
			res.firstErr = msg
		}
		mu.Unlock()
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &loadConn{addr: u.Host, prefix: strings.TrimSuffix(u.Path, "/")}
			defer c.close()
			lat := make([]time.Duration, 0, n/conc+1)
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					break
				}
				t0 := time.Now()
				status, body, err := c.do(mk(i))
				if err != nil {
					fail(err.Error())
					continue
				}
				lat = append(lat, time.Since(t0))
				if !ok(status, body) {
					fail(fmt.Sprintf("HTTP %d %s", status, strings.TrimSpace(string(body))))
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.failed = int(failed.Load())
	return res, nil
}

// loadConn is one worker's keep-alive connection, dialled on first use and
// again after the server closes it.
type loadConn struct {
	addr, prefix string
	conn         net.Conn
	r            *bufio.Reader
	head         []byte
}

func (c *loadConn) do(req loadRequest) (int, []byte, error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.addr, loadTimeout)
		if err != nil {
			return 0, nil, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 16<<10)
	}
	c.head = append(c.head[:0], "POST "+c.prefix+req.path+" HTTP/1.1\r\nHost: "+c.addr+"\r\n"...)
	for _, h := range req.header {
		c.head = append(append(c.head, h...), "\r\n"...)
	}
	c.head = append(append(append(c.head, "Content-Length: "...), strconv.Itoa(len(req.body))...), "\r\n\r\n"...)
	c.conn.SetDeadline(time.Now().Add(loadTimeout))
	bufs := net.Buffers{c.head, req.body}
	if _, err := bufs.WriteTo(c.conn); err != nil {
		c.close()
		return 0, nil, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		c.close()
		return 0, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

func (c *loadConn) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}
