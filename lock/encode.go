package lock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Marshal returns the lock file's bytes: keys sorted at every level,
// two-space indent, a final newline. Entries read from a file and not
// changed since are written back byte for byte as they were read (in
// canonical form).
func (f *File) Marshal() []byte {
	var b bytes.Buffer
	keys := f.Keys()
	if len(keys) == 0 {
		return []byte("{}\n")
	}
	b.WriteString("{\n")
	for i, k := range keys {
		b.WriteString("  ")
		b.Write(encodeString(k))
		b.WriteString(": ")
		b.Write(f.Entries[k].bytes())
		if i < len(keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// bytes returns the entry's canonical encoding at depth one.
func (e *Entry) bytes() []byte {
	if e.raw != nil {
		return e.raw
	}
	return canonical(e.compact(), 1)
}

// Bytes returns the entry as Marshal writes it, indented as a top-level
// value; two entries that encode the same are written the same.
func (e *Entry) Bytes() []byte {
	return canonical(e.bytes(), 0)
}

// compact encodes the entry from its fields as compact JSON.
func (e *Entry) compact() []byte {
	m := map[string]any{}
	for k, v := range e.Extra {
		m[k] = v
	}
	if md := e.Metadata.object(); len(md) > 0 {
		m["metadata"] = md
	}
	switch {
	case e.Docker != nil:
		m["lock"] = e.Docker.object()
	case e.GitHub != nil:
		m["lock"] = e.GitHub.object()
	default:
		m["lock"] = e.Digest
	}
	return encodeJSON(m)
}

func (md *Metadata) object() map[string]any {
	m := map[string]any{}
	for k, v := range md.Extra {
		m[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("name", md.Name)
	set("selected_version", md.SelectedVersion)
	set("resolved_version", md.ResolvedVersion)
	set("timestamp", md.Timestamp)
	set("dep_type", md.DepType)
	set("description", md.Description)
	return m
}

func (d *Docker) object() map[string]any {
	m := map[string]any{}
	for k, v := range d.Extra {
		m[k] = v
	}
	m["imageDigest"] = d.ImageDigest
	m["sha256"] = d.SHA256
	if d.Platform != "" {
		m["platform"] = d.Platform
	}
	if len(d.Platforms) > 0 {
		ps := map[string]any{}
		for p, pl := range d.Platforms {
			pm := map[string]any{}
			for k, v := range pl.Extra {
				pm[k] = v
			}
			pm["imageDigest"] = pl.ImageDigest
			pm["sha256"] = pl.SHA256
			ps[p] = pm
		}
		m["platforms"] = ps
	}
	return m
}

func (g *GitHub) object() map[string]any {
	m := map[string]any{}
	for k, v := range g.Extra {
		m[k] = v
	}
	m["owner"] = g.Owner
	m["repo"] = g.Repo
	m["rev"] = g.Rev
	m["sha256"] = g.SHA256
	m["fetchSubmodules"] = g.FetchSubmodules
	m["deepClone"] = g.DeepClone
	m["leaveDotGit"] = g.LeaveDotGit
	return m
}

// encodeJSON encodes v compactly without escaping <, > and &.
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only strings, booleans, maps and valid raw JSON get here.
		panic(fmt.Sprintf("lock: encoding an entry: %v", err))
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func encodeString(s string) []byte { return encodeJSON(s) }

// canonical re-indents the JSON value in src at the given depth, sorting
// object keys and keeping every string and number exactly as written.
func canonical(src []byte, depth int) []byte {
	v, _, _, err := parseTree(src)
	if err != nil {
		panic(fmt.Sprintf("lock: re-reading an encoded entry: %v", err))
	}
	var b bytes.Buffer
	writeValue(&b, v, depth)
	return b.Bytes()
}

func writeValue(b *bytes.Buffer, v *value, depth int) {
	switch v.kind {
	case '{':
		if len(v.members) == 0 {
			b.WriteString("{}")
			return
		}
		ms := append([]member(nil), v.members...)
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].key < ms[j].key })
		b.WriteString("{\n")
		for i, m := range ms {
			indent(b, depth+1)
			b.Write(m.rawKey)
			b.WriteString(": ")
			writeValue(b, m.val, depth+1)
			if i < len(ms)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(b, depth)
		b.WriteByte('}')
	case '[':
		if len(v.elems) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range v.elems {
			indent(b, depth+1)
			writeValue(b, e, depth+1)
			if i < len(v.elems)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(b, depth)
		b.WriteByte(']')
	default:
		b.Write(v.raw())
	}
}

func indent(b *bytes.Buffer, depth int) {
	for range depth {
		b.WriteString("  ")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
