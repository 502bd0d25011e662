package resolve

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/nix-community/go-nix/pkg/nar"
	"github.com/nix-community/go-nix/pkg/nixhash"
	"github.com/nix-community/go-nix/pkg/wire"
)

// Defaults for NarHashOptions.
const (
	DefaultNarMemoryLimit   = 64 << 20
	DefaultNarFileThreshold = 1 << 20
)

// NarHashOptions bounds the memory NarHashOptions.HashTarball uses. Tar
// order is arbitrary, so every file's contents must be kept until the
// whole tree is known: small files are kept in memory up to MemoryLimit
// bytes in total, and files above FileThreshold bytes (or any file once the
// limit is reached) are written to one temporary file in TempDir, removed
// before returning.
type NarHashOptions struct {
	TempDir       string // "" means os.TempDir()
	MemoryLimit   int64  // 0 means DefaultNarMemoryLimit
	FileThreshold int64  // 0 means DefaultNarFileThreshold
}

// NarHashTarball returns the NAR SHA-256 of the tree that nixpkgs'
// fetchzip (with its default stripRoot) produces from the tarball r, that
// is the hash fetchFromGitHub checks. r may be gzip-compressed or a plain
// tar stream.
func NarHashTarball(r io.Reader) (*nixhash.Hash, error) {
	return NarHashOptions{}.HashTarball(r)
}

// HashTarball is NarHashTarball with explicit limits.
func (o NarHashOptions) HashTarball(r io.Reader) (*nixhash.Hash, error) {
	store := &narStore{
		dir:       o.TempDir,
		memLimit:  o.MemoryLimit,
		threshold: o.FileThreshold,
	}
	if store.memLimit <= 0 {
		store.memLimit = DefaultNarMemoryLimit
	}
	if store.threshold <= 0 {
		store.threshold = DefaultNarFileThreshold
	}
	defer store.close()

	stream, err := narDecompress(r)
	if err != nil {
		return nil, err
	}
	root, err := narReadTar(stream, store)
	if err != nil {
		return nil, err
	}
	// Read to the end so that gzip checks its CRC, as gunzip does for
	// GNU tar.
	if _, err := io.Copy(io.Discard, stream); err != nil {
		return nil, fmt.Errorf("reading the end of the tarball: %w", err)
	}
	out, err := narStripRoot(root)
	if err != nil {
		return nil, err
	}
	return narHash(out, store)
}

// narDecompress undoes gzip compression if the stream starts with gzip's
// magic number, and otherwise returns the stream as is.
func narDecompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading tarball: %w", err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading gzip header: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// narNode is one entry of the unpacked tree.
type narNode struct {
	kind     nar.NodeType
	exec     bool
	target   string // symlink target
	late     bool   // a symlink GNU tar creates only at the end
	blob     narBlob
	children map[string]*narNode
}

func narNewDir() *narNode {
	return &narNode{kind: nar.TypeDirectory, children: map[string]*narNode{}}
}

// narReadTar unpacks the tar stream into a tree the way GNU tar would
// extract it into an empty directory, which the returned root stands for.
func narReadTar(r io.Reader, store *narStore) (*narNode, error) {
	root := narNewDir()
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return root, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading tar entry: %w", err)
		}
		if err := narAddEntry(root, hdr, tr, store); err != nil {
			return nil, fmt.Errorf("unpacking %q: %w", hdr.Name, err)
		}
	}
}

// narAddEntry adds one tar entry to the tree.
func narAddEntry(root *narNode, hdr *tar.Header, r io.Reader, store *narStore) error {
	switch hdr.Typeflag {
	case tar.TypeXGlobalHeader:
		// git archive's pax_global_header holds the commit id;
		// GNU tar does not extract it.
		return nil
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return fmt.Errorf("unsupported %s entry (fetchzip cannot unpack it)",
			narTypeName(hdr.Typeflag))
	}
	if narSparse(hdr) {
		// git archive never writes them, and a sparse map can claim
		// terabytes of holes.
		return fmt.Errorf("sparse files are not supported")
	}
	parts, err := narMemberPath(hdr.Name)
	if err != nil {
		return err
	}

	var node *narNode
	switch hdr.Typeflag {
	case tar.TypeDir:
		if len(parts) == 0 {
			return nil // "./": the directory being unpacked into
		}
		node = narNewDir()
	case tar.TypeReg, tar.TypeRegA, tar.TypeCont:
		blob, err := store.put(r, hdr.Size)
		if err != nil {
			return err
		}
		node = &narNode{kind: nar.TypeRegular, exec: hdr.Mode&0o100 != 0, blob: blob}
	case tar.TypeSymlink:
		if hdr.Linkname == "" {
			return fmt.Errorf("symlink has an empty target")
		}
		node = &narNode{kind: nar.TypeSymlink, target: hdr.Linkname,
			late: narLateSymlink(hdr.Linkname)}
	case tar.TypeLink:
		target := narLinkPath(hdr.Linkname)
		if slices.Equal(parts, target) && narFind(root, target) != nil {
			return nil // a link to itself leaves the entry as it is
		}
		node, err = narLookupLink(root, hdr.Linkname)
		if err != nil {
			return err
		}
	default:
		return fmt.Errorf("unsupported tar entry type %q", hdr.Typeflag)
	}
	if len(parts) == 0 {
		return fmt.Errorf("entry names the top directory itself")
	}
	return narPlace(root, parts, node)
}

