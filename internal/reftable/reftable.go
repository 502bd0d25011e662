// Package reftable reads testdata/references.json, the one table of image
// references that both the Go resolver's tests and the Nix module's tests
// check against, so that the two sides cannot drift apart.
package reftable

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Row is one reference and what it means.
type Row struct {
	Ref            string `json:"ref"`
	Valid          bool   `json:"valid"`
	ErrorContains  string `json:"error_contains"`
	Registry       string `json:"registry"`
	Repository     string `json:"repository"`
	FinalImageName string `json:"finalImageName"`
	FinalImageTag  string `json:"finalImageTag"`
	Digest         string `json:"digest"`
	Note           string `json:"note"` // prose only
}

// Path is the table's absolute path in this repository.
func Path() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "references.json")
}

// Load reads the table; it fails on unknown fields and on a table too
// short to be the whole one.
func Load() ([]Row, error) {
	f, err := os.Open(Path())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	var rows []Row
	if err := dec.Decode(&rows); err != nil {
		return nil, fmt.Errorf("reading %s: %w", Path(), err)
	}
	if len(rows) < 20 {
		return nil, fmt.Errorf("reading %s: %d rows; want the full table", Path(), len(rows))
	}
	return rows, nil
}
