# The call is the body of a helper; where its result lands is not known.
{ uptix, ... }:
let
  mkImage = name: uptix.dockerImage "acme/${name}:1.0";  # want manual unresolved
in
{
  virtualisation.oci-containers.containers.ui.image = mkImage "ui";
}
