# One call site inside a helper: its argument is a parameter, which is not
# constant (the helper may be called from anywhere). The calls seen in
# this file are reported as candidates.
{ uptix, ... }:
let
  mkService = name: img: {
    image = uptix.dockerImage img; # want dockerImage unresolved "`img`" role=image candidates "acme/front:5.0.0" "acme/back:5.0.0"
    extraOptions = [ "--network=${name}-net" ];
  };
in
{
  virtualisation.oci-containers.containers = {
    front = mkService "front" "acme/front:5.0.0";
    back = mkService "back" "acme/back:5.0.0";
  };
}
