# `image` bound in a let is a variable, not a container attribute.
{ uptix, ... }:
let
  image = uptix.dockerImage "nginx:1.25";  # want lint old-style manual
in
{
  virtualisation.oci-containers.containers.web = { inherit image; };
}
