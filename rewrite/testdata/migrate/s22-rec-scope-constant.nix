# The interpolated constant lives in the same `rec` set.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.broker = rec {
    tag = "2.0.18";
    image = uptix.dockerImage "eclipse-mosquitto:${tag}";  # want lint old-style
  };
}
