{ ... }:
{
  imports = [
    ../../modules/home-automation.nix
    ../../modules/monitoring.nix
    ../../modules/web.nix
    ../../modules/sources.nix
  ];

  networking.hostName = "alpha";
  services.monitoring.enable = true;
  virtualisation.oci-containers.backend = "podman";
  system.stateVersion = "24.11";
}
