package lock

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/uptix-dev/uptix/nixast"
)

// Error is a problem in a lock file, at a position.
type Error struct {
	Filename string
	Offset   int // byte offset
	Line     int // 1-based
	Column   int // 1-based, in bytes
	Msg      string
	LineText string // the line the error is on, without its line ending
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Filename, e.Line, e.Column, e.Msg)
}

// ErrorList is every problem found in a lock file, in file order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// EmptyMsg is the message of the error Parse reports for an empty file.
const EmptyMsg = "the lock file is empty; run 'uptix init' to start a new one"

// Excerpt returns the line e is on and, below it, a caret under its
// column, each line indented by a tab and ended by a newline; tabs in
// the line are kept so that the caret lines up. It is "" when there is
// no line to show.
func (e *Error) Excerpt() string {
	if e.LineText == "" {
		return ""
	}
	return "\t" + e.LineText + "\n\t" + nixast.CaretPad(e.LineText, e.Column) + "^\n"
}

// Explain returns err as a person reads it, ending in a newline: for an
// ErrorList (or an error wrapping one), each problem's file:line:col
// message followed by its Excerpt; for other errors, err.Error().
func Explain(err error) string {
	var l ErrorList
	if !errors.As(err, &l) {
		return err.Error() + "\n"
	}
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Error())
		b.WriteByte('\n')
		b.WriteString(e.Excerpt())
	}
	return b.String()
}

// ReadFile reads and validates the lock file at path. A missing file is
// an error satisfying errors.Is(err, fs.ErrNotExist).
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse validates a lock file's content. filename is used in error
// positions. A file that is empty (or only white space) is an error: it
// is most likely a lock cut short, and a new lock is "{}" (see Create).
// Entries written by the earlier uptix are accepted: a bare image
// digest, and an image lock without a platform, give a Stale entry; a
// GitHub lock not wrapped in {metadata, lock} is upgraded when written.
// The error, when not nil, is an ErrorList.
func Parse(filename string, data []byte) (*File, error) {
	p := &checker{filename: filename, src: data}
	if len(bytes.TrimSpace(data)) == 0 {
		p.errorf(0, "%s", EmptyMsg)
		return nil, p.errs
	}
	root, dups, dupNames, err := parseTree(data)
	if err != nil {
		var oe *offsetError
		if errors.As(err, &oe) {
			p.errorf(oe.off, "%s", oe.msg)
			return nil, p.errs
		}
		p.errorf(0, "%v", err)
		return nil, p.errs
	}
	for i, d := range dups {
		p.errorf(d.keyStart, "duplicate key %q", dupNames[i])
	}
	f := p.file(root)
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Offset < p.errs[j].Offset })
		if len(p.errs) > maxErrors {
			more := len(p.errs) - maxErrors
			last := *p.errs[maxErrors-1]
			last.Msg = fmt.Sprintf("and %d more problems", more)
			p.errs = append(p.errs[:maxErrors:maxErrors], &last)
		}
		return nil, p.errs
	}
	return f, nil
}

// maxErrors is how many problems Parse reports before it says how many
// more there are.
const maxErrors = 20

// checker collects validation errors.
type checker struct {
	filename string
	src      []byte
	errs     ErrorList
	lines    []int // offsets where lines start, computed on the first error
}

func (p *checker) errorf(off int, format string, args ...any) {
	if p.lines == nil {
		p.lines = []int{0}
		for i, c := range p.src {
			if c == '\n' {
				p.lines = append(p.lines, i+1)
			}
		}
	}
	// The line holding off is the last one starting at or before it.
	i := sort.SearchInts(p.lines, off+1) - 1
	start := p.lines[i]
	end := len(p.src)
	if i+1 < len(p.lines) {
		end = p.lines[i+1] - 1
	}
	p.errs = append(p.errs, &Error{
		Filename: p.filename, Offset: off, Line: i + 1, Column: off - start + 1,
		Msg:      fmt.Sprintf(format, args...),
		LineText: strings.TrimSuffix(string(p.src[start:end]), "\r"),
	})
}

func (p *checker) file(root *value) *File {
	f := New()
	if root.kind != '{' {
		p.errorf(root.start, "lock file holds %s, not an object", root.kindName())
		return f
	}
	for _, m := range root.members {
		if m.key == "" {
			p.errorf(m.val.keyStart, "empty dependency key")
			continue
		}
		if e := p.entry(m.key, m.val); e != nil {
			f.Entries[m.key] = e
		}
	}
	return f
}

