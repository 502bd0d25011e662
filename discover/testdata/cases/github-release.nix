{ uptix, pkgs, ... }:
let
  src = uptix.githubRelease { # want githubRelease "$GITHUB_RELEASE$:BurntSushi/ripgrep$"
    owner = "BurntSushi";
    repo = "ripgrep";
  };
in
pkgs.stdenv.mkDerivation {
  pname = "rg";
  version = uptix.version src;
  inherit src;
  other = uptix.githubRelease { owner = "a"; repo = "b"; fetchSubmodules = true; leaveDotGit = true; }; # want githubRelease "$GITHUB_RELEASE$:a/b$fl"
  flagFromConfig = uptix.githubRelease { owner = "a"; repo = "b"; deepClone = pkgs.x; }; # want githubRelease unresolved "`pkgs.x`"
  notASet = uptix.githubRelease "a/b"; # want githubRelease unresolved "set"
}
