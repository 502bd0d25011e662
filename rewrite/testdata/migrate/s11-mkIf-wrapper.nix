{ config, lib, uptix, ... }:
let
  cfg = config.services.acme-wiki;
in
{
  options.services.acme-wiki.enable = lib.mkEnableOption "wiki";

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.wiki = {
      image = uptix.dockerImage "requarks/wiki:2.5";  # want lint old-style
      ports = [ "3000:3000" ];
    };
  };
}