// entry checks one dependency; it returns nil after reporting an error.
func (p *checker) entry(key string, v *value) *Entry {
	n := len(p.errs)
	e := &Entry{}
	switch {
	case v.kind == '"':
		// The oldest form: "key": "sha256:…".
		p.bareDigest(key, v, e)
	case v.kind != '{':
		p.errorf(v.start, "entry for %q is %s, not an object", key, v.kindName())
	case v.get("lock") != nil:
		p.wrapped(key, v, e)
	case Kind(key) != TypeDocker && (v.get("rev") != nil || v.get("owner") != nil):
		// A GitHub lock as the earliest uptix wrote it, without
		// metadata: upgraded to {metadata, lock} when written.
		e.GitHub = p.github(key, v, v)
		if len(p.errs) > n {
			return nil
		}
		return e
	default:
		p.errorf(v.keyStart, "entry for %q has no lock", key)
	}
	if len(p.errs) > n {
		return nil
	}
	var b bytes.Buffer
	writeValue(&b, v, 1)
	e.raw = b.Bytes()
	return e
}

func (p *checker) bareDigest(key string, v *value, e *Entry) {
	if Kind(key) != TypeDocker {
		p.errorf(v.start, "lock for %q is a string; a GitHub lock is an object", key)
		return
	}
	if !isDigest(v.str) {
		p.errorf(v.start, "lock for %q: %q is not a sha256 digest", key, v.str)
		return
	}
	e.Digest = v.str
	e.Stale = "written by an earlier uptix as a bare digest, without a hash"
}

// wrapped checks {"metadata": {…}, "lock": …}.
func (p *checker) wrapped(key string, v *value, e *Entry) {
	for _, m := range v.members {
		switch m.key {
		case "metadata":
			p.metadata(key, m.val, &e.Metadata)
		case "lock":
		default:
			if e.Extra == nil {
				e.Extra = map[string]json.RawMessage{}
			}
			e.Extra[m.key] = json.RawMessage(m.val.raw())
		}
	}
	lv := v.get("lock")
	switch {
	case lv.kind == '"':
		p.bareDigest(key, lv, e)
	case lv.kind != '{':
		p.errorf(lv.start, "lock for %q is %s, not an object", key, lv.kindName())
	case Kind(key) == TypeDocker:
		e.Docker = p.docker(key, lv, e)
	default:
		e.GitHub = p.github(key, lv, v)
	}
}

func (p *checker) metadata(key string, v *value, md *Metadata) {
	if v.kind != '{' {
		p.errorf(v.start, "metadata for %q is %s, not an object", key, v.kindName())
		return
	}
	fields := map[string]*string{
		"name":             &md.Name,
		"selected_version": &md.SelectedVersion,
		"resolved_version": &md.ResolvedVersion,
		"timestamp":        &md.Timestamp,
		"dep_type":         &md.DepType,
		"description":      &md.Description,
	}
	for _, m := range v.members {
		dst, ok := fields[m.key]
		if !ok {
			if md.Extra == nil {
				md.Extra = map[string]json.RawMessage{}
			}
			md.Extra[m.key] = json.RawMessage(m.val.raw())
			continue
		}
		if m.val.kind != '"' {
			p.errorf(m.val.start, "metadata for %q: %s is %s, not a string", key, m.key, m.val.kindName())
			continue
		}
		*dst = m.val.str
	}
}

func (p *checker) docker(key string, v *value, e *Entry) *Docker {
	d := &Docker{}
	for _, m := range v.members {
		switch m.key {
		case "imageDigest", "sha256", "platform", "platforms":
		default:
			if d.Extra == nil {
				d.Extra = map[string]json.RawMessage{}
			}
			d.Extra[m.key] = json.RawMessage(m.val.raw())
		}
	}
	d.ImageDigest = p.digestField(key, v, "imageDigest")
	d.SHA256 = p.sriField(key, v, "sha256")
	if pv := v.get("platform"); pv != nil {
		if pv.kind != '"' || !isPlatform(pv.str) {
			p.errorf(pv.start, "lock for %q: platform %s is not os/arch[/variant]", key, pv.raw())
		} else {
			d.Platform = pv.str
		}
	} else {
		e.Stale = "written by an earlier uptix, without a platform"
	}
	pv := v.get("platforms")
	if pv == nil {
		return d
	}
	if pv.kind != '{' {
		p.errorf(pv.start, "lock for %q: platforms is %s, not an object", key, pv.kindName())
		return d
	}
	d.Platforms = map[string]PlatformLock{}
	for _, m := range pv.members {
		if !isPlatform(m.key) {
			p.errorf(m.val.keyStart, "lock for %q: platform %q is not os/arch[/variant]", key, m.key)
			continue
		}
		if m.val.kind != '{' {
			p.errorf(m.val.start, "lock for %q: platforms.%s is %s, not an object", key, m.key, m.val.kindName())
			continue
		}
		pl := PlatformLock{
			ImageDigest: p.digestField(key+"\" platform \""+m.key, m.val, "imageDigest"),
			SHA256:      p.sriField(key+"\" platform \""+m.key, m.val, "sha256"),
		}
		for _, f := range m.val.members {
			if f.key != "imageDigest" && f.key != "sha256" {
				if pl.Extra == nil {
					pl.Extra = map[string]json.RawMessage{}
				}
				pl.Extra[f.key] = json.RawMessage(f.val.raw())
			}
		}
		d.Platforms[m.key] = pl
	}
	if d.Platform != "" && len(d.Platforms) > 0 {
		primary, ok := d.Platforms[d.Platform]
		switch {
		case !ok:
			p.errorf(pv.keyStart, "lock for %q: platforms does not list the primary platform %q", key, d.Platform)
		case primary.SHA256 != d.SHA256:
			p.errorf(pv.keyStart, "lock for %q: platforms.%s has another sha256 than the entry", key, d.Platform)
		}
	}
	return d
}

