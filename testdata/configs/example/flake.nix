{
  description = "Two hosts running containers pinned with uptix";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    uptix.url = "github:uptix-dev/uptix";
  };

  outputs = { self, nixpkgs, uptix }:
    let
      host = system: hostModule:
        nixpkgs.lib.nixosSystem {
          inherit system;
          modules = [
            (uptix.nixosModules.uptix ./uptix.lock)
            hostModule
          ];
        };
    in
    {
      nixosConfigurations = {
        # An x86_64 server: home automation, monitoring and the web front.
        alpha = host "x86_64-linux" ./hosts/alpha;
        # A Raspberry Pi class aarch64 box: media and the internal app.
        beta = host "aarch64-linux" ./hosts/beta;
      };
    };
}
