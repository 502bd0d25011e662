# Calls inside strings: the derivation would be turned into a store path.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers = {
    x.image = "${uptix.dockerImage "nginx:1.25"}";  # want lint in-string manual
    y.cmd = [ "load" "${uptix.dockerImage "alpine:3.19"}" ];  # want lint in-string manual
  };
}
