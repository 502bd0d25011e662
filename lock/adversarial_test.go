package lock

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAdversarial checks that odd large inputs are rejected, or
// accepted, quickly: no step of reading is quadratic in the input.
func TestAdversarial(t *testing.T) {
	digest := `"sha256:` + strings.Repeat("1", 64) + `"`
	tests := []struct {
		name, src string
		ok        bool
	}{
		{"deep arrays", strings.Repeat("[", 100000), false},
		{"deep value", `{"a":{"lock":` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + "}}", false},
		{"deep objects", `{"a":` + strings.Repeat(`{"b":`, 9000) + "1" + strings.Repeat("}", 9000) + "}", false},
		{"duplicate keys", "{" + strings.Repeat(`"a":`+digest+",\n", 50000) + `"b":2}`, false},
		{"many bad entries", "{" + strings.Repeat(`"a`+"\\n"+`":1,`+"\n", 20000) + `"b":2}`, false},
		{"blank lines", strings.Repeat("\n", 200000) + "x", false},
		{"many entries", "{" + manyEntries(30000, digest) + "}", true},
	}
	for _, tt := range tests {
		start := time.Now()
		f, err := Parse("uptix.lock", []byte(tt.src))
		if (err == nil) != tt.ok {
			t.Errorf("%s: error %v", tt.name, err)
		}
		if l, ok := err.(ErrorList); ok && len(l) > maxErrors+1 {
			t.Errorf("%s: %d errors reported", tt.name, len(l))
		}
		if f != nil {
			f.Marshal()
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: %d bytes took %v", tt.name, len(tt.src), d)
		}
	}
}

func manyEntries(n int, digest string) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", fmt.Sprintf("img%d:%d", i%97, i), digest)
	}
	return b.String()
}
