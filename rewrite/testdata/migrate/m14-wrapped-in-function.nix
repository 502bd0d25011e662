# The value is a function applied to the call: the manual change applies
# the same function to both bindings.
{ lib, uptix, ... }:
{
  virtualisation.oci-containers.containers.m.image = lib.mkForce (uptix.dockerImage "nginx:1.25");  # want lint old-style manual
}