// narSparse reports whether the entry is a sparse file, in the old GNU
// format or in one of the PAX ones.
func narSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// narLookupLink finds the target of a hard link. The link gets a copy of
// the node: a later entry that replaces the target leaves the link as
// it was, as with GNU tar.
func narLookupLink(root *narNode, name string) (*narNode, error) {
	parts := narLinkPath(name)
	for i := range parts[:max(len(parts)-1, 0)] {
		if p := narFind(root, parts[:i+1]); p != nil && p.kind == nar.TypeSymlink {
			return nil, fmt.Errorf("hard link to %q, which is beneath a symlink", name)
		}
	}
	n := narFind(root, parts)
	if n == nil || len(parts) == 0 {
		return nil, fmt.Errorf("hard link to %q, which is not in the archive before it", name)
	}
	if n.kind == nar.TypeDirectory {
		return nil, fmt.Errorf("hard link to directory %q", name)
	}
	c := *n
	return &c, nil
}

// narFind returns the node at parts below root, or nil.
func narFind(root *narNode, parts []string) *narNode {
	n := root
	for _, p := range parts {
		if n.kind != nar.TypeDirectory {
			return nil
		}
		n = n.children[p]
		if n == nil {
			return nil
		}
	}
	return n
}

// narPlace puts node at the path parts below root, creating missing parent
// directories. Directories merge; anything else replaces what was there,
// except a directory that is not empty (GNU tar fails on those).
func narPlace(root *narNode, parts []string, node *narNode) error {
	dir := root
	for i, p := range parts[:len(parts)-1] {
		next := dir.children[p]
		switch {
		case next == nil:
			next = narNewDir()
			dir.children[p] = next
		case next.kind != nar.TypeDirectory:
			return fmt.Errorf("%q is a %s, not a directory",
				strings.Join(parts[:i+1], "/"), narKindName(next.kind))
		}
		dir = next
	}

	name := parts[len(parts)-1]
	old := dir.children[name]
	switch {
	case old != nil && old.late:
		// GNU tar first puts a placeholder file there, and at the end
		// replaces it with the symlink if it looks unchanged, judged by
		// its inode number, which the file system may have reused.
		return fmt.Errorf("replacing the symlink to %q, which GNU tar creates last; "+
			"what it leaves depends on the file system", old.target)
	case old == nil:
		dir.children[name] = node
	case old.kind == nar.TypeDirectory && node.kind == nar.TypeDirectory:
		// Directories merge; the later entry's metadata does not matter.
	case old.kind == nar.TypeDirectory && len(old.children) > 0:
		return fmt.Errorf("a %s would replace the non-empty directory of the same name",
			narKindName(node.kind))
	default:
		dir.children[name] = node
	}
	return nil
}

// narLateSymlink reports whether GNU tar delays creating a symlink
// with this target until the end of the archive: absolute targets and
// targets with a ".." component.
func narLateSymlink(target string) bool {
	return strings.HasPrefix(target, "/") || slices.Contains(strings.Split(target, "/"), "..")
}

// narMemberPath splits a member name into components the way GNU tar
// resolves it: leading slashes and "." components go, ".." is refused.
func narMemberPath(name string) ([]string, error) {
	var parts []string
	for p := range strings.SplitSeq(name, "/") {
		switch p {
		case "", ".":
			continue
		case "..":
			return nil, fmt.Errorf("member name contains \"..\" (GNU tar refuses it)")
		}
		parts = append(parts, p)
	}
	return parts, nil
}

// narLinkPath splits a hard link's target the way GNU tar resolves it:
// unlike member names, a target with ".." is not refused; everything up
// to its last ".." component is dropped, as are leading slashes.
func narLinkPath(name string) []string {
	var parts []string
	for p := range strings.SplitSeq(name, "/") {
		switch p {
		case "", ".":
			continue
		case "..":
			parts = parts[:0]
			continue
		}
		parts = append(parts, p)
	}
	return parts
}

// stripRoot applies fetchzip's stripRoot rule to the unpacked directory:
// a single directory becomes the output, a single file is placed inside
// an output directory, anything else fails.
func narStripRoot(root *narNode) (*narNode, error) {
	names := narSortedNames(root)
	if len(names) != 1 {
		shown := names
		if len(shown) > 5 {
			shown = append(slices.Clone(shown[:5]), "...")
		}
		return nil, fmt.Errorf("archive must contain a single file or directory "+
			"at its top level, as fetchzip requires; it has %d entries %q",
			len(names), shown)
	}
	top := root.children[names[0]]
	switch top.kind {
	case nar.TypeDirectory:
		return top, nil
	case nar.TypeRegular:
		return &narNode{kind: nar.TypeDirectory,
			children: map[string]*narNode{names[0]: top}}, nil
	default:
		return nil, fmt.Errorf("archive's only top-level entry %q is a symlink, "+
			"which fetchzip does not unpack reliably", names[0])
	}
}

