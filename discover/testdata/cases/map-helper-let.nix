# The mapped function is bound in let before it is used.
{ lib, uptix, ... }:
let
  mkContainer = ref: {
    image = uptix.dockerImage ref; # want dockerImage "traefik:v3.0" "caddy:2" role=image
  };
  refs = [ "traefik:v3.0" "caddy:2" ];
in
{
  all = map mkContainer refs;
}
