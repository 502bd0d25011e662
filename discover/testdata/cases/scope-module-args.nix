# uptix reached through config._module.args, and a module that passes it to
# an imported function file.
{ config, pkgs, ... }:
let
  inherit (config._module.args) uptix;
in
{
  a = config._module.args.uptix.dockerImage "via-config:1"; # want dockerImage "via-config:1"
  b = uptix.dockerImage "via-inherit:1"; # want dockerImage "via-inherit:1"
  c = with import ./json-tree/images-set.nix; uptix.dockerImage "${name}:${tag}"; # want dockerImage "from-with-import:5"
}
