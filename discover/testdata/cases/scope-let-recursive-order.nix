# let bindings are mutually recursive: order does not matter.
{ uptix, ... }:
let
  img = uptix.dockerImage "${name}:${tag}"; # want dockerImage "caddy:2.7" role=other binding=img
  name = "caddy";
  tag = "2.7";
in
{ virtualisation.oci-containers.containers.caddy.imageFile = img; }
