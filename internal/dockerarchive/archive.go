package dockerarchive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// archive writes one image's docker-archive into a sink.
type archive struct {
	ctx  context.Context
	img  v1.Image
	out  sink
	opts options
	repo string // normalised final name
	tag  string

	tails   map[v1.Hash]chan []byte // prefetched gzip trailers
	written map[v1.Hash]bool        // decompressed digests written
	known   map[v1.Hash]v1.Hash     // compressed digest -> decompressed digest
}

func (a *archive) write() error {
	mf, err := await(a.ctx, a.img.Manifest, nil)
	if err != nil {
		return fmt.Errorf("reading manifest: %w", err)
	}
	if err := checkManifest(a.img, mf); err != nil {
		return err
	}
	config, err := await(a.ctx, a.img.RawConfigFile, nil)
	if err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	if got := sha256.Sum256(config); hex.EncodeToString(got[:]) != mf.Config.Digest.Hex {
		return fmt.Errorf("reading config %s: %w", mf.Config.Digest, ErrDigest)
	}
	diffIDs := configDiffIDs(config)

	a.prefetchTails(mf.Layers)
	a.written = map[v1.Hash]bool{}
	a.known = map[v1.Hash]v1.Hash{}
	names := make([]v1.Hash, len(mf.Layers))
	for i, desc := range mf.Layers {
		var predicted v1.Hash
		if i < len(diffIDs) {
			predicted = diffIDs[i]
		}
		names[i], err = a.layer(desc, predicted)
		if err != nil {
			return fmt.Errorf("writing layer %d (%s): %w", i, desc.Digest, err)
		}
	}

	configName := mf.Config.Digest.Hex + ".json"
	if err := writeFile(a.out, configName, config); err != nil {
		return err
	}
	return a.writeMetadata(configName, config, names)
}

// checkManifest refuses what pullImage cannot turn into a
// docker-archive.
func checkManifest(img v1.Image, mf *v1.Manifest) error {
	mt, err := img.MediaType()
	if err != nil {
		return fmt.Errorf("reading media type: %w", err)
	}
	switch mt {
	case types.DockerManifestSchema1, types.DockerManifestSchema1Signed:
		return ErrSchema1
	case types.DockerManifestSchema2, types.OCIManifestSchema1, "":
	default:
		if mt.IsIndex() {
			return fmt.Errorf("%w: %s is an index; choose a platform first", ErrNotImage, mt)
		}
		return fmt.Errorf("%w: manifest media type %q", ErrNotImage, mt)
	}
	if mf.SchemaVersion == 1 {
		return ErrSchema1
	}
	oci := mt == types.OCIManifestSchema1 || mt == "" && mf.Config.MediaType == types.OCIConfigJSON
	switch {
	case mf.Config.MediaType == types.OCIConfigJSON:
	case mf.Config.MediaType == types.DockerConfigJSON && !oci:
	case mf.Config.MediaType == types.DockerConfigJSON:
		return fmt.Errorf("%w: Docker config media type in an OCI manifest", ErrMediaType)
	default:
		return fmt.Errorf("%w: config media type %q (an artifact)", ErrNotImage, mf.Config.MediaType)
	}
	for i, l := range mf.Layers {
		mt := string(l.MediaType)
		switch {
		case strings.Contains(mt, "+encrypted"):
			return fmt.Errorf("layer %d (%s): %w", i, mt, ErrEncrypted)
		case l.MediaType == types.DockerForeignLayer || strings.Contains(mt, "nondistributable") ||
			len(l.URLs) > 0:
			return fmt.Errorf("layer %d (%s): %w", i, mt, ErrForeignLayer)
		}
		switch l.MediaType {
		case types.DockerLayer, types.DockerUncompressedLayer:
			if oci {
				return fmt.Errorf("%w: layer %d has Docker media type %q in an OCI manifest", ErrMediaType, i, mt)
			}
		case types.OCILayer, types.OCIUncompressedLayer, types.OCILayerZStd:
			if !oci {
				return fmt.Errorf("%w: layer %d has OCI media type %q in a Docker schema 2 manifest", ErrMediaType, i, mt)
			}
		default:
			return fmt.Errorf("%w: layer %d has media type %q", ErrNotImage, i, mt)
		}
	}
	return nil
}

