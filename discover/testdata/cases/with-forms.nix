{ uptix, lib, ... }:
let
  u = uptix;
in
{
  a = with u; dockerImage "alias:1"; # want dockerImage "alias:1"
  b = with { inherit (uptix) dockerImage; }; dockerImage "inherited:1"; # want dockerImage "inherited:1"
  c = with uptix; map dockerImage [ "m:1" ]; # want dockerImage "m:1"
  d = with uptix; githubBranch { owner = "o"; repo = "r"; branch = "main"; }; # want githubBranch "$GITHUB_BRANCH$:o/r:main$"
  # `with` never shadows a lexical name, even a function parameter's.
  e = (dockerImage: with uptix; dockerImage "param:1") (x: x);
}
