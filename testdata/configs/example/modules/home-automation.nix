# Zigbee bridge, MQTT broker and Home Assistant.
{ config, lib, uptix, ... }:
let
  mosquittoImage = "eclipse-mosquitto:2.0.18";
in
{
  virtualisation.oci-containers.containers = {
    zigbee2mqtt = {
      image = uptix.dockerImage "koenkk/zigbee2mqtt:latest";
      volumes = [ "/var/lib/zigbee2mqtt:/app/data" ];
      extraOptions = [ "--device=/dev/ttyUSB0:/dev/ttyACM0" ];
    };

    mosquitto = {
      image = uptix.dockerImage mosquittoImage;
      ports = [ "1883:1883" ];
    };

    # Home Assistant publishes its images on GitHub's registry.
    home-assistant.image =
      uptix.dockerImage "ghcr.io/home-assistant/home-assistant:2024.11";
    home-assistant.extraOptions = [ "--network=host" ];
  };
}
