package nixast

import (
	"strings"
	"testing"
)

const (
	probeDir  = "/probe/dir"
	probeHome = "/home/probe"
)

// deliberate lists probes where we differ from Nix 2.8 on purpose, with
// our output.
var deliberate = map[string]string{
	"e105": "(f 1)", // 1 |> f
	"e106": "(f 1)", // f <| 1
}

type probe struct {
	name, input, nix28, want string
}

func loadProbes(t testing.TB) []probe {
	files := readArchive(t, "testdata/probes.txtar")
	byName := map[string]*probe{}
	var order []string
	for _, f := range files {
		base, ext, _ := strings.Cut(f.Name, ".")
		p := byName[base]
		if p == nil {
			p = &probe{name: base}
			byName[base] = p
			order = append(order, base)
		}
		switch ext {
		case "nix":
			p.input = f.Data
		case "nix28":
			p.nix28 = f.Data
		case "want":
			p.want = f.Data
		}
	}
	var out []probe
	for _, n := range order {
		out = append(out, *byName[n])
	}
	return out
}

func probeOpts() NixOptions { return NixOptions{BaseDir: probeDir, Home: probeHome} }

func expand(s string) string {
	return strings.NewReplacer("$DIR", probeDir, "$HOME", probeHome).Replace(s)
}

// TestProbes checks every row of nix28-probes.tsv: Nix 2.8's verdict and
// output for the input alone, and for the input wrapped in `with {};`
// (which takes undefined variables out of the picture).
func TestProbes(t *testing.T) {
	probes := loadProbes(t)
	if len(probes) != 140 {
		t.Fatalf("got %d probes, want 140", len(probes))
	}
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			f, err := ParseFile("probe.nix", []byte(p.input))
			if got := Format(f); got != p.input {
				t.Errorf("round trip: got %q, want %q", got, p.input)
			}
			if want, ok := deliberate[p.name]; ok {
				// Pipes are Nix 2.24+: Nix 2.8 rejects them, we accept them.
				if err != nil {
					t.Fatalf("%q: %v", p.input, err)
				}
				if got := FormatNix(f.Expr, probeOpts()); got != want {
					t.Errorf("%q: got %s, want %s", p.input, got, want)
				}
				return
			}
			if p.want == "error" {
				if err == nil {
					t.Errorf("%q: parsed, but Nix rejects it (%s); printed %s", p.input, p.nix28, FormatNix(f.Expr, probeOpts()))
				}
				return
			}
			if err != nil {
				t.Fatalf("%q: %v; Nix accepts it", p.input, err)
			}
			got := FormatNix(f.Expr, probeOpts())
			if want := sortLets(expand(strings.TrimPrefix(p.want, "ok "))); got != want {
				t.Errorf("%q:\n got %s\nwant %s", p.input, got, want)
			}
			// Nix 2.8 on the input alone: its output when it succeeded.
			if out, ok := strings.CutPrefix(p.nix28, "exit 0: "); ok {
				if want := sortLets(expand(out)); got != want {
					t.Errorf("%q: got %s, Nix 2.8 printed %s", p.input, got, want)
				}
			}
		})
	}
}
