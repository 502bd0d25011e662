# The functions of a `let { … }` are walked too.
{ uptix, ... }:
let {
  mk = { tag ? "1" }: uptix.dockerImage "legacy:${tag}"; # want dockerImage "legacy:2"
  body = { a = mk { tag = "2"; }; };
}
