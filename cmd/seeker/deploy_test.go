package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/onest-seeker/seeker/config"
	"github.com/onest-seeker/seeker/internal/testutil"
)

// The Dockerfile and the Kubernetes example are kept working with the
// binary: every SEEKER_* variable they set is a setting, and every command
// line they run parses.

func repoFile(t *testing.T, name string) []byte {
	t.Helper()
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkCommandLine parses args as the container would run them, without
// running the command.
func checkCommandLine(t *testing.T, args []string) {
	t.Helper()
	root := newRoot()
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		t.Fatalf("%q is not a seeker command: %v", args, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
}

func checkEnv(t *testing.T, where string, env []string) {
	t.Helper()
	if len(env) == 0 {
		t.Fatalf("%s sets no SEEKER_* variable", where)
	}
	if _, err := config.Load("", env); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
}

func TestDockerfileMatchesTheBinary(t *testing.T) {
	df := string(repoFile(t, "Dockerfile"))
	env := regexp.MustCompile(`(SEEKER_[A-Z_]+)=(\S+)`).FindAllStringSubmatch(df, -1)
	var vars []string
	for _, m := range env {
		vars = append(vars, m[1]+"="+m[2])
	}
	checkEnv(t, "Dockerfile", vars)
	cmdLine := regexp.MustCompile(`(?m)^CMD (\[.*\])$`).FindStringSubmatch(df)
	if cmdLine == nil {
		t.Fatal("Dockerfile has no CMD")
	}
	var args []string
	if err := json.Unmarshal([]byte(cmdLine[1]), &args); err != nil {
		t.Fatal(err)
	}
	checkCommandLine(t, args)
}

func TestKubernetesExampleMatchesTheBinary(t *testing.T) {
	dec := yaml.NewDecoder(bytes.NewReader(repoFile(t, "deploy/kubernetes.yaml")))
	var env []string
	var args []string
	for {
		var doc struct {
			Kind       string            `yaml:"kind"`
			Data       map[string]string `yaml:"data"`
			StringData map[string]string `yaml:"stringData"`
			Spec       struct {
				Template struct {
					Spec struct {
						Containers []struct {
							Args []string `yaml:"args"`
						} `yaml:"containers"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []map[string]string{doc.Data, doc.StringData} {
			for k, v := range m {
				if strings.HasPrefix(k, "SEEKER_") {
					env = append(env, k+"="+v)
				}
			}
		}
		if doc.Kind == "Deployment" {
			args = doc.Spec.Template.Spec.Containers[0].Args
		}
	}
	checkEnv(t, "deploy/kubernetes.yaml", env)
	checkCommandLine(t, args)
}
