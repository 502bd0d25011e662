{ uptix, lib, ... }@inputs:
let
  inherit (inputs.uptix) dockerImage;
in
{
  a = dockerImage "right:1"; # want dockerImage "right:1"
}
