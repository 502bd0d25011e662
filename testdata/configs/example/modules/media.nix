{ uptix, ... }:
let
  inherit (uptix) dockerImage;
  version = "10.8.13";
in
{
  virtualisation.oci-containers.containers.jellyfin.image =
    dockerImage "jellyfin/jellyfin:${version}";
  virtualisation.oci-containers.containers.jellyfin.volumes = [
    "/srv/media:/media:ro"
  ];
}
