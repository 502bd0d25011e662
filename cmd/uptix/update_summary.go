package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/uptix-dev/uptix/lock"
)

// countOutcomes sums outcomes by status; each failed call (an
// unresolved call the lock cannot cover) counts as failed too.
func countOutcomes(outs []depOutcome, calls []unlockedCall) map[depStatus]int {
	c := map[depStatus]int{}
	for _, o := range outs {
		c[o.status]++
	}
	for _, uc := range calls {
		if uc.failed {
			c[depFailed]++
		}
	}
	return c
}

// countsLine is "3 unchanged, 1 updated, 0 added, 1 removed, 0 failed",
// and ", 2 kept" when entries were kept.
func countsLine(c map[depStatus]int) string {
	var parts []string
	for _, s := range []depStatus{depUnchanged, depUpdated, depAdded, depRemoved, depFailed} {
		parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
	}
	if c[depKept] > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", c[depKept], depKept))
	}
	return strings.Join(parts, ", ")
}

// failedCallText says why an unresolved call fails: with candidates,
// they are locked, but other values the call may take are not known.
func failedCallText(uc *unlockedCall) string {
	if len(uc.candidates) > 0 {
		return fmt.Sprintf("%s call not resolved: %s; locked what the calls in this file give it (%s), but the lock cannot be shown to cover every value it may take (the Nix module fails for any value the lock does not hold)",
			uc.kind, uc.reason, commaList(uc.candidates))
	}
	return fmt.Sprintf("%s call not resolved: %s; the lock cannot cover it (the Nix module fails for any value the lock does not hold)",
		uc.kind, uc.reason)
}

// printSummary writes, for each dependency that changed or failed, what
// it was and what it is now, then the calls that failed (calls holds
// every unresolved call), then the counts.
func printSummary(w io.Writer, outs []depOutcome, calls []unlockedCall) {
	width := 0
	for _, o := range outs {
		if o.status != depUnchanged {
			width = max(width, len(o.status.String()))
		}
	}
	for _, uc := range calls {
		if uc.failed {
			width = max(width, len(depFailed.String()))
		}
	}
	for _, o := range outs {
		var line string
		switch o.status {
		case depUnchanged:
			continue
		case depUpdated:
			from, to := versionText(o.old), versionText(o.new)
			switch {
			case pinText(o.old) == pinText(o.new):
				// The same version, upgraded or with platforms added.
				line = to
			case from == to:
				line = from + ", " + pinText(o.old) + " → " + to + ", " + pinText(o.new)
			default:
				line = from + " → " + to
			}
		case depAdded:
			line = versionText(o.new)
		case depRemoved:
			line = versionText(o.old) + ", no call uses it any more"
		case depKept:
			line = versionText(o.old) + "; " + o.note
		case depFailed:
			line = o.err.Error()
		}
		if o.note != "" && o.status != depKept {
			line += " (" + o.note + ")"
		}
		fmt.Fprintf(w, "%-*s %s: %s\n", width, o.status, o.key, line)
	}
	for i := range calls {
		if uc := &calls[i]; uc.failed {
			fmt.Fprintf(w, "%-*s %s: %s\n", width, depFailed, uc.where(), failedCallText(uc))
		}
	}
	fmt.Fprintln(w, countsLine(countOutcomes(outs, calls)))
}

// printWarnings writes the warnings of the outcomes, one a line.
func printWarnings(w io.Writer, outs []depOutcome) {
	for _, o := range outs {
		for _, msg := range o.warnings {
			fmt.Fprintf(w, "uptix update: warning: %s: %s\n", o.key, msg)
		}
	}
}

// versionText is an entry's version as a person reads it, with the time
// that version was made: "15.8 (2024-08-08 22:00 UTC)".
func versionText(e *lock.Entry) string {
	if e == nil {
		return "none"
	}
	v := e.Metadata.ResolvedVersion
	if v == "" {
		v = pinText(e)
	}
	if t := humanTime(e.Metadata.Timestamp); t != "" {
		v += " (" + t + ")"
	}
	return v
}

