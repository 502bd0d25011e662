# mapAttrs' function takes two arguments; the image uses both.
{ lib, uptix, ... }:
{
  containers = lib.mapAttrs (name: tag: {
    image = uptix.dockerImage "acme/${name}:${tag}"; # want dockerImage "acme/api:1.2" "acme/web:3.4"
  }) { web = "3.4"; api = "1.2"; };
  # mapAttrsToList passes the same two arguments.
  list = lib.mapAttrsToList (n: v: uptix.dockerImage "${n}:${v}") { b = "2"; a = "1"; }; # want dockerImage "a:1" "b:2"
}
