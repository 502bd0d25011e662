package testreg

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Epoch is the fixed time fixtures use for file times and "created".
var Epoch = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// Random returns n deterministic pseudo-random bytes for seed.
func Random(seed uint64, n int) []byte {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	r := rand.NewChaCha8(key)
	b := make([]byte, n)
	r.Read(b)
	return b
}

// Text returns n bytes of compressible, deterministic text.
func Text(seed uint64, n int) []byte {
	var buf bytes.Buffer
	for i := 0; buf.Len() < n; i++ {
		fmt.Fprintf(&buf, "line %d of fixture %d: the quick brown fox jumps over the lazy dog\n", i, seed)
	}
	return buf.Bytes()[:n]
}

// Tar returns a deterministic tar stream with files files of fileSize
// bytes each; about randomPercent of every file is random, the rest text.
func Tar(seed uint64, files, fileSize, randomPercent int) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: fmt.Sprintf("data%d/", seed), Mode: 0o755, ModTime: Epoch})
	for i := range files {
		nr := fileSize * randomPercent / 100
		body := append(Random(seed*1000+uint64(i), nr), Text(seed, fileSize-nr)...)
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     fmt.Sprintf("data%d/file%03d.bin", seed, i),
			Mode:     0o644,
			Size:     int64(len(body)),
			ModTime:  Epoch,
		}
		tw.WriteHeader(hdr)
		tw.Write(body)
	}
	tw.Close()
	return buf.Bytes()
}

// EmptyTar is a tar stream with no entries (two zero blocks).
func EmptyTar() []byte { return make([]byte, 1024) }

// Compression is how a fixture layer's blob is stored.
type Compression int

// Compressions fixtures can use.
const (
	Gzip              Compression = iota
	Uncompressed                  // plain tar, labelled as plain tar
	Zstd                          // zstd, labelled as zstd (OCI)
	GzipMultiMember               // gzip with several members
	PlainLabelledGzip             // plain tar, labelled as gzip
	Xz                            // xz, labelled as gzip
	Bzip2                         // bzip2, labelled as gzip (needs the bzip2 program)
	GzipStdlib                    // gzip written by compress/gzip
)

func (c Compression) String() string {
	return [...]string{"gzip", "uncompressed", "zstd", "gzip-multi", "plain-as-gzip", "xz", "bzip2", "gzip-std"}[c]
}

// Compress returns data compressed as c.
func Compress(data []byte, c Compression) ([]byte, error) {
	var buf bytes.Buffer
	switch c {
	case Gzip:
		zw, _ := kgzip.NewWriterLevel(&buf, kgzip.BestSpeed)
		zw.Write(data)
		zw.Close()
	case GzipStdlib:
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
	case GzipMultiMember:
		step := max(1, (len(data)+2)/3)
		for off := 0; off == 0 || off < len(data); off += step {
			zw := gzip.NewWriter(&buf)
			zw.Write(data[off:min(off+step, len(data))])
			zw.Close()
		}
	case Uncompressed, PlainLabelledGzip:
		return data, nil
	case Zstd:
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		return enc.EncodeAll(data, nil), nil
	case Xz:
		zw, err := xz.NewWriter(&buf)
		if err != nil {
			return nil, err
		}
		zw.Write(data)
		if err := zw.Close(); err != nil {
			return nil, err
		}
	case Bzip2:
		cmd := exec.Command("bzip2", "-c", "-9")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("running bzip2: %w", err)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unknown compression %d", c)
	}
	return buf.Bytes(), nil
}
