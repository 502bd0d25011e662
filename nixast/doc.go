// Package nixast parses the Nix language into a lossless syntax tree.
//
// Every node knows its byte range in the source; comments and whitespace
// are kept as trivia in the File, so Print(f) gives back the input byte for
// byte. ParseFile always returns a best-effort tree; syntax errors and the
// semantic checks Nix's own parser makes (duplicate attributes and formals,
// interpolated names in let and inherit) come back as an ErrorList.
//
// PrintNix writes an expression the way `nix-instantiate --parse` does, which
// makes Nix itself an oracle for this parser.
package nixast
