package rewrite

import (
	"errors"
	"testing"
)

func TestApply(t *testing.T) {
	src := []byte("0123456789")
	tests := []struct {
		name  string
		edits []Edit
		want  string
	}{
		{"none", nil, "0123456789"},
		{"replace", []Edit{{2, 4, "ab"}}, "01ab456789"},
		{"insert", []Edit{{3, 3, "X"}}, "012X3456789"},
		{"delete", []Edit{{0, 10, ""}}, ""},
		{"unsorted", []Edit{{8, 9, "H"}, {0, 1, "A"}, {5, 5, "-"}}, "A1234-567H9"},
		{"insert at end", []Edit{{10, 10, "!"}}, "0123456789!"},
		{"insert before replace", []Edit{{4, 6, "xy"}, {4, 4, "<"}}, "0123<xy6789"},
		{"insert after replace", []Edit{{6, 6, ">"}, {4, 6, "xy"}}, "0123xy>6789"},
		{"adjacent", []Edit{{1, 2, "a"}, {2, 3, "b"}}, "0ab3456789"},
		{"grow and shrink", []Edit{{0, 5, ""}, {7, 7, "seven"}}, "56seven789"},
	}
	for _, tt := range tests {
		got, err := Apply(src, tt.edits)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	if string(src) != "0123456789" {
		t.Fatalf("Apply changed its input: %q", src)
	}
}

func TestApplyRejects(t *testing.T) {
	src := []byte("0123456789")
	overlaps := [][]Edit{
		{{1, 4, "a"}, {3, 5, "b"}},
		{{1, 4, "a"}, {2, 2, "b"}},
		{{5, 5, "a"}, {5, 5, "b"}},
		{{0, 10, ""}, {9, 10, "x"}},
	}
	for _, edits := range overlaps {
		_, err := Apply(src, edits)
		var oe *OverlapError
		if !errors.As(err, &oe) {
			t.Errorf("Apply(%v): got %v, want an overlap error", edits, err)
		}
	}
	outside := [][]Edit{{{-1, 2, ""}}, {{3, 2, ""}}, {{9, 11, ""}}}
	for _, edits := range outside {
		if _, err := Apply(src, edits); err == nil {
			t.Errorf("Apply(%v): got no error for a range outside the source", edits)
		}
	}
}
