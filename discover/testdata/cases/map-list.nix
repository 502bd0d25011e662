{ lib, uptix, ... }:
let
  names = [ "alpine:3.19" "debian:12" ];
in
{
  a = map (ref: uptix.dockerImage ref) names; # want dockerImage "alpine:3.19" "debian:12"
  b = map (n: uptix.dockerImage "library/${n}:latest") [ "nginx" "redis" ]; # want dockerImage "library/nginx:latest" "library/redis:latest"
  c = builtins.map uptix.dockerImage [ "x:1" ]; # want dockerImage "x:1"
  d = lib.forEach [ "y:1" "z:2" ] (r: uptix.dockerImage r); # want dockerImage "y:1" "z:2"
  e = map uptix.dockerImage (names ++ [ "extra:1" ]); # want dockerImage "alpine:3.19" "debian:12" "extra:1"
  # Not constant: the list comes from config.
  f = map uptix.dockerImage config.images; # want dockerImage unresolved "`config.images`"
}
