{ config, lib, uptix, ... }:
{
  config = lib.mkMerge [
    (lib.mkIf config.acme.media.enable {
      virtualisation.oci-containers.containers.jellyfin.image =
        uptix.dockerImage "jellyfin/jellyfin:10.8.13";  # want lint old-style
    })
    {
      virtualisation.oci-containers.containers.whoami = {
        image = uptix.dockerImage "traefik/whoami:v1.10";  # want lint old-style
      };
    }
  ];
}
