# Outside a NixOS module the earlier uptix documented reaching the functions
# through the module's _module.args.
{ pkgs, uptixFlake }:
let
  uptix = (uptixFlake.nixosModules.uptix ./uptix.lock { inherit pkgs; })._module.args.uptix;
in
{
  src = pkgs.fetchFromGitHub (uptix.githubBranch { owner = "o"; repo = "r"; branch = "dev"; }); # want githubBranch "$GITHUB_BRANCH$:o/r:dev$"
}
