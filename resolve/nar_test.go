package resolve

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nix-community/go-nix/pkg/nar"
	"github.com/nix-community/go-nix/pkg/nixhash"
	"github.com/uptix-dev/uptix/internal/oracle"
)

func narSRI(t *testing.T, data []byte, o NarHashOptions) string {
	t.Helper()
	h, err := o.HashTarball(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("HashTarball: %v", err)
	}
	return h.Format(nixhash.SRI, true)
}

// TestNarHashMatchesNix checks our hash against `nix hash path` of the
// tree GNU tar unpacks, and against a recursive fixed-output build
// that runs fetchzip's unpacking steps.
func TestNarHashMatchesNix(t *testing.T) {
	nix := newNarNixEnv(t)
	tarballs := map[string][]byte{}
	claims := map[string]string{}
	for _, c := range validNarCases() {
		data := narBuildTar(t, c.format, true, c.ents...)
		ours := narSRI(t, data, NarHashOptions{})
		if want := nix.hashPath(t, narGNUUnpack(t, data)); ours != want {
			t.Errorf("%s: NarHashTarball = %s, nix hash path = %s", c.name, ours, want)
		}
		tarballs[c.name] = data
		claims[c.name] = ours
	}
	for name, got := range nix.fetchzipBuild(t, tarballs, claims) {
		t.Errorf("%s: fixed-output build got %s, we computed %s", name, got, claims[name])
	}
}

// TestFetchzipBuildRejectsWrongHash makes sure the fixed-output oracle
// can fail.
func TestFetchzipBuildRejectsWrongHash(t *testing.T) {
	nix := newNarNixEnv(t)
	data := narBuildTar(t, 0, true, nfile("one/file", "x"))
	right := narSRI(t, data, NarHashOptions{})
	wrong := narSRI(t, narBuildTar(t, 0, true, nfile("one/file", "y")), NarHashOptions{})
	got := nix.fetchzipBuild(t, map[string][]byte{"wrong": data}, map[string]string{"wrong": wrong})
	if got["wrong"] != right {
		t.Fatalf("fixed-output build with a wrong hash: got %q, want it to report %s", got["wrong"], right)
	}
}

func TestNarHashErrors(t *testing.T) {
	for _, c := range badNarCases() {
		t.Run(c.name, func(t *testing.T) {
			data := narBuildTar(t, 0, true, c.ents...)
			h, err := NarHashTarball(bytes.NewReader(data))
			if err == nil {
				t.Fatalf("got hash %s, want error containing %q", h.Format(nixhash.SRI, true), c.wantErr)
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %q does not contain %q", err, c.wantErr)
			}
		})
	}
}

// TestNarHashKnownValues pins hashes printed by Nix 2.8's
// `nix hash path --sri` and `--base32` for the same trees, so the
// package is checked even where Nix is missing.
func TestNarHashKnownValues(t *testing.T) {
	cases := []struct {
		name        string
		ents        []narTarEnt
		sri, base32 string
	}{
		// mkdir d; printf x > d/file
		{"file in a directory", []narTarEnt{nfile("d/file", "x")},
			"sha256-Qvu18vBMqioT/noZgD9NDhX7e+YCg24saD4phMQJT10=",
			"0pag17288a9yd0n6x0q2wrxzn58f9lzq06bszq9jmajcy3rbbys2"},
		// mkdir s; an executable s/tool.sh (fetchzip's single-file case)
		{"single executable file", []narTarEnt{nmode("tool.sh", "#!/bin/sh\necho tool\n", 0o755)},
			"sha256-8YxxNOHI2IjMfTEEw8Id1yPZ8GX6arlKCnW+bMcIGUs=",
			"0jqr133nrgkm195bjspscpqdj8yp3p1c611igp68in68w4s7337i"},
		// mkdir e e/empty; ln -s target e/link
		{"symlink and empty directory", []narTarEnt{nsym("e/link", "target"), ndir("e/empty/")},
			"sha256-7hcHZ+jHmD17DyViACUnHW3dlC2fMzcsa57jctSVocY=",
			"1im1jpa75qwydcn3fcwz5nadsv8x4wjh0qi51xxkv667x1khf5zf"},
	}
	for _, c := range cases {
		h, err := NarHashTarball(bytes.NewReader(narBuildTar(t, 0, true, c.ents...)))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := h.Format(nixhash.SRI, true); got != c.sri {
			t.Errorf("%s: SRI %s, want %s", c.name, got, c.sri)
		}
		if got := h.Format(nixhash.NixBase32, false); got != c.base32 {
			t.Errorf("%s: base-32 %s, want %s", c.name, got, c.base32)
		}
	}
}

