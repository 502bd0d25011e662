# NEGATIVE: uses of uptix that are not calls of the four functions.
{ uptix, lib, ... }:
let
  f = uptix.dockerImage;
  g = uptix.dockerImage or null;
  has = uptix ? dockerImage;
  v = uptix.version { rev = "v1.0"; };
  notFn = uptix.somethingElse "x:1";
  other = { dockerImage = x: x; };
in
{
  a = other.dockerImage "fake:1";
  b = lib.dockerImage "fake:2";
  c = "uptix.dockerImage \"fake:3\"";
  d = builtins.dockerImage "fake:4";
}
