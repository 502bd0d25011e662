# Evaluates the example's container modules the way NixOS would see them
# for one host, with a stub package set whose dockerTools.pullImage returns
# its arguments, and lists each container's `image` beside what its
# `imageFile` would fetch. Used by the end-to-end test.
#
#   nix-instantiate --eval --strict --json containers.nix \
#     --arg uptixModules ./modules --arg lockFile ./uptix.lock \
#     --argstr system aarch64-linux --arg files '[ ./a.nix ./b.nix ]'
{ uptixModules, lockFile, system, files }:
let
  pkgs = {
    stdenv.hostPlatform.system = system;
    dockerTools.pullImage = args: args // { type = "derivation"; };
  };
  uptix = import uptixModules { inherit lockFile pkgs; };

  # Just enough of nixpkgs' lib for the example's modules.
  lib = {
    mkIf = cond: value: if cond then value else { };
    mkMerge = builtins.foldl' (a: b: a // b) { };
    mkEnableOption = name: { description = "Whether to enable ${name}."; };
  };
  config.services.monitoring.enable = true;

  containersOf = file:
    let
      m = import file { inherit config lib pkgs uptix; };
      cfg = m.config or m;
    in
    cfg.virtualisation.oci-containers.containers or { };

  all = builtins.foldl' (a: f: a // containersOf f) { } files;
in
builtins.mapAttrs
  (name: c: {
    inherit (c) image;
    imageFile = if c ? imageFile then removeAttrs c.imageFile [ "type" ] else null;
  })
  all
