{ uptix, ... }:
let
  common = { owner = "nix-community"; fetchSubmodules = true; };
  owner = "o";
in
{
  a = uptix.githubBranch (common // { repo = "nur"; branch = "main"; });
  b = uptix.githubRelease { inherit owner; repo = "r"; deepClone = true; leaveDotGit = true; };
  c = uptix.githubBranch { inherit (common) owner; repo = "x"; branch = "dev"; leaveDotGit = false; };
}
