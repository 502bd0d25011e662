{ config, lib, uptix, ... }:
{
  config = lib.mkMerge [
    (lib.mkIf config.media.enable {
      virtualisation.oci-containers.containers.media.image =
        uptix.dockerImage "jellyfin/jellyfin:10.8.13"; # want dockerImage "jellyfin/jellyfin:10.8.13" role=image binding=virtualisation.oci-containers.containers.media.image
    })
    {
      virtualisation.oci-containers.containers.echo = {
        image = uptix.dockerImage "traefik/whoami:v1.10"; # want dockerImage "traefik/whoami:v1.10" role=image
      };
    }
  ];
}
