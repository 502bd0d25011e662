# The function's name written as a string or an interpolation.
{ uptix, ... }:
let
  fn = "dockerImage";
in
{
  a = uptix."dockerImage" "quoted:1"; # want dockerImage "quoted:1"
  b = uptix.${"githubRelease"} { owner = "o"; repo = "q"; }; # want githubRelease "$GITHUB_RELEASE$:o/q$"
  c = uptix.${fn} "computed:1"; # want dockerImage "computed:1"
  d = uptix."${fn}" "computed:2"; # want dockerImage "computed:2"
  e = uptix.${config.fn} "unknown:1";
  f = uptix.dockerImage"nospace:1"; # want dockerImage "nospace:1"
  g = uptix . dockerImage "spaced:1"; # want dockerImage "spaced:1"
}
