{ ... }:
{
  imports = [
    ../../modules/media.nix
    ../../modules/internal-app.nix
  ];

  networking.hostName = "beta";
  virtualisation.oci-containers.backend = "podman";
  system.stateVersion = "24.11";
}
