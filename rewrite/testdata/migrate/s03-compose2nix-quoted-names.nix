# Auto-generated-style module (compose2nix shape): quoted container names,
# dashed attribute names, lib.mkOverride siblings.
{ pkgs, lib, uptix, ... }:

{
  virtualisation.oci-containers.backend = "docker";

  # Containers
  virtualisation.oci-containers.containers."acme-db" = {
    image = uptix.dockerImage "docker.io/library/postgres:16";  # want lint old-style
    environment = {
      "POSTGRES_USER" = "app";
    };
    log-driver = "journald";
    extraOptions = [
      "--network-alias=db"
      "--network=acme_default"
    ];
  };
  systemd.services."docker-acme-db" = {
    serviceConfig = {
      Restart = lib.mkOverride 90 "always";
    };
  };
}
