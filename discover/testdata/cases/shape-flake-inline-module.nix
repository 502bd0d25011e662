{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.uptix.url = "github:example/uptix";

  outputs = { self, nixpkgs, uptix, ... }: {
    nixosConfigurations.host = nixpkgs.lib.nixosSystem {
      system = "aarch64-linux";
      modules = [
        (uptix.nixosModules.uptix ./uptix.lock)
        ({ uptix, ... }: {
          virtualisation.oci-containers.containers.hi.image =
            uptix.dockerImage "hello-world:latest"; # want dockerImage "hello-world:latest" role=image
        })
      ];
    };
  };
}
