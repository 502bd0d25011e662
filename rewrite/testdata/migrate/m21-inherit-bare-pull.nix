# A bare pullDockerImage from `inherit (uptix) pullDockerImage;` keeps its
# name (renaming it here alone would break the file); the binding is
# still migrated and the rename is left to do by hand.
{ uptix, ... }:
let
  inherit (uptix) pullDockerImage;
in
{
  virtualisation.oci-containers.containers.a.image = pullDockerImage "nginx:1.27";  # want lint old-style old-name manual
}
