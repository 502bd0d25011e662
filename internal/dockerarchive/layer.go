package dockerarchive

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// format is a compression format detected from magic bytes.
type format int

const (
	plain format = iota
	gzipped
	zstded
	bzipped
	xzed
)

func (f format) String() string {
	return [...]string{"uncompressed", "gzip", "zstd", "bzip2", "xz"}[f]
}

// detect names the compression of a blob from its first bytes, as
// containers/image does.
func detect(b []byte) format {
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b, 0x08}):
		return gzipped
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return zstded
	case bytes.HasPrefix(b, []byte("BZh")):
		return bzipped
	case bytes.HasPrefix(b, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		return xzed
	}
	return plain
}

// blob is an open layer blob: its compressed stream (verified against
// the descriptor) and the decompressed stream.
type blob struct {
	format  format
	head    []byte // the first bytes, for size prediction
	rc      io.ReadCloser
	raw     io.Reader // the checked compressed stream
	cr      *checkedReader
	r       io.Reader // decompressed
	closer  func()
	ctx     context.Context
	unwatch func() bool
}

func (b *blob) Close() {
	b.unwatch()
	if b.closer != nil {
		b.closer()
	}
	b.rc.Close()
}

// open opens the layer desc and sets up decompression.
func (a *archive) open(desc v1.Descriptor) (*blob, error) {
	rc, err := await(a.ctx, func() (io.ReadCloser, error) {
		l, err := a.img.LayerByDigest(desc.Digest)
		if err != nil {
			return nil, err
		}
		return l.Compressed()
	}, func(rc io.ReadCloser) { rc.Close() })
	if err != nil {
		return nil, err
	}
	// Closing the body is what ends a read that hangs when ctx ends.
	unwatch := context.AfterFunc(a.ctx, func() { rc.Close() })
	cr := &checkedReader{ctx: a.ctx, r: rc, want: desc, progress: a.opts.progress}
	if !a.opts.verified {
		cr.h = sha256.New()
	}
	br := bufio.NewReaderSize(cr, 1<<16)
	head, err := br.Peek(32)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		unwatch()
		rc.Close()
		if a.ctx.Err() != nil {
			return nil, a.ctx.Err()
		}
		return nil, err
	}
	b := &blob{format: detect(head), head: append([]byte(nil), head...), rc: rc, raw: br, cr: cr, ctx: a.ctx, unwatch: unwatch}
	switch b.format {
	case plain:
		b.r = br
	case gzipped:
		zr, err := kgzip.NewReader(br)
		if err != nil {
			err = b.explain(err)
			b.Close()
			return nil, err
		}
		b.r, b.closer = zr, func() { zr.Close() }
	case zstded:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			err = b.explain(err)
			b.Close()
			return nil, err
		}
		b.r, b.closer = zr, zr.Close
	case bzipped:
		b.r = bzip2.NewReader(br)
	case xzed:
		zr, err := xz.NewReader(br)
		if err != nil {
			err = b.explain(err)
			b.Close()
			return nil, err
		}
		b.r = zr
	}
	// A decompressor stops at its own end; the rest of the blob must
	// still be read so that its digest is checked.
	b.r = &drainReader{r: b.r, rest: br}
	return b, nil
}

// drainReader reads r to its end, then discards the rest of the blob
// (bytes after the end of the compressed data) so that the checked
// reader below still sees every byte and checks the digest.
type drainReader struct {
	r, rest io.Reader
	done    bool
}

func (d *drainReader) Read(p []byte) (int, error) {
	if !d.done {
		n, err := d.r.Read(p)
		if err != io.EOF {
			return n, err
		}
		d.done = true
		if n > 0 {
			return n, nil
		}
	}
	if _, err := io.Copy(io.Discard, d.rest); err != nil {
		return 0, err
	}
	return 0, io.EOF
}

// checkedReader counts and hashes the compressed stream, reports
// progress, honours ctx, and at EOF checks size and digest.
type checkedReader struct {
	ctx      context.Context
	r        io.Reader
	h        hash.Hash
	n        int64
	want     v1.Descriptor
	progress func(int64)
}

func (c *checkedReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		if c.h != nil {
			c.h.Write(p[:n])
		}
		if c.progress != nil {
			c.progress(int64(n))
		}
		if c.want.Size > 0 && c.n > c.want.Size {
			return n, fmt.Errorf("reading blob %s: more than the %d bytes the manifest gives: %w", c.want.Digest, c.want.Size, ErrDigest)
		}
	}
	if err == io.EOF {
		if c.want.Size >= 0 && c.n != c.want.Size {
			return n, fmt.Errorf("reading blob %s: got %d bytes, want %d: %w", c.want.Digest, c.n, c.want.Size, io.ErrUnexpectedEOF)
		}
		if c.h == nil {
			return n, err
		}
		if got := hex.EncodeToString(c.h.Sum(nil)); got != c.want.Digest.Hex {
			return n, fmt.Errorf("reading blob %s: got sha256:%s: %w", c.want.Digest, got, ErrDigest)
		}
	}
	return n, err
}

