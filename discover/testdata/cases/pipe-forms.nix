# Pipes in both directions (Nix >= 2.24, experimental).
{ uptix, ... }:
let
  tag = "1.0";
in
{
  a = "left:${tag}" |> uptix.dockerImage; # want dockerImage "left:1.0"
  b = uptix.dockerImage <| "right:2.0"; # want dockerImage "right:2.0"
  c = { owner = "o"; repo = "r"; } |> uptix.githubRelease; # want githubRelease "$GITHUB_RELEASE$:o/r$"
}
