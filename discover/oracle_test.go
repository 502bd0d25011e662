package discover

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// oracleExpr evaluates a test file with stand-ins for uptix and lib
// whose functions return markers, and lists every marker reachable from
// the result as "kind key", the key computed the way the Nix module
// computes it.
const oracleExpr = `file:
let
  flags = a: (if a.fetchSubmodules or false then "f" else "")
    + (if a.deepClone or false then "d" else "")
    + (if a.leaveDotGit or false then "l" else "");
  mark = kind: key: { __uptix = kind; inherit key; };
  uptix = {
    dockerImage = mark "dockerImage";
    pullDockerImage = mark "pullDockerImage";
    githubBranch = a: mark "githubBranch" ("$GITHUB_BRANCH$:${a.owner}/${a.repo}:${a.branch}$" + flags a);
    githubRelease = a: mark "githubRelease" ("$GITHUB_RELEASE$:${a.owner}/${a.repo}$" + flags a);
  };
  lib = {
    mapAttrs = builtins.mapAttrs;
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    forEach = xs: f: map f xs;
    mapAttrsToList = f: s: map (n: f n s.${n}) (builtins.attrNames s);
  };
  collect = v:
    if builtins.isAttrs v then
      (if v ? __uptix then [ "${v.__uptix} ${v.key}" ]
       else builtins.concatMap (n: collect v.${n}) (builtins.attrNames v))
    else if builtins.isList v then builtins.concatMap collect v
    else [ ];
in collect (import file { inherit uptix lib; })
`

// TestOracle compares discovery with Nix itself on files whose calls are
// all reachable and constant: Nix evaluates them with stand-in functions,
// and the two lists of calls must be equal.
func TestOracle(t *testing.T) {
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nix-instantiate is not installed")
		}
		t.Skip("nix-instantiate is not installed")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "oracle", "*.nix"))
	if len(files) == 0 {
		t.Fatal("no oracle cases")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			abs, _ := filepath.Abs(file)
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(nix, "--eval", "--strict", "--json",
				"--option", "experimental-features", "nix-command",
				"-E", "("+oracleExpr+") "+abs)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Env = append(os.Environ(), "NIX_PATH=")
			if err := cmd.Run(); err != nil {
				t.Fatalf("nix-instantiate: %v\n%s", err, stderr.String())
			}
			var want []string
			if err := json.Unmarshal(stdout.Bytes(), &want); err != nil {
				t.Fatal(err)
			}

			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			calls, err := Source(file, src)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range calls {
				if c.Unresolved != "" {
					t.Errorf("%s:%d: unresolved: %s", file, c.Line, c.Unresolved)
				}
				for _, k := range c.Keys() {
					got = append(got, string(c.Kind)+" "+k)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("discovery found\n\t%q\nNix evaluates\n\t%q", got, want)
			}
		})
	}
}
