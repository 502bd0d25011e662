// Package discover finds the calls of the uptix module's functions
// (dockerImage, pullDockerImage, githubBranch, githubRelease) in Nix
// files and works out the value each call gets.
//
// It follows the code rather than matching text: a small abstract
// evaluator runs over the nixast tree with lexical scopes (let, rec
// sets, function parameters and their defaults, with, inherit and
// inherit-from), and knows constant strings, paths, numbers, Booleans,
// sets and lists of such, closures, the uptix module and its functions,
// and a handful of builtins and lib functions (map, forEach, concatMap,
// imap0, imap1, mapAttrs, mapAttrs', mapAttrsToList, concatMapAttrs,
// genAttrs, attrValues, import, toString, readFile, fromJSON,
// importJSON, concatStringsSep, replaceStrings, …; a lib function is
// known by its last name, as lib itself is a parameter).
// Everything else is an unknown value that remembers what it depends on,
// so that a call whose argument is not constant is reported with a reason
// such as "argument depends on `config.acme.version`" and never with a
// guess.
//
// # What counts as the module
//
// The module is a function parameter named uptix (a formal `{ uptix, …
// }:` or a plain `uptix:`), the attribute uptix of a function's argument
// set (`args@{ … }: args.uptix`), and `(…)._module.args.uptix`. The
// functions are reached however the code reaches them: `uptix.f x`,
// `(uptix.f) (x)`, `with uptix; f x` (lexical names win over with; among
// withs, the innermost one that has the name; a with of an unknown set,
// such as lib, is passed over), `inherit (uptix) f;`, aliases of the
// module or of a function bound in let, rec sets or sets, `x |> f` and
// `f <| x`, and `map f list` style uses where f is the function itself
// or a lambda that returns it, as in `mapAttrs (_: uptix.dockerImage)
// set` (then the call is FormMap and has one target per element).
//
// # What counts as constant
//
// String literals (with escapes and indented-string stripping, as Nix
// evaluates them), interpolation and `+` of constants, names bound in
// let, rec sets and attribute sets, `import ./file.nix` of a file inside
// the tree whose value is constant (and readFile, fromJSON, importJSON
// of such files), and the parameters of a function whose calls are all
// known, as below.
//
// # Function parameters
//
// A parameter has the values the calls of its function give it, so a
// call of an uptix function inside a function is looked at once per
// known call of that function, and its targets are the union of what
// each gives. The calls of a function are known when it is written
// where it is applied, `(x: …) "a"`; when it is mapped over a constant
// list or set by one of the mapping functions above (one call per
// element); and when it is bound to a name by a let (or is the body of
// such a function, `a: b: …`) and that name is only ever called, `mk x`,
// `mk x y`, `x |> mk`, or mapped (over something not constant: a call
// with arguments not constant). A call that gives fewer arguments than
// the function takes in a row, and any other use of the name (passing
// it, storing it in a set or list, exporting it, `inherit mk;`, an
// alias), let the function escape: code discovery does not see may
// call it. A function that is not bound by a let (a set's attribute, a
// list element, an argument) escapes too, except the file's own value:
// that is the module function, whose caller (NixOS) is taken to leave
// its defaulted formals at their defaults, as `{ uptix, tag ? "1", ...
// }:`. (A file's function called from another file, `import ./mk.nix {
// tag = "7"; }`, is not followed there: each file is analysed on its
// own.)
//
// The rules, for a call inside such a function:
//   - A formal with a default takes, at each known call, the value given
//     there, else its default (`mk { }` and `mk { tag = "7"; }` give both
//     values; a default that no call uses is not a target). With no
//     known call and no escape (a function never called, the module
//     function) the default is its only value.
//   - A parameter without a default of a function called by name, such
//     as a helper `mk = img: { image = uptix.dockerImage img; }`, is the
//     helper's input: a call depending on it is unresolved, naming the
//     parameter, and carries as Candidates the targets the known calls
//     give. (Mapped over constants only, the function's parameters are
//     the elements, and the call is resolved.)
//   - When a known call gives a value that is not constant (or an
//     argument set that is not, which may or may not hold a defaulted
//     formal), the call is unresolved with a reason that names the
//     parameter and the line of that call; the other calls' targets are
//     its Candidates.
//   - When the function escapes, or it is called more often than
//     discovery follows (64 calls by name, 256 known calls in all, and
//     a bound on the walks of function bodies per file, for helpers
//     nested deep), a call depending on any of its parameters is
//     unresolved, naming the parameter; its Candidates are the targets
//     of the defaults and of the known calls.
//
// A call whose function comes through a parameter is found where the
// parameter is the module: `mk = u: u.dockerImage "x"` called as
// `mk uptix`.
//
// Candidates are hints for the calls discovery cannot resolve (what the
// known ways of reaching the call give, and the constant elements of a
// mapping with one that is not), never the whole set: `uptix update`
// may lock them, but a value not among them may still reach the call.
//
// # Entry points
//
// Dir walks a tree (skipping hidden entries, files git ignores and
// symbolic links out of the tree) and analyzes its files concurrently;
// Files analyzes a given list; Source and ParsedFile analyze one file.
// Calls come sorted by file and offset. Every call carries its byte
// ranges (the call, the callee, the argument, the enclosing binding and
// its value), the binding's role (image, imageFile, other) and its
// sibling bindings, and its targets: for images the reference as written
// (which is the lock key) with a validation error when it breaks the
// reference grammar (see CheckImageRef); for GitHub the owner, repo,
// branch and fetch flags and the lock key the Nix module computes.
package discover
