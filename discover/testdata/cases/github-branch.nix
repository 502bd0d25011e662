{ uptix, ... }:
let
  owner = "nix-community";
  common = { inherit owner; fetchSubmodules = true; };
in
{
  a = uptix.githubBranch { owner = "nixos"; repo = "nixpkgs"; branch = "master"; }; # want githubBranch "$GITHUB_BRANCH$:nixos/nixpkgs:master$"
  b = uptix.githubBranch { # want githubBranch "$GITHUB_BRANCH$:nix-community/home-manager:release-23.11$fdl"
    inherit owner;
    repo = "home-manager";
    branch = "release-23.11";
    fetchSubmodules = true;
    deepClone = true;
    leaveDotGit = true;
  };
  c = uptix.githubBranch ({ repo = "nur"; branch = "main"; } // common); # want githubBranch "$GITHUB_BRANCH$:nix-community/nur:main$f"
  d = uptix.githubBranch { owner = "o"; repo = "r"; branch = "b"; deepClone = true; leaveDotGit = false; }; # want githubBranch "$GITHUB_BRANCH$:o/r:b$d"
  e = uptix.githubBranch { owner = "o"; repo = "r"; branch = config.branch; }; # want githubBranch unresolved "`config.branch`"
  f = uptix.githubBranch { owner = "o"; repo = "r"; }; # want githubBranch unresolved "branch"
  g = uptix.githubBranch { owner = "o"; repo = "r"; branch = "b"; name = "src"; }; # want githubBranch "$GITHUB_BRANCH$:o/r:b$"
}
