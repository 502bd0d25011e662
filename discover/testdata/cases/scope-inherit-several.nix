{ uptix, ... }:
let
  inherit (uptix) dockerImage githubBranch githubRelease pullDockerImage;
in
{
  a = dockerImage "a/a:1"; # want dockerImage "a/a:1"
  b = pullDockerImage "b/b:2"; # want pullDockerImage "b/b:2"
  c = githubBranch { owner = "nixos"; repo = "nixpkgs"; branch = "nixos-unstable"; }; # want githubBranch "$GITHUB_BRANCH$:nixos/nixpkgs:nixos-unstable$"
  d = githubRelease { owner = "koalaman"; repo = "shellcheck"; }; # want githubRelease "$GITHUB_RELEASE$:koalaman/shellcheck$"
}
