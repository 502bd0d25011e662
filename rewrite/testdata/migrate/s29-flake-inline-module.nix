{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.uptix.url = "github:acme/uptix";

  outputs = { self, nixpkgs, uptix, ... }: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        (uptix.nixosModules.uptix ./uptix.lock)
        ({ uptix, ... }: {
          virtualisation.oci-containers.containers.hello.image =
            uptix.dockerImage "hello-world:latest";  # want lint old-style
        })
      ];
    };
  };
}