func narSortedNames(dir *narNode) []string {
	names := make([]string, 0, len(dir.children))
	for name := range dir.children {
		names = append(names, name)
	}
	// NAR orders entries by the bytes of their names, which is Go's
	// string order.
	slices.Sort(names)
	return names
}

// narHash serialises the tree as a NAR into SHA-256.
func narHash(root *narNode, store *narStore) (*nixhash.Hash, error) {
	h := sha256.New()
	bw := bufio.NewWriterSize(h, 64<<10)
	if err := narWrite(bw, root, store); err != nil {
		return nil, fmt.Errorf("writing NAR: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("writing NAR: %w", err)
	}
	return nixhash.NewHash(nixhash.SHA256, h.Sum(nil))
}

// narWrite writes the NAR serialisation of the tree with go-nix's wire
// encoding. It does not use go-nix's nar.Writer, which takes an entry
// whose name starts with ".." (such as "..." or "..foo", valid file
// names) for a step up the tree and fails on it.
func narWrite(w io.Writer, root *narNode, store *narStore) error {
	if err := wire.WriteString(w, "nix-archive-1"); err != nil {
		return err
	}
	return narWriteNode(w, root, store)
}

func narWriteNode(w io.Writer, n *narNode, store *narStore) error {
	tokens := func(ss ...string) error {
		for _, s := range ss {
			if err := wire.WriteString(w, s); err != nil {
				return err
			}
		}
		return nil
	}
	if err := tokens("(", "type", n.kind.String()); err != nil {
		return err
	}
	switch n.kind {
	case nar.TypeRegular:
		if n.exec {
			if err := tokens("executable", ""); err != nil {
				return err
			}
		}
		if err := tokens("contents"); err != nil {
			return err
		}
		bw, err := wire.NewBytesWriter(w, uint64(n.blob.size))
		if err != nil {
			return err
		}
		if _, err := io.Copy(bw, store.open(n.blob)); err != nil {
			return err
		}
		if err := bw.Close(); err != nil {
			return err
		}
	case nar.TypeSymlink:
		if err := tokens("target", n.target); err != nil {
			return err
		}
	case nar.TypeDirectory:
		for _, name := range narSortedNames(n) {
			if err := tokens("entry", "(", "name", name, "node"); err != nil {
				return err
			}
			if err := narWriteNode(w, n.children[name], store); err != nil {
				return err
			}
			if err := tokens(")"); err != nil {
				return err
			}
		}
	}
	return tokens(")")
}

// narBlob is a file's contents: in memory, or a range of the spill file.
type narBlob struct {
	data    []byte
	spilled bool
	off     int64
	size    int64
}

// narStore keeps file contents until the NAR is written.
type narStore struct {
	dir       string
	memLimit  int64
	threshold int64
	memUsed   int64
	spill     *os.File
	spillSize int64
}

func (s *narStore) put(r io.Reader, size int64) (narBlob, error) {
	if size < 0 {
		return narBlob{}, fmt.Errorf("negative file size %d", size)
	}
	if size <= s.threshold && s.memUsed+size <= s.memLimit {
		data := make([]byte, size)
		if _, err := io.ReadFull(r, data); err != nil {
			return narBlob{}, fmt.Errorf("reading contents: %w", err)
		}
		s.memUsed += size
		return narBlob{data: data, size: size}, nil
	}

	if s.spill == nil {
		f, err := os.CreateTemp(s.dir, "uptix-nar-*")
		if err != nil {
			return narBlob{}, fmt.Errorf("creating temporary file: %w", err)
		}
		s.spill = f
	}
	n, err := io.Copy(io.NewOffsetWriter(s.spill, s.spillSize), io.LimitReader(r, size))
	if err != nil {
		return narBlob{}, fmt.Errorf("spilling contents to %q: %w", s.spill.Name(), err)
	}
	if n != size {
		return narBlob{}, fmt.Errorf("reading contents: %w", io.ErrUnexpectedEOF)
	}
	b := narBlob{spilled: true, off: s.spillSize, size: size}
	s.spillSize += size
	return b, nil
}

func (s *narStore) open(b narBlob) io.Reader {
	if !b.spilled {
		return bytes.NewReader(b.data)
	}
	return io.NewSectionReader(s.spill, b.off, b.size)
}

func (s *narStore) close() {
	if s.spill != nil {
		name := s.spill.Name()
		_ = s.spill.Close()
		_ = os.Remove(name)
	}
}

func narTypeName(flag byte) string {
	switch flag {
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "FIFO"
	}
	return fmt.Sprintf("type %q", flag)
}

func narKindName(t nar.NodeType) string {
	switch t {
	case nar.TypeDirectory:
		return "directory"
	case nar.TypeSymlink:
		return "symlink"
	}
	return "file"
}
