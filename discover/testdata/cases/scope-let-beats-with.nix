# A lexical binding wins over `with`, however far out it is.
{ uptix, ... }:
let
  dockerImage = name: "not-uptix/${name}";
in
with uptix;
{
  a = dockerImage "shadowed:1.0";
  b = githubRelease { owner = "o"; repo = "r"; }; # want githubRelease "$GITHUB_RELEASE$:o/r$"
}
