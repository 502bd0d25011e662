package rewrite

import (
	"fmt"
	"slices"
	"strings"
)

// An Edit replaces the bytes src[Start:End] with New. Start == End is
// an insertion before the byte at Start.
type Edit struct {
	Start, End int
	New        string
}

// String shows the edit as [start,end)->"new", for messages and tests.
func (e Edit) String() string {
	return fmt.Sprintf("[%d,%d)->%q", e.Start, e.End, e.New)
}

// OverlapError reports two edits that touch the same bytes, or two
// insertions at the same offset (whose order would be ambiguous).
type OverlapError struct {
	A, B Edit
}

func (e *OverlapError) Error() string {
	return fmt.Sprintf("overlapping edits %v and %v", e.A, e.B)
}

// SortEdits sorts edits by start offset, then end offset, keeping the
// relative order of equal edits.
func SortEdits(edits []Edit) {
	slices.SortStableFunc(edits, func(a, b Edit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
}

// Apply returns src with edits applied. Edits may come in any order; they
// are sorted first. An edit outside src or one that overlaps another is
// an error and src is not changed. Two insertions at the same offset are
// an overlap too; an insertion at the start or end of a replaced range
// is not.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	sorted := slices.Clone(edits)
	SortEdits(sorted)
	if err := check(len(src), sorted); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Grow(len(src) + growth(sorted))
	last := 0
	for _, e := range sorted {
		b.Write(src[last:e.Start])
		b.WriteString(e.New)
		last = e.End
	}
	b.Write(src[last:])
	return []byte(b.String()), nil
}

// check validates sorted edits against a source of n bytes.
func check(n int, sorted []Edit) error {
	for i, e := range sorted {
		if e.Start < 0 || e.End < e.Start || e.End > n {
			return fmt.Errorf("checking edit %v: range outside the %d-byte source", e, n)
		}
		if i == 0 {
			continue
		}
		p := sorted[i-1]
		if e.Start < p.End || (e.Start == p.Start && p.Start == p.End && e.Start == e.End) {
			return &OverlapError{A: p, B: e}
		}
	}
	return nil
}

func growth(edits []Edit) int {
	d := 0
	for _, e := range edits {
		d += len(e.New) - (e.End - e.Start)
	}
	return max(d, 0)
}