// predictSize guesses the decompressed size of an open blob without
// reading it: exact for plain tar, from the gzip trailer for gzip, the
// frame content size for single-frame zstd. It returns -1 when it has
// no guess.
func (a *archive) predictSize(b *blob, desc v1.Descriptor) int64 {
	switch b.format {
	case plain:
		return desc.Size
	case gzipped:
		return a.gzipSize(desc)
	case zstded:
		return zstdFrameSize(b.head)
	}
	return -1
}

// prefetchTails starts reading the gzip trailers of every layer labelled
// gzip, a few at a time, so that their round trips overlap.
func (a *archive) prefetchTails(layers []v1.Descriptor) {
	a.tails = map[v1.Hash]chan []byte{}
	if a.opts.ranger == nil {
		return
	}
	sem := make(chan struct{}, 4)
	for _, d := range layers {
		if _, ok := a.tails[d.Digest]; ok || d.Size < 18 ||
			(d.MediaType != types.DockerLayer && d.MediaType != types.OCILayer) {
			continue
		}
		ch := make(chan []byte, 1)
		a.tails[d.Digest] = ch
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			tail, err := a.opts.ranger.Tail(a.ctx, d.Digest, d.Size, 4)
			if err != nil || len(tail) != 4 {
				tail = nil
			}
			ch <- tail
		}()
	}
}

// gzipSize predicts a gzip blob's decompressed size from ISIZE, its last
// four bytes: the size modulo 2^32 of the last member. For big layers it
// adds the multiple of 2^32 that makes the size at least about the
// compressed size (right for poorly compressible data, and checked
// anyway).
func (a *archive) gzipSize(desc v1.Descriptor) int64 {
	var tail []byte
	if ch, ok := a.tails[desc.Digest]; ok {
		tail = <-ch
		ch <- tail // for a later layer with the same blob
	} else if a.opts.ranger != nil && desc.Size >= 18 {
		tail, _ = a.opts.ranger.Tail(a.ctx, desc.Digest, desc.Size, 4)
	}
	if len(tail) != 4 {
		return -1
	}
	size := int64(binary.LittleEndian.Uint32(tail))
	for size < desc.Size-desc.Size/64-1024 {
		size += 1 << 32
	}
	return size
}

// zstdFrameSize reads Frame_Content_Size from a zstd frame header, or
// returns -1.
func zstdFrameSize(h []byte) int64 {
	if len(h) < 6 {
		return -1
	}
	fhd := h[4]
	fcsFlag := fhd >> 6
	single := fhd&0x20 != 0
	didFlag := fhd & 3
	off := 5
	if !single {
		off++ // window descriptor
	}
	off += [4]int{0, 1, 2, 4}[didFlag]
	size := [4]int{0, 2, 4, 8}[fcsFlag]
	if fcsFlag == 0 && single {
		size = 1
	}
	if size == 0 || len(h) < off+size {
		return -1
	}
	f := h[off : off+size]
	switch size {
	case 1:
		return int64(f[0])
	case 2:
		return int64(binary.LittleEndian.Uint16(f)) + 256
	case 4:
		return int64(binary.LittleEndian.Uint32(f))
	default:
		v := binary.LittleEndian.Uint64(f)
		if v > 1<<62 {
			return -1
		}
		return int64(v)
	}
}

// explain turns a decompression error into the digest error behind it
// when the blob itself is damaged: it reads the rest of the compressed
// stream, whose digest is checked at its end.
func (b *blob) explain(err error) error {
	if cerr := b.ctx.Err(); cerr != nil {
		return cerr
	}
	if errors.Is(err, ErrDigest) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) && b.cr.n < b.cr.want.Size {
		return fmt.Errorf("reading blob %s: it ended after %d of %d bytes: %w", b.cr.want.Digest, b.cr.n, b.cr.want.Size, err)
	}
	if _, derr := io.Copy(io.Discard, b.raw); derr != nil {
		if errors.Is(derr, ErrDigest) {
			return derr
		}
		if derr.Error() != err.Error() {
			return fmt.Errorf("decompressing %s: %v; reading the rest of the blob: %w", b.format, err, derr)
		}
	}
	return fmt.Errorf("decompressing %s: %w", b.format, err)
}
