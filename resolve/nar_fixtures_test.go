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

// narTarEnt is one entry of a test archive.
type narTarEnt struct {
	name string
	typ  byte
	mode int64
	body string
	link string
	pax  map[string]string
}

func nfile(name, body string) narTarEnt {
	return narTarEnt{name: name, typ: tar.TypeReg, mode: 0o644, body: body}
}

func nmode(name, body string, mode int64) narTarEnt {
	return narTarEnt{name: name, typ: tar.TypeReg, mode: mode, body: body}
}

func ndir(name string) narTarEnt {
	return narTarEnt{name: name, typ: tar.TypeDir, mode: 0o755}
}

func nsym(name, target string) narTarEnt {
	return narTarEnt{name: name, typ: tar.TypeSymlink, mode: 0o777, link: target}
}

func nhard(name, target string) narTarEnt {
	return narTarEnt{name: name, typ: tar.TypeLink, mode: 0o644, link: target}
}

func nspecial(name string, typ byte) narTarEnt {
	return narTarEnt{name: name, typ: typ, mode: 0o644}
}

// nglobal is the pax global header git archive writes first.
func nglobal(commit string) narTarEnt {
	return narTarEnt{name: "pax_global_header", typ: tar.TypeXGlobalHeader,
		pax: map[string]string{"comment": commit}}
}

