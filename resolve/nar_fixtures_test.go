package resolve

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tarEnt is one entry of a test archive.
type tarEnt struct {
	name string
	typ  byte
	mode int64
	body string
	link string
	pax  map[string]string
}

func tfile(name, body string) tarEnt {
	return tarEnt{name: name, typ: tar.TypeReg, mode: 0o644, body: body}
}

func tmode(name, body string, mode int64) tarEnt {
	return tarEnt{name: name, typ: tar.TypeReg, mode: mode, body: body}
}

func tdir(name string) tarEnt {
	return tarEnt{name: name, typ: tar.TypeDir, mode: 0o755}
}

func tsym(name, target string) tarEnt {
	return tarEnt{name: name, typ: tar.TypeSymlink, mode: 0o777, link: target}
}

func thard(name, target string) tarEnt {
	return tarEnt{name: name, typ: tar.TypeLink, mode: 0o644, link: target}
}

func tspecial(name string, typ byte) tarEnt {
	return tarEnt{name: name, typ: typ, mode: 0o644}
}

// tglobal is the pax global header git archive writes first.
func tglobal(commit string) tarEnt {
	return tarEnt{name: "pax_global_header", typ: tar.TypeXGlobalHeader,
		pax: map[string]string{"comment": commit}}
}

// buildTar writes the entries as a tar stream in the given format
// (tar.FormatUnknown lets archive/tar choose), gzip-compressed if gz.
func buildTar(t testing.TB, format tar.Format, gz bool, ents ...tarEnt) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Date(2024, 11, 1, 14, 32, 10, 0, time.UTC)
	for _, e := range ents {
		hdr := &tar.Header{
			Name:       e.name,
			Typeflag:   e.typ,
			Mode:       e.mode,
			Linkname:   e.link,
			ModTime:    mtime,
			PAXRecords: e.pax,
			Format:     format,
			Uname:      "root",
			Gname:      "root",
		}
		if e.typ == tar.TypeReg {
			hdr.Size = int64(len(e.body))
		}
		if e.typ == tar.TypeXGlobalHeader {
			// Written by hand, named as git archive names it.
			if err := tw.Flush(); err != nil {
				t.Fatal(err)
			}
			buf.Write(paxGlobalHeader(e.pax["comment"]))
			continue
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("writing tar header %q: %v", e.name, err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if !gz {
		return buf.Bytes()
	}
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	zw.Write(buf.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return zbuf.Bytes()
}

// paxGlobalHeader returns a "pax_global_header" entry holding a
// comment record, laid out as git archive writes it.
func paxGlobalHeader(comment string) []byte {
	rec := " comment=" + comment + "\n"
	n := len(rec)
	for len(strconv.Itoa(n))+len(rec) != n {
		n = len(strconv.Itoa(n)) + len(rec)
	}
	rec = strconv.Itoa(n) + rec
	hdr := make([]byte, 512)
	put := func(off int, s string) { copy(hdr[off:], s) }
	put(0, "pax_global_header")
	put(100, "0000666\x00")
	put(108, "0000000\x00")
	put(116, "0000000\x00")
	put(124, fmt.Sprintf("%011o\x00", len(rec)))
	put(136, fmt.Sprintf("%011o\x00", 1730471530))
	put(156, "g")
	put(257, "ustar\x00")
	put(263, "00")
	put(265, "root")
	put(297, "root")
	copy(hdr[148:156], "        ")
	sum := 0
	for _, b := range hdr {
		sum += int(b)
	}
	put(148, fmt.Sprintf("%06o\x00 ", sum))
	body := make([]byte, (len(rec)+511)/512*512)
	copy(body, rec)
	return append(hdr, body...)
}

// narCase is an archive that fetchzip unpacks, with the hash checked
// against Nix.
type narCase struct {
	name   string
	format tar.Format
	ents   []tarEnt
}

// bigBody is a file large enough to be spilled to disk.
var bigBody = strings.Repeat("0123456789abcdef fetchzip spill test\n", 60000) // ~2.2 MB

func longName(prefix string, n int) string {
	return prefix + strings.Repeat("x", n-len(prefix))
}

// validNarCases are archives fetchzip accepts.
func validNarCases() []narCase {
	top := "uptix-0123456789abcdef0123456789abcdef01234567/"
	return []narCase{
		{name: "git-archive", ents: []tarEnt{
			tglobal("0123456789abcdef0123456789abcdef01234567"),
			tdir(top),
			tfile(top+"README.md", "# hello\n"),
			tfile(top+".gitignore", "/result\n"),
			tdir(top + "bin/"),
			tmode(top+"bin/run.sh", "#!/bin/sh\necho hi\n", 0o755),
			tmode(top+"bin/owner-only", "x", 0o700),
			tmode(top+"bin/group-exec-only", "y", 0o654),
			tsym(top+"link-to-readme", "README.md"),
			tsym(top+"dangling", "../nowhere/at/all"),
			tsym(top+"absolute", "/etc/passwd"),
			tdir(top + "empty/"),
			tdir(top + "a/"),
			tfile(top+"a/b", "inside a"),
			tfile(top+"a-b", "dash"),
			tfile(top+"a.c", "dot"),
			tfile(top+"a0", "zero"),
			tfile(top+"A", "upper"),
			tfile(top+"_", "underscore"),
			tfile(top+"ünïcødé/日本語.txt", "unicode\n"),
			tfile(top+"ünïcødé/ascii", "plain\n"),
			tfile(top+longName("deep/", 150)+"/"+longName("f", 120), "long path\n"),
			tsym(top+"long-link", longName("target-", 180)),
			thard(top+"bin/hard-run", top+"bin/run.sh"),
			thard(top+"hard-readme", top+"README.md"),
			tfile(top+"empty-file", ""),
			tfile(top+"big.txt", bigBody),
		}},
		{name: "gnu-long-names", format: tar.FormatGNU, ents: []tarEnt{
			tdir("r/"),
			tfile("r/"+longName("gnu-", 200), "gnu long name\n"),
			tsym("r/sym", longName("gnu-target-", 150)),
			tmode("r/exe", "#!/bin/sh\n", 0o755),
		}},
		{name: "single-file", ents: []tarEnt{
			tmode("tool.sh", "#!/bin/sh\necho tool\n", 0o755),
		}},
		{name: "single-file-in-pax", ents: []tarEnt{
			tglobal("feedface"),
			tfile("notes.txt", "just one file\n"),
		}},
		{name: "implicit-parents", ents: []tarEnt{
			tfile("top/x/y/z.txt", "z"),
			tfile("top/x/w.txt", "w"),
			tfile("top/q", "q"),
		}},
		{name: "dot-slash-and-duplicates", ents: []tarEnt{
			tdir("./"),
			tdir("./top/"),
			tfile("./top/dup", "first"),
			tfile("top/other", "o"),
			tfile("./top/dup", "second wins"),
			tfile("top/was-file", "replaced by a directory"),
			tdir("top/was-file/"),
			tfile("top/was-file/inner", "i"),
			tdir("top/was-empty-dir/"),
			tfile("top/was-empty-dir", "file replaces an empty directory"),
			tdir("top/merge/"),
			tfile("top/merge/one", "1"),
			tdir("top/merge/"),
			tfile("top/merge/two", "2"),
			tfile("top/snap", "old"),
			thard("top/snap-link", "top/snap"),
			tfile("top/snap", "new"),
			tsym("top/s", "nowhere"),
			thard("top/hard-to-symlink", "top/s"),
			tfile("top/s", "symlink replaced by a file"),
			tfile("/top/leading-slash", "slash"),
			// GNU tar drops a hard link target's prefix up to its last "..".
			thard("top/dotdot-link", "../top/dup"),
			thard("top/mid-dotdot-link", "/nowhere/../../top/other"),
		}},
	}
}

// badNarCase is an archive we refuse; wantErr is part of our error.
// Nix's fetchzip fails on all of them except those marked nixAccepts,
// which GNU tar unpacks by following a symlink: we refuse those on
// purpose (git archives never contain them).
type badNarCase struct {
	name       string
	ents       []tarEnt
	wantErr    string
	nixAccepts bool
}

func badNarCases() []badNarCase {
	return []badNarCase{
		{"two-top-level", []tarEnt{tfile("a/x", "1"), tfile("b", "2")},
			`single file or directory at its top level, as fetchzip requires; it has 2 entries ["a" "b"]`, false},
		{"empty", nil, "it has 0 entries", false},
		{"only-global-header", []tarEnt{tglobal("abc")}, "it has 0 entries", false},
		{"dot-dot", []tarEnt{tfile("r/x", "1"), tfile("r/../evil", "2")},
			`unpacking "r/../evil": member name contains ".."`, false},
		{"fifo", []tarEnt{tfile("r/x", "1"), tspecial("r/pipe", tar.TypeFifo)},
			`unpacking "r/pipe": unsupported FIFO entry`, false},
		{"char-device", []tarEnt{tspecial("r/null", tar.TypeChar)},
			`unpacking "r/null": unsupported character device entry`, false},
		{"block-device", []tarEnt{tspecial("r/sda", tar.TypeBlock)},
			`unsupported block device entry`, false},
		{"top-symlink", []tarEnt{tsym("only", "/bin/sh")},
			`only top-level entry "only" is a symlink`, true},
		{"hard-link-missing", []tarEnt{tfile("r/x", "1"), thard("r/y", "r/nope")},
			`unpacking "r/y": hard link to "r/nope", which is not in the archive before it`, false},
		{"hard-link-dir", []tarEnt{tdir("r/d/"), thard("r/y", "r/d")},
			`hard link to directory "r/d"`, false},
		{"under-file", []tarEnt{tfile("r/a", "1"), tfile("r/a/b", "2")},
			`unpacking "r/a/b": "r/a" is a file, not a directory`, false},
		{"under-symlink", []tarEnt{tdir("r/real/"), tsym("r/s", "real"), tfile("r/s/z", "z")},
			`unpacking "r/s/z": "r/s" is a symlink, not a directory`, true},
		{"replace-full-dir", []tarEnt{tfile("r/d/x", "1"), tfile("r/d", "2")},
			`unpacking "r/d": a file would replace the non-empty directory`, false},
	}
}
