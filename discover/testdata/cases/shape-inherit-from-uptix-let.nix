{ uptix, ... }:
let
  inherit (uptix) dockerImage;
in
{
  virtualisation.oci-containers.containers.broker = {
    image = dockerImage "eclipse-mosquitto:2.0.18"; # want dockerImage "eclipse-mosquitto:2.0.18" role=image
  };
}