// TestNarHashSpill hashes the same archives with everything in memory
// and with every file spilled to disk, and checks that the temporary
// file is removed.
func TestNarHashSpill(t *testing.T) {
	tmp := t.TempDir()
	for _, c := range validNarCases() {
		data := narBuildTar(t, c.format, true, c.ents...)
		inMemory := narSRI(t, data, NarHashOptions{MemoryLimit: 1 << 30, FileThreshold: 1 << 30})
		spilled := narSRI(t, data, NarHashOptions{TempDir: tmp, MemoryLimit: 1, FileThreshold: 1})
		budget := narSRI(t, data, NarHashOptions{TempDir: tmp, MemoryLimit: 100})
		if inMemory != spilled || inMemory != budget {
			t.Errorf("%s: in memory %s, spilled %s, small budget %s", c.name, inMemory, spilled, budget)
		}
	}
	left, err := os.ReadDir(tmp)
	if err != nil || len(left) != 0 {
		t.Fatalf("temporary directory holds %d entries after hashing (%v)", len(left), err)
	}
}

// TestNarHashPlainTar checks that uncompressed tar streams hash like
// their gzip form.
func TestNarHashPlainTar(t *testing.T) {
	c := validNarCases()[0]
	gz := narSRI(t, narBuildTar(t, c.format, true, c.ents...), NarHashOptions{})
	plain := narSRI(t, narBuildTar(t, c.format, false, c.ents...), NarHashOptions{})
	if gz != plain {
		t.Fatalf("gzip %s, plain %s", gz, plain)
	}
}

// TestNarHashIgnoresMetadata checks that times, owners, non-execute
// mode bits, the top directory's name and entry order do not change
// the hash, while contents and the execute bit do.
func TestNarHashIgnoresMetadata(t *testing.T) {
	base := []narTarEnt{ndir("r/"), nfile("r/a", "1"), nmode("r/b", "2", 0o755), nfile("r/c/d", "3")}
	same := [][]narTarEnt{
		{nfile("r/c/d", "3"), nmode("r/b", "2", 0o700), nmode("r/a", "1", 0o600)},
		{ndir("other-top/"), nfile("other-top/a", "1"), nmode("other-top/b", "2", 0o555), nfile("other-top/c/d", "3")},
	}
	differ := [][]narTarEnt{
		{ndir("r/"), nfile("r/a", "1"), nmode("r/b", "2", 0o644), nfile("r/c/d", "3")},
		{ndir("r/"), nfile("r/a", "1!"), nmode("r/b", "2", 0o755), nfile("r/c/d", "3")},
		{ndir("r/"), nfile("r/a", "1"), nmode("r/b", "2", 0o755), nfile("r/c/e", "3")},
		{ndir("r/"), nfile("r/a", "1"), nmode("r/b", "2", 0o755), nfile("r/c/d", "3"), ndir("r/e/")},
	}
	want := narSRI(t, narBuildTar(t, 0, true, base...), NarHashOptions{})
	for i, ents := range same {
		if got := narSRI(t, narBuildTar(t, tar.FormatGNU, true, ents...), NarHashOptions{}); got != want {
			t.Errorf("same[%d] = %s, want %s", i, got, want)
		}
	}
	for i, ents := range differ {
		if got := narSRI(t, narBuildTar(t, 0, true, ents...), NarHashOptions{}); got == want {
			t.Errorf("differ[%d] hashes like the base archive: %s", i, got)
		}
	}
}

func TestNarHashNotATarball(t *testing.T) {
	_, err := NarHashTarball(strings.NewReader(strings.Repeat("not a tar archive ", 100)))
	if err == nil || !strings.Contains(err.Error(), "reading tar entry") {
		t.Fatalf("err = %v, want a tar reading error", err)
	}
	_, err = NarHashTarball(bytes.NewReader([]byte{0x1f, 0x8b, 0, 0}))
	if err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Fatalf("err = %v, want a gzip error", err)
	}

	// A damaged gzip trailer (CRC) is an error, as it is for gunzip.
	data := narBuildTar(t, 0, true, nfile("d/x", "x"))
	data[len(data)-8] ^= 0xff
	if _, err := NarHashTarball(bytes.NewReader(data)); err == nil ||
		!strings.Contains(err.Error(), "reading the end of the tarball: gzip: invalid checksum") {
		t.Fatalf("err = %v, want a checksum error", err)
	}
	// A truncated download is an error.
	data = narBuildTar(t, 0, true, nfile("d/x", narBigBody))
	if _, err := NarHashTarball(bytes.NewReader(data[:len(data)/2])); err == nil ||
		!strings.Contains(err.Error(), "unexpected EOF") {
		t.Fatalf("err = %v, want unexpected EOF", err)
	}
}

