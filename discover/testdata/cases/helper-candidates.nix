# Helpers called with constants give candidates, never targets.
{ lib, uptix, ... }:
let
  mk = { name, tag ? "latest" }: uptix.dockerImage "acme/${name}:${tag}"; # want dockerImage unresolved "`name`" candidates "acme/a:latest" "acme/b:2"
  pin = ref: uptix.githubRelease { owner = "o"; repo = ref; }; # want githubRelease unresolved "`ref`" candidates "$GITHUB_RELEASE$:o/x$"
  unused = ref: uptix.dockerImage ref; # want dockerImage unresolved "`ref`"
  fromConfig = ref: uptix.dockerImage ref; # want dockerImage unresolved "`ref`"
in
{
  a = mk { name = "a"; };
  b = mk { name = "b"; tag = "2"; };
  x = pin "x";
  y = fromConfig config.image;
}
