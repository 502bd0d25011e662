{ lib, uptix, ... }:
{
  virtualisation.oci-containers.containers = lib.mkMerge [
    {
      nginx = {
        image = uptix.dockerImage "nginx:1.25-alpine";
        ports = [ "80:80" "443:443" ];
      };
    }
    (lib.mkIf true {
      traefik.image = uptix.pullDockerImage "traefik:v3.0";
    })
    {
      postgres = {
        # Already in the new shape: loaded from the store, run by name.
        imageFile = uptix.dockerImage "postgres:15";
        image = "postgres:15";
        environment.POSTGRES_PASSWORD_FILE = "/run/secrets/pg";
      };
      redis = {
        image = uptix.dockerImage "redis:7.2";
      };
    }
  ];
}
