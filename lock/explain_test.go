package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestExplain(t *testing.T) {
	src := "{\n\t\"a\": {\"lock\": 1}\n}\n"
	_, err := Parse("x.lock", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	// Column 16 is the 1 after a tab: the caret line keeps the tab.
	want := "x.lock:2:16: lock for \"a\" is a number, not an object\n" +
		"\t\t\"a\": {\"lock\": 1}\n" +
		"\t\t              ^\n"
	if got := Explain(err); got != want {
		t.Errorf("Explain:\ngot:\n%q\nwant:\n%q", got, want)
	}
	// Wrapped, the list is still found; other errors are their text.
	if got := Explain(fmt.Errorf("reading: %w", err)); got != want {
		t.Errorf("Explain of a wrapped list:\n%q", got)
	}
	if got := Explain(errors.New("boom")); got != "boom\n" {
		t.Errorf("Explain(boom) = %q", got)
	}
	if got := (&Error{Filename: "f", Line: 1, Column: 1}).Excerpt(); got != "" {
		t.Errorf("Excerpt without a line = %q", got)
	}
}

// TestEmptyFile: a lock file cut to nothing is an error at 1:1, through
// ReadFile and a Handle alike, and Lock leaves it as it is.
func TestEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "uptix.lock")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	want := path + ":1:1: " + EmptyMsg
	if _, err := ReadFile(path); err == nil || err.Error() != want {
		t.Errorf("ReadFile: %v, want %s", err, want)
	}
	h, err := Lock(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Existed() {
		t.Error("Existed() = false for an empty file that was there")
	}
	if _, err := h.Read(); err == nil || err.Error() != want {
		t.Errorf("Read: %v, want %s", err, want)
	}
	h.Close()
	if st, err := os.Stat(path); err != nil || st.Size() != 0 {
		t.Errorf("after Close: %v, %v; want the empty file kept", st, err)
	}
}
