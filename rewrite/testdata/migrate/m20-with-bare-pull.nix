# Under `with uptix;` a bare pullDockerImage can be renamed.
{ uptix, ... }:
with uptix;
{
  virtualisation.oci-containers.containers.a.image = pullDockerImage "nginx:1.27";  # want lint old-style old-name
}
