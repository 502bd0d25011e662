package rewrite

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptix-dev/uptix/nixast"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/migrate")

// nixUnparsable lists inputs Nix 2.8 rejects by design: s32 uses the
// pipe operator, which needs Nix 2.24 and an experimental feature.
var nixUnparsable = map[string]bool{"s32-pipe-operator-nix224.nix": true}

// migrateCases returns the test inputs in testdata/migrate.
func migrateCases(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/migrate/*.nix")
	if err != nil || len(files) < 30 {
		t.Fatalf("globbing the migrate cases: %d files, %v", len(files), err)
	}
	return files
}

// TestMigrateGolden migrates every input, compares the result with its
// .golden file, checks the hand-change notes against the `# want manual`
// comments, and migrates the result again to check nothing changes.
func TestMigrateGolden(t *testing.T) {
	for _, in := range migrateCases(t) {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			res, err := MigrateFile(in, src)
			if err != nil {
				t.Fatalf("migrating: %v", err)
			}
			golden := in + ".golden"
			if *update {
				if err := os.WriteFile(golden, res.Out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Out, want) {
				t.Errorf("result differs from %s:\n%s", golden, Diff(golden, want, res.Out))
			}
			if res.Changed() == bytes.Equal(src, want) {
				t.Errorf("Changed() = %v, but the golden file equals the input: %v", res.Changed(), bytes.Equal(src, want))
			}

			got := map[int][]string{}
			for _, n := range res.Manual {
				got[n.Pos.Line] = append(got[n.Pos.Line], "manual")
				if !strings.Contains(n.Msg, ";") {
					t.Errorf("%s: note %q does not say what to change", n.Pos, n.Msg)
				}
			}
			compareWants(t, in, filterWants(wants(src), func(s string) bool { return s == "manual" }), got)

			// A second pass changes nothing and reports the same notes.
			again, err := MigrateFile(golden, want)
			if err != nil {
				t.Fatalf("migrating the golden file: %v", err)
			}
			if again.Changed() {
				t.Errorf("second pass changes the file:\n%s", again.Diff())
			}
			if len(again.Manual) != len(res.Manual) {
				t.Errorf("second pass: %d notes, first pass %d", len(again.Manual), len(res.Manual))
			}
		})
	}
}

// TestMigrateNixParses runs Nix's own parser over every input and every
// golden file: the rewrite must never produce what Nix rejects (a
// duplicate attribute included).
func TestMigrateNixParses(t *testing.T) {
	nix := need(t, "nix-instantiate")
	files := map[string][]byte{}
	for _, in := range migrateCases(t) {
		if nixUnparsable[filepath.Base(in)] {
			continue
		}
		for _, name := range []string{in, in + ".golden"} {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = src
		}
	}
	for _, err := range nixParse(t, nix, files) {
		t.Error(err)
	}
}

// TestMigrateGitApply checks that `git apply` of the diffs reproduces the
// rewritten files exactly, CRLF and missing final newlines included.
func TestMigrateGitApply(t *testing.T) {
	git := need(t, "git")
	dir := t.TempDir()
	var patch bytes.Buffer
	want := map[string][]byte{}
	for _, in := range migrateCases(t) {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join("cfg", filepath.Base(in))
		if err := os.MkdirAll(filepath.Join(dir, "cfg"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := MigrateFile(name, src)
		if err != nil {
			t.Fatal(err)
		}
		patch.Write(res.Diff())
		want[name] = res.Out
	}
	if patch.Len() == 0 {
		t.Fatal("no diff at all")
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(patch.Bytes())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("init", "-q", ".")
	run("apply", "--check", "-")
	run("apply", "-")
	for name, w := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, w) {
			t.Errorf("%s after git apply differs from the rewrite:\n%s", name, Diff(name, w, got))
		}
	}
}

// TestNixParseOracle checks the oracle itself: it must reject a duplicate
// attribute (what a bad rewrite would produce) and the pipe-operator
// case that TestMigrateNixParses leaves out, and accept a clean file.
func TestNixParseOracle(t *testing.T) {
	nix := need(t, "nix-instantiate")
	s32, err := os.ReadFile("testdata/migrate/s32-pipe-operator-nix224.nix")
	if err != nil {
		t.Fatal(err)
	}
	errs := nixParse(t, nix, map[string][]byte{
		"dup.nix":  []byte("{ a.image = 1; a = { image = 2; }; }"),
		"s32.nix":  s32,
		"good.nix": []byte("{ a.imageFile = x; a.image = \"y\"; }"),
	})
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want 2 (dup.nix and s32.nix): %v", len(errs), errs)
	}
	for _, err := range errs {
		if strings.Contains(err.Error(), "good.nix") {
			t.Errorf("good.nix rejected: %v", err)
		}
	}
}

// TestApplyCheckedRejects feeds the final check an edit that breaks the
// syntax: the result must be ErrBadRewrite, not bytes to write.
func TestApplyCheckedRejects(t *testing.T) {
	f, err := nixast.ParseFile("x.nix", []byte("{ a.image = 1; }\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := applyChecked(f, []Edit{{Start: 13, End: 14, New: ""}}) // drop the `;`
	if !errors.Is(err, ErrBadRewrite) || out != nil {
		t.Fatalf("got %q, %v; want ErrBadRewrite and no output", out, err)
	}
	out, err = applyChecked(f, []Edit{{Start: 2, End: 3, New: "b"}})
	if err != nil || string(out) != "{ b.image = 1; }\n" {
		t.Fatalf("got %q, %v", out, err)
	}
}

// TestMigrateExampleConfigs migrates every file of the repository's
// example configurations: the results must parse for Nix, and a second
// pass must change nothing.
func TestMigrateExampleConfigs(t *testing.T) {
	var names []string
	err := filepath.WalkDir("../testdata/configs", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".nix") {
			names = append(names, p)
		}
		return err
	})
	if err != nil || len(names) == 0 {
		t.Fatalf("walking ../testdata/configs: %d files, %v", len(names), err)
	}
	out := map[string][]byte{}
	changed := 0
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		res, err := MigrateFile(name, src)
		if err != nil {
			t.Errorf("migrating %s: %v", name, err)
			continue
		}
		if res.Changed() {
			changed++
		}
		again, err := MigrateFile(name, res.Out)
		if err != nil || again.Changed() {
			t.Errorf("second pass over %s: %v\n%s", name, err, again.Diff())
		}
		out[name] = res.Out
	}
	t.Logf("%d files, %d rewritten", len(names), changed)
	for _, err := range nixParse(t, need(t, "nix-instantiate"), out) {
		t.Error(err)
	}
}

// TestApplyGroupsDropsBadGroup: when one call's edits would make the
// file not parse (here a second imageFile the planner's checks are
// bypassed for), only that group is dropped, with the parser's reason,
// and the other groups are still applied.
func TestApplyGroupsDropsBadGroup(t *testing.T) {
	src := []byte("{ a.imageFile = 1; b.image = 2; c.x = 3; }\n")
	f, err := nixast.ParseFile("x.nix", src)
	if err != nil {
		t.Fatal(err)
	}
	first := group{pos: 2, edits: []Edit{{Start: 2, End: 3, New: "d"}}}                                          // d.imageFile
	dup := group{pos: 19, edits: []Edit{{Start: 19, End: 20, New: "d"}, {Start: 21, End: 26, New: "imageFile"}}} // d.imageFile again
	last := group{pos: 32, edits: []Edit{{Start: 34, End: 35, New: "image"}}}                                    // c.image
	edits, out, failed := applyGroups(f, []group{first, dup, last})
	if want := "{ d.imageFile = 1; b.image = 2; c.image = 3; }\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if len(edits) != 2 || len(failed) != 1 || failed[0].pos != 19 || !strings.Contains(failed[0].why, "already defined") {
		t.Errorf("edits %v, failed %+v; want 2 edits and the group at 19 failed with `already defined`", edits, failed)
	}
	// All groups fine: all applied, none failed.
	edits, out, failed = applyGroups(f, []group{first, last})
	if string(out) != "{ d.imageFile = 1; b.image = 2; c.image = 3; }\n" || len(edits) != 2 || failed != nil {
		t.Errorf("got %q, %v, %v", out, edits, failed)
	}
}
