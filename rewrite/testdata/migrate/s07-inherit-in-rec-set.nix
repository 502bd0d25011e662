# `inherit (uptix) dockerImage;` inside a `rec` set brings the name into scope
# for the set's own values. The call is not an `image =` binding of a container.
{ uptix, ... }:
let
  pins = rec {
    inherit (uptix) dockerImage;
    proxy = dockerImage "traefik:v3.0";  # want manual
  };
in
{
  virtualisation.oci-containers.containers.proxy.image = pins.proxy;
}