// pinText is what an entry pins, shortened: a digest or a revision.
func pinText(e *lock.Entry) string {
	switch {
	case e.Docker != nil:
		return shortDigestText(e.Docker.ImageDigest)
	case e.GitHub != nil:
		if len(e.GitHub.Rev) == 40 {
			return e.GitHub.Rev[:12]
		}
		return e.GitHub.Rev
	}
	return shortDigestText(e.Digest)
}

func shortDigestText(d string) string {
	if len(d) > len("sha256:")+12 {
		return d[:len("sha256:")+12]
	}
	return d
}

// humanTime formats an ISO 8601 timestamp as "2024-08-08 22:00 UTC";
// it returns other text unchanged.
func humanTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// jsonSummary is what --json prints.
type jsonSummary struct {
	LockFile     string           `json:"lockFile"`
	DryRun       bool             `json:"dryRun"`
	Written      bool             `json:"written"`
	Counts       map[string]int   `json:"counts"`
	Dependencies []jsonDependency `json:"dependencies"`
	// Unresolved are the calls whose argument is not a constant.
	Unresolved []jsonUnresolved `json:"unresolved"`
	// Diff is the change to the lock file, for --dry-run.
	Diff string `json:"diff,omitempty"`
}

type jsonDependency struct {
	Key        string       `json:"key"`
	Status     string       `json:"status"`
	Old        *jsonVersion `json:"old,omitempty"`
	New        *jsonVersion `json:"new,omitempty"`
	Note       string       `json:"note,omitempty"`
	Error      string       `json:"error,omitempty"`
	Warnings   []string     `json:"warnings,omitempty"`
	Downloaded int64        `json:"downloadedBytes"`
}

// jsonUnresolved is an unresolved call. Failed is set when the update
// fails for it (always, unless --dependency limits the update): not
// every value it may take is known, so the lock cannot be shown to
// cover it, even when its candidates are locked.
type jsonUnresolved struct {
	Kind       string   `json:"kind"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Col        int      `json:"col"`
	Reason     string   `json:"reason"`
	Candidates []string `json:"candidates,omitempty"`
	Failed     bool     `json:"failed"`
}

type jsonVersion struct {
	Version   string   `json:"version,omitempty"`
	Timestamp string   `json:"timestamp,omitempty"`
	Digest    string   `json:"digest,omitempty"`
	Rev       string   `json:"rev,omitempty"`
	Platforms []string `json:"platforms,omitempty"`
}

func jsonVersionOf(e *lock.Entry) *jsonVersion {
	if e == nil {
		return nil
	}
	v := &jsonVersion{Version: e.Metadata.ResolvedVersion, Timestamp: e.Metadata.Timestamp, Digest: e.Digest}
	switch {
	case e.Docker != nil:
		v.Digest = e.Docker.ImageDigest
		v.Platforms = sortedKeys(e.Docker.Locked())
	case e.GitHub != nil:
		v.Rev = e.GitHub.Rev
	}
	return v
}

func writeJSONSummary(w io.Writer, path string, dryRun, written bool, diff []byte, outs []depOutcome, calls []unlockedCall) error {
	s := jsonSummary{
		LockFile: path, DryRun: dryRun, Written: written, Diff: string(diff),
		Counts: map[string]int{}, Dependencies: []jsonDependency{},
		Unresolved: []jsonUnresolved{},
	}
	c := countOutcomes(outs, calls)
	for _, st := range []depStatus{depUnchanged, depUpdated, depAdded, depRemoved, depFailed, depKept} {
		s.Counts[st.String()] = c[st]
	}
	for _, o := range outs {
		d := jsonDependency{Key: o.key, Status: o.status.String(), Note: o.note, Warnings: o.warnings, Downloaded: o.bytes}
		d.Old = jsonVersionOf(o.old)
		if o.status != depRemoved && o.status != depFailed {
			d.New = jsonVersionOf(o.new)
		}
		if o.err != nil {
			d.Error = o.err.Error()
		}
		s.Dependencies = append(s.Dependencies, d)
	}
	for _, uc := range calls {
		s.Unresolved = append(s.Unresolved, jsonUnresolved{
			Kind: string(uc.kind), File: uc.file, Line: uc.line, Col: uc.col,
			Reason: uc.reason, Candidates: uc.candidates, Failed: uc.failed,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(s)
}
