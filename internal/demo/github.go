package demo

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Repo is a repository the GitHub stand-in serves: one branch, main,
// whose head is Commit, and one published release, Tag, at the same
// tree.
type Repo struct {
	Owner, Name string
	Commit      string // 40 hex
	Subject     string
	Date        time.Time
	Tag         string
	Archive     []byte // tar.gz as GitHub serves archive/REV.tar.gz
}

func (e *Env) addRepo(owner, name string) {
	key := owner + "/" + name
	if _, ok := e.Repos[key]; ok {
		return
	}
	sum := sha1.Sum([]byte(key))
	r := &Repo{
		Owner:   owner,
		Name:    name,
		Commit:  hex.EncodeToString(sum[:]),
		Subject: "Update " + name + " for the winter release",
		Date:    time.Date(2024, 11, 28, 14, 30, 0, 0, time.UTC),
		Tag:     "v0.4.0",
	}
	r.Archive = sampleArchive(name + "-" + r.Commit)
	e.Repos[key] = r
}

// sampleArchive is a small source tree under one top-level directory,
// the way GitHub lays out archives, with a git-archive style global
// header.
func sampleArchive(top string) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	mtime := time.Date(2024, 11, 28, 14, 30, 0, 0, time.UTC)
	headers := []struct {
		h    tar.Header
		body string
	}{
		{tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header",
			PAXRecords: map[string]string{"comment": strings.Repeat("0", 40)}}, ""},
		{tar.Header{Typeflag: tar.TypeDir, Name: top + "/", Mode: 0o775, ModTime: mtime}, ""},
		{tar.Header{Typeflag: tar.TypeReg, Name: top + "/README.md", Mode: 0o664, ModTime: mtime}, "# " + top + "\n"},
		{tar.Header{Typeflag: tar.TypeDir, Name: top + "/bin/", Mode: 0o775, ModTime: mtime}, ""},
		{tar.Header{Typeflag: tar.TypeReg, Name: top + "/bin/run", Mode: 0o775, ModTime: mtime}, "#!/bin/sh\necho run\n"},
		{tar.Header{Typeflag: tar.TypeSymlink, Name: top + "/run", Linkname: "bin/run", Mode: 0o777, ModTime: mtime}, ""},
	}
	for _, x := range headers {
		x.h.Size = int64(len(x.body))
		if x.h.Typeflag == tar.TypeXGlobalHeader {
			x.h.Size = 0
		}
		// Writes to a bytes.Buffer cannot fail, and these headers are
		// all encodable.
		if err := tw.WriteHeader(&x.h); err != nil {
			panic("demo: a sample archive header does not encode: " + err.Error())
		}
		tw.Write([]byte(x.body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func (e *Env) serveGitHub() error {
	l, err := listen()
	if err != nil {
		return err
	}
	base := "http://" + l.Addr().String()
	e.GitHubAPI = base + "/api"
	e.GitHubServer = base
	e.github = &http.Server{Handler: http.HandlerFunc(e.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	go e.github.Serve(l)
	return nil
}

// serveHTTP answers the endpoints uptix's GitHub client uses:
// /api/repos/O/R, …/branches/B, …/releases/latest, …/tags, and
// /O/R/archive/REV.tar.gz.
func (e *Env) serveHTTP(w http.ResponseWriter, req *http.Request) {
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	if len(parts) >= 4 && parts[0] == "api" && parts[1] == "repos" {
		r := e.Repos[parts[2]+"/"+parts[3]]
		if r == nil {
			http.NotFound(w, req)
			return
		}
		e.serveAPI(w, req, r, parts[4:])
		return
	}
	if len(parts) == 4 && parts[2] == "archive" {
		r := e.Repos[parts[0]+"/"+parts[1]]
		rev := strings.TrimSuffix(parts[3], ".tar.gz")
		if r == nil || (rev != r.Commit && rev != r.Tag) {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(r.Archive)
		return
	}
	http.NotFound(w, req)
}

func (e *Env) serveAPI(w http.ResponseWriter, req *http.Request, r *Repo, rest []string) {
	commit := map[string]any{
		"sha": r.Commit,
		"commit": map[string]any{
			"message":   r.Subject + "\n\nMore words about it.",
			"author":    map[string]any{"date": r.Date},
			"committer": map[string]any{"date": r.Date},
		},
	}
	var body any
	switch {
	case len(rest) == 0:
		body = map[string]any{"full_name": r.Owner + "/" + r.Name, "default_branch": "main"}
	case len(rest) == 2 && rest[0] == "branches" && rest[1] == "main":
		body = map[string]any{"name": "main", "commit": commit}
	case len(rest) == 2 && rest[0] == "releases" && rest[1] == "latest":
		body = map[string]any{"tag_name": r.Tag, "name": r.Tag, "draft": false,
			"prerelease": false, "published_at": r.Date, "created_at": r.Date}
	case len(rest) == 1 && rest[0] == "tags":
		body = []any{map[string]any{"name": r.Tag, "commit": map[string]any{"sha": r.Commit}}}
	default:
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	// A failed write means the client went away; there is no one to tell.
	_ = json.NewEncoder(w).Encode(body)
}
