{ uptix, ... }:
let
  mkContainer = name: img: {
    image = uptix.dockerImage img;  # want lint old-style unresolved
    extraOptions = [ "--network=${name}-net" ];
  };
in
{
  virtualisation.oci-containers.containers = {
    ui = mkContainer "ui" "acme/ui:5.0.0";
    backend = mkContainer "backend" "acme/backend:5.0.0";
  };
}
