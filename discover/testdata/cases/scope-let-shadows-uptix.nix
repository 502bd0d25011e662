# `uptix` rebound by let to something else is not the module.
{ uptix, ... }:
let
  uptix = import ./not-here.nix;
in
{
  image = uptix.dockerImage "nope:1";
}