// BenchmarkNarHashTarball hashes an archive of 20,000 small files and a
// few large ones.
func BenchmarkNarHashTarball(b *testing.B) {
	var ents []narTarEnt
	for i := range 20000 {
		ents = append(ents, nfile(fmt.Sprintf("r/d%03d/f%05d.go", i%300, i), strings.Repeat("package x\n", 20+i%50)))
	}
	for i := range 4 {
		ents = append(ents, nfile(fmt.Sprintf("r/big%d", i), strings.Repeat(narBigBody, 4)))
	}
	data := narBuildTar(b, 0, true, ents...)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := NarHashTarball(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFetchzipRejectsBadArchives checks that Nix's fetchzip fails on
// the archives we refuse, except the ones we refuse on purpose.
func TestFetchzipRejectsBadArchives(t *testing.T) {
	nix := newNarNixEnv(t)
	dir := t.TempDir()
	for _, c := range badNarCases() {
		src := filepath.Join(dir, c.name+".tar.gz")
		if err := os.WriteFile(src, narBuildTar(t, 0, true, c.ents...), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := nix.store.Build(context.Background(), oracle.Derivation{
			Name: "fetchzip-bad-" + c.name, Script: narFetchzipScript, HashMode: "recursive",
			Hash: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
			Env:  map[string]string{"src": src},
		})
		failed := err != nil && res != nil && res.Got == ""
		if failed == c.nixAccepts {
			t.Errorf("%s: Nix's fetchzip failed %t, want %t (build: %v, %v)", c.name, failed, !c.nixAccepts, res, err)
		}
	}
}

// FuzzNarHashTarball checks that no archive makes the hashing panic,
// and that hashing is deterministic.
func FuzzNarHashTarball(f *testing.F) {
	for _, c := range validNarCases() {
		if c.name != "git-archive" { // keep seeds small
			f.Add(narBuildTar(f, c.format, false, c.ents...))
		}
	}
	for _, c := range badNarCases() {
		f.Add(narBuildTar(f, 0, false, c.ents...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h1, err1 := NarHashTarball(bytes.NewReader(data))
		h2, err2 := NarHashOptions{MemoryLimit: 1}.HashTarball(bytes.NewReader(data))
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("in memory: %v, spilled: %v", err1, err2)
		}
		if err1 == nil && h1.Format(nixhash.SRI, true) != h2.Format(nixhash.SRI, true) {
			t.Fatalf("in memory %s, spilled %s", h1.Format(nixhash.SRI, true), h2.Format(nixhash.SRI, true))
		}
	})
}

// narGoNixWrite serialises the tree with go-nix's nar.Writer, which
// takes the full path of every node.
func narGoNixWrite(w *nar.Writer, path string, n *narNode, store *narStore) error {
	hdr := &nar.Header{Path: path, Type: n.kind, LinkTarget: n.target}
	if n.kind == nar.TypeRegular {
		hdr.Size, hdr.Executable = n.blob.size, n.exec
	}
	if err := w.WriteHeader(hdr); err != nil {
		return err
	}
	if n.kind == nar.TypeRegular {
		_, err := io.Copy(w, store.open(n.blob))
		return err
	}
	for _, name := range narSortedNames(n) {
		if err := narGoNixWrite(w, strings.TrimSuffix(path, "/")+"/"+name, n.children[name], store); err != nil {
			return err
		}
	}
	return nil
}

// TestNarWriteMatchesGoNix compares our NAR bytes with go-nix's
// nar.Writer on the valid archives (minus names starting with "..",
// which nar.Writer mishandles), and reads ours back with nar.Reader.
func TestNarWriteMatchesGoNix(t *testing.T) {
	for _, c := range validNarCases() {
		store := &narStore{memLimit: 1 << 30, threshold: 1 << 30}
		root, err := narReadTar(bytes.NewReader(narBuildTar(t, c.format, false, c.ents...)), store)
		if err != nil {
			t.Fatal(err)
		}
		out, err := narStripRoot(root)
		if err != nil {
			t.Fatal(err)
		}
		var ours bytes.Buffer
		if err := narWrite(&ours, out, store); err != nil {
			t.Fatal(err)
		}

		// Read ours back, counting the entries.
		nr, err := nar.NewReader(bytes.NewReader(ours.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for {
			hdr, err := nr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: reading our NAR: %v", c.name, err)
			}
			names = append(names, hdr.Path)
		}
		if c.name == "git-archive" && !slices.Contains(names, "/...") {
			t.Errorf("%s: our NAR lacks /...: %q", c.name, names)
		}

		for name := range out.children {
			if strings.HasPrefix(name, "..") {
				delete(out.children, name)
			}
		}
		ours.Reset()
		if err := narWrite(&ours, out, store); err != nil {
			t.Fatal(err)
		}
		var theirs bytes.Buffer
		w, err := nar.NewWriter(&theirs)
		if err != nil {
			t.Fatal(err)
		}
		if err := narGoNixWrite(w, "/", out, store); err != nil {
			t.Fatalf("%s: go-nix: %v", c.name, err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours.Bytes(), theirs.Bytes()) {
			t.Errorf("%s: our NAR (%d bytes) differs from go-nix's (%d bytes)", c.name, ours.Len(), theirs.Len())
		}
	}
}

// TestNarHashDotDotNames covers names that go-nix's nar.Writer
// mishandles, against a hash printed by Nix 2.8's `nix hash path`.
func TestNarHashDotDotNames(t *testing.T) {
	// mkdir d; printf x > d/..foo; printf y > d/...; printf z > d/a
	h, err := NarHashTarball(bytes.NewReader(narBuildTar(t, 0, true,
		nfile("d/..foo", "x"), nfile("d/...", "y"), nfile("d/a", "z"))))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Format(nixhash.SRI, true), narDotDotSRI; got != want {
		t.Fatalf("hash %s, want %s", got, want)
	}
}

const narDotDotSRI = "sha256-K8M8FwUmdeZXkVdgYzGWUt6/dYcnfNJ1EhfPYYD/T0Q="
