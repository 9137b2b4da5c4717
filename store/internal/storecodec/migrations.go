package storecodec

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one numbered schema step of a backend.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the steps embedded in fsys under migrations/, in version
// order. Names are NNNN_description.sql and versions run 1..n; anything else
// is a build mistake and panics (in the first test) rather than skipping a
// step silently. backend names the store in the panic.
func Migrations(fsys fs.FS, backend string) []Migration {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		panic(err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			panic(fmt.Sprintf("%s: migration file %q is not named NNNN_description.sql", backend, name))
		}
		body, err := fs.ReadFile(fsys, path.Join("migrations", name))
		if err != nil {
			panic(err)
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			panic(fmt.Sprintf("%s: migrations are not numbered 1..n: %q is step %d", backend, m.Name, i+1))
		}
	}
	return out
}
