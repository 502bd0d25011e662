package lock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// value is a JSON value with the byte ranges it came from, so that
// validation can say where a problem is and writing can keep the exact
// text of strings and numbers.
type value struct {
	start, end int    // the value's bytes in src
	keyStart   int    // where the key naming this value starts; start for none
	kind       byte   // '{', '[', '"', '0' (number), 't' (bool), 'n' (null)
	str        string // decoded string
	b          bool
	members    []member // objects, in source order
	elems      []*value // arrays
	src        []byte
}

type member struct {
	key    string
	rawKey []byte // the key as written, quotes included
	val    *value
}

// raw returns the bytes the value was read from.
func (v *value) raw() []byte { return v.src[v.start:v.end] }

// get returns the member named key, or nil.
func (v *value) get(key string) *value {
	for _, m := range v.members {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// kindName names a value's kind for error messages.
func (v *value) kindName() string {
	switch v.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't':
		return "a boolean"
	}
	return "null"
}

// treeParser builds values from json.Decoder's token stream; the
// decoder's input offsets give each token's position.
type treeParser struct {
	src []byte
	dec *json.Decoder
	dup []*value // keys seen twice in one object, for errors
	dk  []string
}

// parseTree parses src, which must hold exactly one JSON value.
func parseTree(src []byte) (v *value, dupKeys []*value, dupNames []string, err error) {
	p := &treeParser{src: src, dec: json.NewDecoder(bytes.NewReader(src))}
	p.dec.UseNumber()
	tok, start, err := p.token()
	if err != nil {
		return nil, nil, nil, err
	}
	v, err = p.value(tok, start, start)
	if err != nil {
		return nil, nil, nil, err
	}
	for off := v.end; off < len(src); off++ {
		switch src[off] {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return nil, nil, nil, &offsetError{off, "unexpected data after the top-level value"}
	}
	return v, p.dup, p.dk, nil
}

// offsetError is a syntax problem at a byte offset.
type offsetError struct {
	off int
	msg string
}

func (e *offsetError) Error() string { return e.msg }

// token reads the next token and returns where it starts.
func (p *treeParser) token() (json.Token, int, error) {
	start := int(p.dec.InputOffset())
	for start < len(p.src) {
		switch p.src[start] {
		case ' ', '\t', '\n', '\r', ',', ':':
			start++
			continue
		}
		break
	}
	tok, err := p.dec.Token()
	if err != nil {
		return nil, start, p.syntaxError(err, start)
	}
	return tok, start, nil
}

// syntaxError turns a decoder error into an offsetError. The offsets
// in the decoder's errors are relative to the value it was reading for
// some errors and to the input for others, so the position comes from
// checking the whole input again.
func (p *treeParser) syntaxError(err error, start int) error {
	if err == io.EOF {
		return err
	}
	var x any
	full := json.Unmarshal(p.src, &x)
	var se *json.SyntaxError
	switch {
	case errors.As(full, &se) && se.Error() == "unexpected end of JSON input":
		return &offsetError{len(p.src), "unexpected end of file"}
	case errors.As(full, &se):
		// The offset counts the offending byte as read.
		return &offsetError{min(max(int(se.Offset)-1, 0), len(p.src)), se.Error()}
	case err == io.ErrUnexpectedEOF:
		return &offsetError{len(p.src), "unexpected end of file"}
	}
	return &offsetError{start, err.Error()}
}

// value builds the value that starts with tok.
func (p *treeParser) value(tok json.Token, start, keyStart int) (*value, error) {
	v := &value{start: start, keyStart: keyStart, src: p.src}
	switch t := tok.(type) {
	case json.Delim:
		v.kind = byte(t)
		if t != '{' && t != '[' {
			return nil, &offsetError{start, fmt.Sprintf("unexpected %q", t)}
		}
		if err := p.children(v); err != nil {
			return nil, err
		}
	case string:
		v.kind, v.str = '"', t
	case json.Number:
		v.kind = '0'
	case bool:
		v.kind, v.b = 't', t
	case nil:
		v.kind = 'n'
	}
	v.end = int(p.dec.InputOffset())
	return v, nil
}

// children reads an object's members or an array's elements up to the
// closing delimiter.
func (p *treeParser) children(v *value) error {
	seen := map[string]bool{}
	for {
		tok, start, err := p.token()
		if err == io.EOF {
			return &offsetError{len(p.src), "unexpected end of file"}
		}
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			return nil
		}
		if v.kind == '[' {
			e, err := p.value(tok, start, start)
			if err != nil {
				return err
			}
			v.elems = append(v.elems, e)
			continue
		}
		key, _ := tok.(string)
		rawKey := p.src[start:p.dec.InputOffset()]
		vtok, vstart, err := p.token()
		if err == io.EOF {
			return &offsetError{len(p.src), "unexpected end of file"}
		}
		if err != nil {
			return err
		}
		mv, err := p.value(vtok, vstart, start)
		if err != nil {
			return err
		}
		if seen[key] {
			p.dup = append(p.dup, mv)
			p.dk = append(p.dk, key)
			continue
		}
		seen[key] = true
		v.members = append(v.members, member{key: key, rawKey: rawKey, val: mv})
	}
}
