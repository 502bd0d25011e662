# The binding lives in a let-bound set; a container takes `image` from it
# with `inherit (x) image;`. Rewriting the let would leave the container
# without imageFile, so it is reported instead.
{ uptix, ... }:
let
  web = {
    image = uptix.dockerImage "nginx:1.25";  # want lint old-style manual
  };
in
{
  virtualisation.oci-containers.containers.web = {
    inherit (web) image;
    ports = [ "80:80" ];
  };
}
