package rewrite

import "bytes"

// Byte-level helpers over source text. Offsets are byte offsets; a line
// ends before its "\n" or "\r\n".

// lineStart returns the offset of the first byte of the line holding off.
func lineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// lineEnd returns the offset of the line terminator of the line holding
// off ("\r\n" or "\n"), or len(src) on a last line without one.
func lineEnd(src []byte, off int) int {
	i := bytes.IndexByte(src[off:], '\n')
	if i < 0 {
		return len(src)
	}
	end := off + i
	if end > off && src[end-1] == '\r' {
		end--
	}
	return end
}

// eolAt returns the terminator of the line holding off; on a last line
// without one, the file's own convention.
func eolAt(src []byte, off int) string {
	end := lineEnd(src, off)
	switch {
	case end < len(src) && src[end] == '\r':
		return "\r\n"
	case end < len(src):
		return "\n"
	case bytes.Contains(src, []byte("\r\n")):
		return "\r\n"
	}
	return "\n"
}

// indentAt returns the spaces and tabs that open the line holding off.
func indentAt(src []byte, off int) string {
	s := lineStart(src, off)
	e := s
	for e < len(src) && (src[e] == ' ' || src[e] == '\t') {
		e++
	}
	return string(src[s:e])
}

// isBlank reports whether b holds only spaces and tabs.
func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// skipTrivia returns the first offset at or after off that is not
// whitespace or a comment.
func skipTrivia(src []byte, off int) int {
	for off < len(src) {
		switch c := src[off]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			off++
		case c == '#':
			off = lineEnd(src, off)
		case c == '/' && off+1 < len(src) && src[off+1] == '*':
			end := bytes.Index(src[off+2:], []byte("*/"))
			if end < 0 {
				return len(src)
			}
			off += 2 + end + 2
		default:
			return off
		}
	}
	return off
}

// onlyTrivia reports whether b holds nothing but whitespace and comments.
func onlyTrivia(b []byte) bool {
	return skipTrivia(b, 0) == len(b)
}
