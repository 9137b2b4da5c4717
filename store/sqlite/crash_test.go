package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/onest-seeker/seeker/store"
)

// TestMain lets this test binary double as the crashing process of
// TestKilledProcessLosesNothingAcknowledged.
func TestMain(m *testing.M) {
	if path := os.Getenv("SEEKER_SQLITE_CRASH_DB"); path != "" {
		crashChild(path)
		return
	}
	os.Exit(m.Run())
}

// crashChild inserts callbacks from several goroutines, printing the Seq of
// each as soon as InsertInbound returns (the moment the engine would ACK),
// and never closes the store: the parent kills it mid-stream.
func crashChild(path string) {
	s, err := Open(context.Background(), path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	out := make(chan string, 64)
	for g := range 8 {
		go func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("g%d-%d", g, i)
				m := &store.Message{Direction: store.Inbound, Action: "on_search", MessageID: id, SenderID: "bpp",
					Raw: []byte(strings.Repeat(`{"item":"`+id+`"},`, 400))}
				if _, err := s.InsertInbound(context.Background(), m); err != nil {
					out <- "error " + err.Error()
					return
				}
				out <- fmt.Sprintf("acked %d %s", m.Seq, id)
			}
		}()
	}
	w := bufio.NewWriter(os.Stdout)
	for line := range out {
		fmt.Fprintln(w, line)
		w.Flush()
	}
}

// TestKilledProcessLosesNothingAcknowledged is rule 3 at the store's level:
// every insert that returned before the process was killed (SIGKILL, no
// Close, no final checkpoint) is in the database when it is opened again.
func TestKilledProcessLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "seeker.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SEEKER_SQLITE_CRASH_DB="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[int64]string{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && len(acked) < 400 {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[0] != "acked" {
			t.Fatalf("child: %s", sc.Text())
		}
		seq, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		acked[seq] = f[2]
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if len(acked) < 400 {
		t.Fatalf("child acknowledged only %d inserts before ending", len(acked))
	}

	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopening after the kill: %v", err)
	}
	defer s.Close()
	for seq, id := range acked {
		m, err := s.Message(t.Context(), seq)
		if err != nil {
			t.Fatalf("acknowledged insert %s (Seq %d) lost: %v", id, seq, err)
		}
		if m.MessageID != id {
			t.Fatalf("Seq %d holds %s, want %s", seq, m.MessageID, id)
		}
	}
	t.Logf("%d acknowledged inserts all present after SIGKILL", len(acked))
}
