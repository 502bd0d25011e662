{ uptix, ... }:
let
  inherit (uptix) dockerImage;
in
{
  virtualisation.oci-containers.containers.mqtt = {
    image = dockerImage "eclipse-mosquitto:2.0.18";  # want lint old-style
  };
}
