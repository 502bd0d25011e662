package nixast

// slab hands out pointers into shared chunks: one allocation for many
// nodes of a kind, which makes parsing much cheaper for the allocator
// and the garbage collector.
type slab[T any] struct {
	buf  []T
	next int // size of the next chunk
}

func (s *slab[T]) alloc() *T {
	if len(s.buf) == cap(s.buf) {
		// Start small (most files are small) and grow.
		s.next = min(max(s.next*2, 4), 512)
		s.buf = make([]T, 0, s.next)
	}
	s.buf = s.buf[:len(s.buf)+1]
	return &s.buf[len(s.buf)-1]
}

// take returns a copy of v in a capacity-limited window of a shared
// chunk, so that appending to it reallocates instead of overwriting.
func take[T any](chunk *[]T, v []T) []T {
	n := len(v)
	if n == 0 {
		return nil
	}
	if cap(*chunk)-len(*chunk) < n {
		*chunk = make([]T, 0, max(min(2*cap(*chunk), 1024), n, 8))
	}
	start := len(*chunk)
	*chunk = append(*chunk, v...)
	return (*chunk)[start : start+n : start+n]
}

type slabs struct {
	idents  slab[Ident]
	paths   slab[AttrPath]
	defs    slab[AttrDef]
	applies slab[Apply]
	selects slab[Select]
	lits    slab[Lit]
	strs    slab[String]

	names    []AttrName // chunk for AttrPath.Names
	dots     []int      // chunk for AttrPath.Dots
	parts    []StrPart  // chunk for String.Parts
	bindings []Binding
}