// configDiffIDs returns the config's rootfs.diff_ids, skipping bad ones
// (they only serve as predictions).
func configDiffIDs(config []byte) []v1.Hash {
	var c struct {
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	json.Unmarshal(config, &c)
	ids := make([]v1.Hash, len(c.RootFS.DiffIDs))
	for i, s := range c.RootFS.DiffIDs {
		if h, err := v1.NewHash(s); err == nil && h.Algorithm == "sha256" {
			ids[i] = h
		}
	}
	return ids
}

// layer writes one layer entry (unless an identical one was written)
// and returns its decompressed digest.
func (a *archive) layer(desc v1.Descriptor, predicted v1.Hash) (v1.Hash, error) {
	if d, ok := a.known[desc.Digest]; ok {
		return d, nil // the same blob again: same content, written once
	}
	b, err := a.open(desc)
	if err != nil {
		return v1.Hash{}, err
	}
	size := a.predictSize(b, desc)
	if b.format == plain {
		predicted = desc.Digest
	}
	var res result
	cp, rewindable := a.out.mark()
	exact := b.format == plain // a wrong prediction is then an error anyway
	switch {
	case a.opts.noPredict && !exact, size < 0, predicted.Hex == "", !rewindable && !exact, a.written[predicted]:
		// Measure first.
		res, err = a.copy(b, nil, 0)
		b.Close()
	default:
		res, err = a.entry(b, predicted, size)
		b.Close()
		if err == nil && res.name == predicted && res.size == size {
			a.known[desc.Digest] = predicted
			a.written[predicted] = true
			return predicted, nil
		}
		if err == nil {
			if err := a.out.rewind(cp); err != nil {
				return v1.Hash{}, err
			}
		}
	}
	if err != nil {
		return v1.Hash{}, err
	}

	// The name and size are known now.
	a.known[desc.Digest] = res.name
	if a.written[res.name] {
		return res.name, nil
	}
	b, err = a.open(desc)
	if err != nil {
		return v1.Hash{}, err
	}
	defer b.Close()
	again, err := a.entry(b, res.name, res.size)
	if err != nil {
		return v1.Hash{}, err
	}
	if again != res {
		return v1.Hash{}, fmt.Errorf("reading it again gave %s (%d bytes), not %s (%d bytes)", again.name, again.size, res.name, res.size)
	}
	a.written[res.name] = true
	return res.name, nil
}

// result is what a pass over a decompressed layer found.
type result struct {
	name v1.Hash
	size int64
}

// entry writes the tar entry <name>.tar of the given size with the
// decompressed content of b, and returns what the content really was.
// When that differs from name and size the bytes written are wrong and
// the caller must rewind or fail.
func (a *archive) entry(b *blob, name v1.Hash, size int64) (result, error) {
	h, err := header(name.Hex+".tar", size, "")
	if err != nil {
		return result{}, err
	}
	if _, err := a.out.Write(h); err != nil {
		return result{}, err
	}
	res, err := a.copy(b, a.out, size)
	if err != nil {
		return res, err
	}
	if res.size == size {
		if _, err := a.out.Write(padding(size)); err != nil {
			return res, err
		}
	}
	return res, nil
}

// copy reads b's decompressed content to its end, hashing it, and
// copies at most limit bytes of it to out (when out is not nil).
// Decompression runs in its own goroutine, hashing in this one.
func (a *archive) copy(b *blob, out io.Writer, limit int64) (result, error) {
	h := sha256.New()
	var n int64
	chunks := decompress(b)
	defer chunks.stop()
	for c := range chunks.full {
		p := c.buf[:c.n]
		h.Write(p)
		if out != nil && n < limit {
			q := p[:min(int64(len(p)), limit-n)]
			if _, err := out.Write(q); err != nil {
				return result{}, err
			}
		}
		n += int64(len(p))
		chunks.free <- c.buf
		if c.err == io.EOF {
			break
		}
		if c.err != nil {
			return result{}, b.explain(c.err)
		}
	}
	return result{name: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}, size: n}, nil
}

// chunkSize and chunkCount bound the memory a layer copy uses.
const (
	chunkSize  = 512 << 10
	chunkCount = 4
)

