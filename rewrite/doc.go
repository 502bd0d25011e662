// Package rewrite changes Nix files precisely: an edit is a byte range
// and its replacement text, edits are applied in one pass, and every byte
// outside the edited ranges stays as it was (comments, blank lines,
// indentation, CRLF line endings).
//
// On top of the edit model it offers unified diffs that git apply
// accepts, atomic writes that keep a file's mode, the migration planner
// that turns old-style `image = uptix.dockerImage X;` bindings into the
// `imageFile`/`image` pair, and the lint rules that keep old uses from
// coming back.
package rewrite
