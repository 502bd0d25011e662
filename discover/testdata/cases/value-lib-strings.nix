{ lib, uptix, ... }:
let
  parts = [ "ghcr.io" "acme" "tool" ];
  version = "1.2.3";
in
{
  a = uptix.dockerImage "${lib.concatStringsSep "/" parts}:${version}"; # want dockerImage "ghcr.io/acme/tool:1.2.3"
  b = uptix.dockerImage (builtins.replaceStrings [ "+" ] [ "_" ] "app:1.0+build"); # want dockerImage "app:1.0_build"
  c = uptix.dockerImage ("x" + lib.optionalString true ":1"); # want dockerImage "x:1"
  d = uptix.dockerImage (lib.toLower "Mixed/Case:1"); # want dockerImage "mixed/case:1"
  e = uptix.dockerImage (if version == "1.2.3" then "cond:yes" else "cond:no"); # want dockerImage "cond:yes"
  f = uptix.dockerImage (builtins.head [ "first:1" "second:2" ]); # want dockerImage "first:1"
  g = uptix.dockerImage "n:${toString 42}"; # want dockerImage "n:42"
  h = uptix.dockerImage (let v = "7"; in "let-in-arg:${v}"); # want dockerImage "let-in-arg:7"
  i = uptix.dockerImage (lib.concatStrings [ "cat" ":" (builtins.getAttr "v" { v = "9"; }) ]); # want dockerImage "cat:9"
  j = uptix.dockerImage (lib.unknownFunction "x"); # want dockerImage unresolved "lib.unknownFunction"
  k = "${uptix.dockerImage "in-interp:1"}"; # want dockerImage "in-interp:1"
  l = lib.mkDefault (uptix.dockerImage "wrapped:1"); # want dockerImage "wrapped:1"
  m = assert true; uptix.dockerImage "asserted:1"; # want dockerImage "asserted:1"
  n = uptix.dockerImage (if config.x then "a:1" else "b:1"); # want dockerImage unresolved "condition"
}
