# A call whose argument holds another call: copying the argument into
# image would copy the inner call too, so it is reported.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.odd.image = uptix.dockerImage (uptix.dockerImage "alpine:3.20").imageName;  # want lint old-style old-style unresolved manual manual
}
