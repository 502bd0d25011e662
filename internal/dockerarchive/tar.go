package dockerarchive

import (
	"archive/tar"
	"bytes"
	"encoding"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"time"
)

// sink receives the archive bytes. A sink that can rewind lets the
// writer take back a wrongly predicted layer.
type sink interface {
	io.Writer
	// mark returns a checkpoint, or false when the sink cannot rewind.
	mark() (checkpoint, bool)
	rewind(checkpoint) error
}

type checkpoint struct {
	state []byte
	n     int64
}

// hashSink hashes what it is given; its state can be saved and restored.
type hashSink struct {
	h hash.Hash
	n int64
}

func (s *hashSink) Write(p []byte) (int, error) {
	s.n += int64(len(p))
	return s.h.Write(p)
}

func (s *hashSink) mark() (checkpoint, bool) {
	b, err := s.h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return checkpoint{}, false
	}
	return checkpoint{state: b, n: s.n}, true
}

func (s *hashSink) rewind(c checkpoint) error {
	if err := s.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(c.state); err != nil {
		return fmt.Errorf("restoring hash state: %w", err)
	}
	s.n = c.n
	return nil
}

// plainSink passes bytes on; it cannot rewind.
type plainSink struct {
	w io.Writer
	n int64
}

func (s *plainSink) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.n += int64(n)
	return n, err
}

func (s *plainSink) mark() (checkpoint, bool) { return checkpoint{}, false }
func (s *plainSink) rewind(checkpoint) error {
	return fmt.Errorf("internal error: rewinding a plain sink")
}

// fileInfo is the synthetic file the archive's headers are made from:
// mode 0444 for files, a symlink otherwise, time 0, no owner.
type fileInfo struct {
	name    string
	size    int64
	symlink bool
}

func (f fileInfo) Name() string { return f.name }
func (f fileInfo) Size() int64  { return f.size }
func (f fileInfo) Mode() fs.FileMode {
	if f.symlink {
		return fs.ModeSymlink
	}
	return 0o444
}
func (f fileInfo) ModTime() time.Time { return time.Unix(0, 0) }
func (f fileInfo) IsDir() bool        { return false }
func (f fileInfo) Sys() any           { return nil }

// header returns the tar header block(s) for a file or symlink, exactly
// as archive/tar writes them for tar.FileInfoHeader of that file.
func header(name string, size int64, link string) ([]byte, error) {
	fi := fileInfo{name: name, size: size, symlink: link != ""}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return nil, fmt.Errorf("making tar header for %q: %w", name, err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, fmt.Errorf("making tar header for %q: %w", name, err)
	}
	return buf.Bytes(), nil
}

// zeros is a block of padding.
var zeros [1024]byte

// padding returns the zero bytes that follow size bytes of content.
func padding(size int64) []byte {
	return zeros[:(512-size%512)%512]
}

// writeFile writes a whole small file (header, content, padding).
func writeFile(w io.Writer, name string, content []byte) error {
	h, err := header(name, int64(len(content)), "")
	if err != nil {
		return err
	}
	for _, b := range [][]byte{h, content, padding(int64(len(content)))} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// writeSymlink writes a symlink entry.
func writeSymlink(w io.Writer, name, target string) error {
	h, err := header(name, 0, target)
	if err != nil {
		return err
	}
	_, err = w.Write(h)
	return err
}
