# Variables stay variables; a select stays the select.
{ config, uptix, ... }:
let
  img = "postgres:16.4";
  cfg = config.acme;
in
{
  virtualisation.oci-containers.containers = {
    db.image = uptix.dockerImage img;  # want lint old-style
    app.image = uptix.dockerImage cfg.appImage;  # want lint old-style unresolved
  };
}
