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
// let, rec sets and attribute sets, function parameters' defaults (a
// parameter with a default is taken to have it), `import ./file.nix` of
// a file inside the tree whose value is constant (and readFile,
// fromJSON, importJSON of such files), and the parameters of a function
// mapped over a constant list or set by one of the mapping functions
// above (the call inside then has one target per element), or of a
// function written where it is applied, `(x: …) "a"`. A parameter of a function called directly, such as a
// helper `mk = img: { image = uptix.dockerImage img; }`, is not constant:
// the helper may be called from anywhere. Such a call is unresolved, and
// carries as Candidates what the calls of the helper in the same file
// give.
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
