# The interpolated tag is a sibling in the same rec set.
{ uptix, ... }:
{
  virtualisation.oci-containers.containers.mqtt = rec {
    version = "2.0.18";
    image = uptix.dockerImage "eclipse-mosquitto:${version}"; # want dockerImage "eclipse-mosquitto:2.0.18" role=image
  };
}
