package nixast

import (
	"os"
	"strings"
	"testing"
)

// archiveFile is one section of a txtar-style archive.
type archiveFile struct {
	Name string
	Data string
}

// readArchive reads a txtar-style file: a comment, then sections
// introduced by "-- NAME --" lines. Each section's final newline is
// dropped.
func readArchive(t testing.TB, path string) []archiveFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var files []archiveFile
	lines := strings.SplitAfter(string(b), "\n")
	var cur *archiveFile
	var data strings.Builder
	finish := func() {
		if cur != nil {
			cur.Data = strings.TrimSuffix(data.String(), "\n")
			files = append(files, *cur)
		}
		data.Reset()
	}
	for _, l := range lines {
		trimmed := strings.TrimRight(l, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			finish()
			cur = &archiveFile{Name: trimmed[3 : len(trimmed)-3]}
			continue
		}
		if cur != nil {
			data.WriteString(l)
		}
	}
	finish()
	return files
}
