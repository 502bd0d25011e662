# A computed path cannot take a second binding; a nested set that binds
# imageFile already counts as a sibling.
{ pkgs, uptix, ... }:
let
  name = "web";
in
{
  virtualisation.oci-containers.containers = {
    ${name}.image = uptix.dockerImage "nginx:1.27";  # want lint old-style manual
    db = { imageFile = pkgs.dockerTools.examples.redis; };
    db.image = uptix.dockerImage "redis:7.4";  # want lint old-style manual
    api = { ports = [ "80:80" ]; };
    api.image = uptix.dockerImage "acme/api:1.0";  # want lint old-style
  };
}