type chunk struct {
	buf []byte
	n   int
	err error // io.EOF after the last chunk
}

// pipe carries decompressed chunks from a reading goroutine.
type pipe struct {
	free chan []byte
	full chan chunk
	done chan struct{}
	exit chan struct{}
}

// decompress starts reading b into chunks.
func decompress(b *blob) *pipe {
	p := &pipe{
		free: make(chan []byte, chunkCount),
		full: make(chan chunk, chunkCount),
		done: make(chan struct{}),
		exit: make(chan struct{}),
	}
	for range chunkCount {
		p.free <- make([]byte, chunkSize)
	}
	go func() {
		defer close(p.exit)
		defer close(p.full)
		for {
			var buf []byte
			select {
			case buf = <-p.free:
			case <-p.done:
				return
			}
			n, err := fill(b.r, buf)
			select {
			case p.full <- chunk{buf: buf, n: n, err: err}:
			case <-p.done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return p
}

// fill reads into buf until it is full or r fails; unlike io.ReadFull
// it passes r's errors on unchanged (io.EOF at the end).
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// stop ends the reading goroutine and waits for it, so that the blob
// can be closed.
func (p *pipe) stop() {
	close(p.done)
	<-p.exit
}

// writeMetadata writes the legacy layer folders, manifest.json and
// repositories.
func (a *archive) writeMetadata(configName string, config []byte, names []v1.Hash) error {
	var top map[string]*json.RawMessage
	if err := json.Unmarshal(config, &top); err != nil {
		return fmt.Errorf("parsing config: %w", err)
	}
	var chain, parent string
	for i, d := range names {
		layerConfig := map[string]any{}
		if parent != "" {
			layerConfig["parent"] = parent
		}
		if i == len(names)-1 {
			for _, k := range []string{"architecture", "config", "container", "container_config", "created", "docker_version", "os"} {
				layerConfig[k] = top[k]
			}
		}
		if chain == "" {
			chain = d.String()
		} else {
			sum := sha256.Sum256([]byte(chain + " " + d.String()))
			chain = "sha256:" + hex.EncodeToString(sum[:])
		}
		layerConfig["layer_id"] = chain
		b, err := json.Marshal(layerConfig)
		if err != nil {
			return fmt.Errorf("marshalling layer config: %w", err)
		}
		delete(layerConfig, "layer_id")
		sum := sha256.Sum256(b)
		id := hex.EncodeToString(sum[:])
		layerConfig["id"] = id
		b, err = json.Marshal(layerConfig)
		if err != nil {
			return fmt.Errorf("marshalling layer config: %w", err)
		}
		if err := writeSymlink(a.out, id+"/layer.tar", "../"+d.Hex+".tar"); err != nil {
			return err
		}
		if err := writeFile(a.out, id+"/VERSION", []byte("1.0")); err != nil {
			return err
		}
		if err := writeFile(a.out, id+"/json", b); err != nil {
			return err
		}
		parent = id
	}

	type item struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	it := item{Config: configName, RepoTags: []string{a.repo + ":" + a.tag}, Layers: []string{}}
	for _, d := range names {
		it.Layers = append(it.Layers, d.Hex+".tar")
	}
	b, err := json.Marshal([]item{it})
	if err != nil {
		return err
	}
	if err := writeFile(a.out, "manifest.json", b); err != nil {
		return err
	}
	repos := map[string]map[string]string{}
	if parent != "" {
		repos[a.repo] = map[string]string{a.tag: parent}
	}
	if b, err = json.Marshal(repos); err != nil {
		return err
	}
	if err := writeFile(a.out, "repositories", b); err != nil {
		return err
	}
	_, err = a.out.Write(zeros[:])
	return err
}

// await runs fn, returning early with ctx's error when ctx ends first
// (v1 interfaces take no context). fn then finishes on its own, and
// discard (when not nil) disposes of its late result.
func await[T any](ctx context.Context, fn func() (T, error), discard func(T)) (T, error) {
	type res struct {
		v   T
		err error
	}
	ch := make(chan res, 1)
	go func() {
		v, err := fn()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		if discard != nil {
			go func() {
				if r := <-ch; r.err == nil {
					discard(r.v)
				}
			}()
		}
		var zero T
		return zero, ctx.Err()
	}
}