// github checks a GitHub lock object lv; entry is the value whose key
// names the dependency.
func (p *checker) github(key string, lv, entry *value) *GitHub {
	g := &GitHub{}
	strs := map[string]*string{"owner": &g.Owner, "repo": &g.Repo, "rev": &g.Rev, "sha256": &g.SHA256}
	bools := map[string]*bool{
		"fetchSubmodules": &g.FetchSubmodules,
		"deepClone":       &g.DeepClone,
		"leaveDotGit":     &g.LeaveDotGit,
	}
	for _, m := range lv.members {
		if dst, ok := strs[m.key]; ok {
			if m.val.kind != '"' || m.val.str == "" {
				p.errorf(m.val.start, "lock for %q: %s is %s, not a non-empty string", key, m.key, m.val.kindName())
			}
			*dst = m.val.str
			continue
		}
		if dst, ok := bools[m.key]; ok {
			if m.val.kind != 't' {
				p.errorf(m.val.start, "lock for %q: %s is %s, not a boolean", key, m.key, m.val.kindName())
			}
			*dst = m.val.b
			continue
		}
		if g.Extra == nil {
			g.Extra = map[string]json.RawMessage{}
		}
		g.Extra[m.key] = json.RawMessage(m.val.raw())
	}
	for _, f := range []string{"owner", "repo", "rev", "sha256"} {
		if lv.get(f) == nil {
			p.errorf(lv.keyStart, "lock for %q has no %s", key, f)
		}
	}
	if sv := lv.get("sha256"); sv != nil && sv.kind == '"' && !isNixBase32SHA256(sv.str) && !isSRI(sv.str) {
		p.errorf(sv.start, "lock for %q: sha256 %q is not a Nix base-32 sha256 hash", key, sv.str)
	}
	if g.Owner != "" && g.Repo != "" {
		rest := strings.TrimPrefix(strings.TrimPrefix(key, BranchPrefix), ReleasePrefix)
		if !strings.HasPrefix(rest, g.Owner+"/"+g.Repo) {
			p.errorf(entry.keyStart, "lock for %q names %s/%s, another repository than its key", key, g.Owner, g.Repo)
		}
	}
	return g
}

func (p *checker) digestField(what string, v *value, field string) string {
	f := v.get(field)
	switch {
	case f == nil:
		p.errorf(v.keyStart, "lock for %q has no %s", what, field)
	case f.kind != '"' || !isDigest(f.str):
		p.errorf(f.start, "lock for %q: %s %s is not a sha256 digest", what, field, f.raw())
	default:
		return f.str
	}
	return ""
}

func (p *checker) sriField(what string, v *value, field string) string {
	f := v.get(field)
	switch {
	case f == nil:
		p.errorf(v.keyStart, "lock for %q has no %s", what, field)
	case f.kind != '"' || !isSRI(f.str):
		p.errorf(f.start, "lock for %q: %s %s is not an SRI sha256 hash (sha256-…)", what, field, f.raw())
	default:
		return f.str
	}
	return ""
}

// isDigest reports whether s is "sha256:" and 64 lower-case hex digits.
func isDigest(s string) bool {
	hex, ok := strings.CutPrefix(s, "sha256:")
	if !ok || len(hex) != 64 {
		return false
	}
	for _, c := range hex {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// isSRI reports whether s is an SRI SHA-256 hash, "sha256-" and the
// base64 of 32 bytes.
func isSRI(s string) bool {
	b64, ok := strings.CutPrefix(s, "sha256-")
	if !ok {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	return err == nil && len(b) == 32
}

// isNixBase32SHA256 reports whether s is a SHA-256 hash in Nix's base-32.
func isNixBase32SHA256(s string) bool {
	const alphabet = "0123456789abcdfghijklmnpqrsvwxyz"
	if len(s) != 52 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune(alphabet, c) {
			return false
		}
	}
	return true
}

// isPlatform reports whether s has the form os/arch or os/arch/variant.
func isPlatform(s string) bool {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, " \t\n:") {
			return false
		}
	}
	return true
}
