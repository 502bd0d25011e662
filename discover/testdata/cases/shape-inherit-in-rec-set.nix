# `inherit (uptix)` inside a rec set: the set's own values see the name.
# The call is bound to `edge`, not to an `image =` binding.
{ uptix, ... }:
let
  images = rec {
    inherit (uptix) dockerImage;
    edge = dockerImage "traefik:v3.0"; # want dockerImage "traefik:v3.0" role=other binding=edge
  };
in
{
  virtualisation.oci-containers.containers.edge.image = images.edge;
}
