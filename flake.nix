{
  description = "uptix: pin the container images and GitHub sources of a NixOS configuration";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixpkgs-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: builtins.listToAttrs (map
        (system: { name = system; value = f system nixpkgs.legacyPackages.${system}; })
        systems);

      # The functions of modules/default.nix for one lock file and one
      # package set (whose host platform picks the image architecture).
      mkUptix = { lockFile, pkgs }: import ./modules { inherit lockFile pkgs; };

      # The uptix command. vendorHash is the NAR hash of what `go mod
      # vendor` writes for this go.mod; modules/modules_test.go recomputes
      # it, so a dependency change that forgets to update it fails the tests.
      package = pkgs:
        let
          buildGoModule = pkgs.buildGo126Module or pkgs.buildGoModule;
          version = "0.1.0";
        in
        buildGoModule {
          pname = "uptix";
          inherit version;
          src = ./.;
          vendorHash = "sha256-lMBQIRb4AfCXCwdNfEjT/u3kKbalWKYFfHSQWZ0UFSU=";
          subPackages = [ "cmd/uptix" ];
          ldflags = [ "-s" "-w" "-X main.version=${version}" ];
          nativeBuildInputs = [ pkgs.makeWrapper ];
          # Branches and releases fetched with git flags are hashed by
          # nix-prefetch-git.
          postInstall = ''
            wrapProgram $out/bin/uptix --prefix PATH : ${pkgs.nix-prefetch-git}/bin
          '';
          # The tests need Nix, skopeo, git and servers on 127.0.0.1; CI runs
          # them (`go test ./...`), the sandboxed build does not.
          doCheck = false;
          meta = {
            description = "Pins container images and GitHub sources of NixOS configurations";
            homepage = "https://github.com/uptix-dev/uptix";
            mainProgram = "uptix";
          };
        };
    in
    {
      # In a NixOS configuration: `modules = [ (uptix.nixosModules.uptix ./uptix.lock) … ]`,
      # then take `uptix` as a module argument.
      nixosModules.uptix = lockFile: { pkgs, ... }: {
        _module.args.uptix = mkUptix { inherit lockFile pkgs; };
      };

      # Outside NixOS modules: `uptix.lib.mkUptix { lockFile = ./uptix.lock; inherit pkgs; }`.
      lib = { inherit mkUptix; };

      # `pkgs.uptix` (the command) and `pkgs.mkUptix ./uptix.lock` (the functions).
      overlays.default = final: prev: {
        uptix = package final;
        mkUptix = lockFile: mkUptix { inherit lockFile; pkgs = final; };
      };

      packages = forAllSystems (system: pkgs: rec {
        uptix = package pkgs;
        default = uptix;
      });

      apps = forAllSystems (system: pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${system}.default}/bin/uptix";
        };
      });

      devShells = forAllSystems (system: pkgs: {
        default = pkgs.mkShell {
          packages = [
            (pkgs.go_1_26 or pkgs.go)
            pkgs.gopls
            pkgs.skopeo
            pkgs.nix-prefetch-git
            pkgs.git
          ];
        };
      });

      checks = forAllSystems (system: pkgs: {
        package = self.packages.${system}.default;
      });
    };
}
