{ lib, uptix, ... }:
let
  images = builtins.fromJSON (builtins.readFile ./images.json);
  viaLib = lib.importJSON ./images.json;
in
{
  a = uptix.dockerImage images.db; # want dockerImage "postgres:16.3"
  b = map uptix.dockerImage viaLib.list; # want dockerImage "nats:2.10" "redis:7.2"
  c = uptix.dockerImage (builtins.elemAt images.list 1); # want dockerImage "redis:7.2"
}
