{ config, lib, uptix, ... }:
let
  cfg = config.services.notes;
in
{
  options.services.notes.enable = lib.mkEnableOption "notes";

  config = lib.mkIf cfg.enable {
    virtualisation.oci-containers.containers.notes = {
      image = uptix.dockerImage "requarks/wiki:2.5"; # want dockerImage "requarks/wiki:2.5" role=image
      ports = [ "3000:3000" ];
    };
  };
}