// narBuildTar writes the entries as a tar stream in the given format
// (tar.FormatUnknown lets archive/tar choose), gzip-compressed if gz.
func narBuildTar(t testing.TB, format tar.Format, gz bool, ents ...narTarEnt) []byte {
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
		if e.typ == tar.TypeXGlobalHeader || e.typ == tar.TypeGNUSparse {
			// Written by hand: archive/tar cannot write these.
			if err := tw.Flush(); err != nil {
				t.Fatal(err)
			}
			if e.typ == tar.TypeGNUSparse {
				buf.Write(narOldSparse(e.name, e.body, 4095, 4096))
			} else {
				buf.Write(narPaxGlobal(e.pax["comment"]))
			}
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

// narPaxGlobal returns a "pax_global_header" entry holding a comment
// record, laid out as git archive writes it.
func narPaxGlobal(comment string) []byte {
	rec := " comment=" + comment + "\n"
	n := len(rec)
	for len(strconv.Itoa(n))+len(rec) != n {
		n = len(strconv.Itoa(n)) + len(rec)
	}
	rec = strconv.Itoa(n) + rec
	hdr := narRawHeader("pax_global_header", 'g', len(rec), "ustar\x0000", nil)
	return append(hdr, narPad([]byte(rec))...)
}

// narOldSparse returns an old GNU format sparse file entry: data at
// offset in a file of realSize bytes, holes elsewhere.
func narOldSparse(name, data string, offset, realSize int) []byte {
	hdr := narRawHeader(name, tar.TypeGNUSparse, len(data), "ustar  \x00", func(h []byte) {
		copy(h[386:], fmt.Sprintf("%011o\x00", offset))
		copy(h[398:], fmt.Sprintf("%011o\x00", len(data)))
		copy(h[483:], fmt.Sprintf("%011o\x00", realSize))
	})
	return append(hdr, narPad([]byte(data))...)
}

// narRawHeader lays out a 512-byte tar header by hand.
func narRawHeader(name string, typ byte, size int, magic string, extra func([]byte)) []byte {
	hdr := make([]byte, 512)
	put := func(off int, s string) { copy(hdr[off:], s) }
	put(0, name)
	put(100, "0000644\x00")
	put(108, "0000000\x00")
	put(116, "0000000\x00")
	put(124, fmt.Sprintf("%011o\x00", size))
	put(136, fmt.Sprintf("%011o\x00", 1730471530))
	hdr[156] = typ
	put(257, magic)
	put(265, "root")
	put(297, "root")
	if extra != nil {
		extra(hdr)
	}
	put(148, "        ")
	sum := 0
	for _, b := range hdr {
		sum += int(b)
	}
	put(148, fmt.Sprintf("%06o\x00 ", sum))
	return hdr
}

// narPad pads data to whole 512-byte blocks.
func narPad(data []byte) []byte {
	out := make([]byte, (len(data)+511)/512*512)
	copy(out, data)
	return out
}

// narCase is an archive that fetchzip unpacks, with the hash checked
// against Nix.
type narCase struct {
	name   string
	format tar.Format
	ents   []narTarEnt
}

// narBigBody is a file large enough to be spilled to disk.
var narBigBody = strings.Repeat("0123456789abcdef fetchzip spill test\n", 60000) // ~2.2 MB

func narLongName(prefix string, n int) string {
	return prefix + strings.Repeat("x", n-len(prefix))
}

// validNarCases are archives fetchzip accepts.
func validNarCases() []narCase {
	top := "uptix-0123456789abcdef0123456789abcdef01234567/"
	return []narCase{
		{name: "git-archive", ents: []narTarEnt{
			nglobal("0123456789abcdef0123456789abcdef01234567"),
			ndir(top),
			nfile(top+"README.md", "# hello\n"),
			nfile(top+".gitignore", "/result\n"),
			ndir(top + "bin/"),
			nmode(top+"bin/run.sh", "#!/bin/sh\necho hi\n", 0o755),
			nmode(top+"bin/owner-only", "x", 0o700),
			nmode(top+"bin/group-exec-only", "y", 0o654),
			nsym(top+"link-to-readme", "README.md"),
			nsym(top+"dangling", "../nowhere/at/all"),
			nsym(top+"absolute", "/etc/passwd"),
			ndir(top + "empty/"),
			ndir(top + "a/"),
			nfile(top+"a/b", "inside a"),
			nfile(top+"a-b", "dash"),
			nfile(top+"a.c", "dot"),
			nfile(top+"a0", "zero"),
			nfile(top+"A", "upper"),
			nfile(top+"_", "underscore"),
			nfile(top+"...", "three dots"),
			nfile(top+"..foo", "dot dot foo"),
			ndir(top + ".hidden/"),
			nfile(top+"ünïcødé/日本語.txt", "unicode\n"),
			nfile(top+"ünïcødé/ascii", "plain\n"),
			nfile(top+narLongName("deep/", 150)+"/"+narLongName("f", 120), "long path\n"),
			nsym(top+"long-link", narLongName("target-", 180)),
			nhard(top+"bin/hard-run", top+"bin/run.sh"),
			nhard(top+"hard-readme", top+"README.md"),
			nfile(top+"empty-file", ""),
			nfile(top+"big.txt", narBigBody),
		}},
		{name: "gnu-long-names", format: tar.FormatGNU, ents: []narTarEnt{
			ndir("r/"),
			nfile("r/"+narLongName("gnu-", 200), "gnu long name\n"),
			nsym("r/sym", narLongName("gnu-target-", 150)),
			nmode("r/exe", "#!/bin/sh\n", 0o755),
		}},
		{name: "single-file", ents: []narTarEnt{
			nmode("tool.sh", "#!/bin/sh\necho tool\n", 0o755),
		}},
		{name: "single-file-in-pax", ents: []narTarEnt{
			nglobal("feedface"),
			nfile("notes.txt", "just one file\n"),
		}},
		{name: "implicit-parents", ents: []narTarEnt{
			nfile("top/x/y/z.txt", "z"),
			nfile("top/x/w.txt", "w"),
			nfile("top/q", "q"),
		}},
		{name: "dot-slash-and-duplicates", ents: []narTarEnt{
			ndir("./"),
			ndir("./top/"),
			nfile("./top/dup", "first"),
			nfile("top/other", "o"),
			nfile("./top/dup", "second wins"),
			nfile("top/was-file", "replaced by a directory"),
			ndir("top/was-file/"),
			nfile("top/was-file/inner", "i"),
			ndir("top/was-empty-dir/"),
			nfile("top/was-empty-dir", "file replaces an empty directory"),
			ndir("top/merge/"),
			nfile("top/merge/one", "1"),
			ndir("top/merge/"),
			nfile("top/merge/two", "2"),
			nfile("top/snap", "old"),
			nhard("top/snap-link", "top/snap"),
			nfile("top/snap", "new"),
			nsym("top/s", "nowhere"),
			nhard("top/hard-to-symlink", "top/s"),
			nfile("top/s", "symlink replaced by a file"),
			nfile("/top/leading-slash", "slash"),
			// GNU tar drops a hard link target's prefix up to its last "..".
			nhard("top/dotdot-link", "../top/dup"),
			nhard("top/mid-dotdot-link", "/nowhere/../../top/other"),
		}},
	}
}

// badNarCase is an archive we refuse; wantErr is part of our error.
// Nix's fetchzip fails on all of them except those marked nixAccepts,
// which GNU tar unpacks by following a symlink: we refuse those on
// purpose (git archives never contain them).
type badNarCase struct {
	name       string
	ents       []narTarEnt
	wantErr    string
	nixAccepts bool
}

func badNarCases() []badNarCase {
	return []badNarCase{
		{"two-top-level", []narTarEnt{nfile("a/x", "1"), nfile("b", "2")},
			`single file or directory at its top level, as fetchzip requires; it has 2 entries ["a" "b"]`, false},
		{"empty", nil, "it has 0 entries", false},
		{"only-global-header", []narTarEnt{nglobal("abc")}, "it has 0 entries", false},
		{"dot-dot", []narTarEnt{nfile("r/x", "1"), nfile("r/../evil", "2")},
			`unpacking "r/../evil": member name contains ".."`, false},
		{"fifo", []narTarEnt{nfile("r/x", "1"), nspecial("r/pipe", tar.TypeFifo)},
			`unpacking "r/pipe": unsupported FIFO entry`, false},
		{"char-device", []narTarEnt{nspecial("r/null", tar.TypeChar)},
			`unpacking "r/null": unsupported character device entry`, false},
		{"block-device", []narTarEnt{nspecial("r/sda", tar.TypeBlock)},
			`unsupported block device entry`, false},
		{"top-symlink", []narTarEnt{nsym("only", "/bin/sh")},
			`only top-level entry "only" is a symlink`, true},
		{"hard-link-missing", []narTarEnt{nfile("r/x", "1"), nhard("r/y", "r/nope")},
			`unpacking "r/y": hard link to "r/nope", which is not in the archive before it`, false},
		{"hard-link-dir", []narTarEnt{ndir("r/d/"), nhard("r/y", "r/d")},
			`hard link to directory "r/d"`, false},
		{"under-file", []narTarEnt{nfile("r/a", "1"), nfile("r/a/b", "2")},
			`unpacking "r/a/b": "r/a" is a file, not a directory`, false},
		{"link-under-symlink", []narTarEnt{nfile("r/real/x", "x"), nsym("r/s", "real"), nhard("r/y", "r/s/x")},
			`unpacking "r/y": hard link to "r/s/x", which is beneath a symlink`, true},
		{"under-symlink", []narTarEnt{ndir("r/real/"), nsym("r/s", "real"), nfile("r/s/z", "z")},
			`unpacking "r/s/z": "r/s" is a symlink, not a directory`, true},
		{"replace-late-symlink", []narTarEnt{nsym("r/s", "/etc/passwd"), nfile("r/s", "file")},
			`unpacking "r/s": replacing the symlink to "/etc/passwd", which GNU tar creates last`, true},
		{"sparse", []narTarEnt{{name: "r/holes", typ: tar.TypeGNUSparse, body: "x"}},
			`unpacking "r/holes": sparse files are not supported`, true},
		{"replace-full-dir", []narTarEnt{nfile("r/d/x", "1"), nfile("r/d", "2")},
			`unpacking "r/d": a file would replace the non-empty directory`, false},
	}
}
