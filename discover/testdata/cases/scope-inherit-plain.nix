# `inherit uptix;` passes the module along inside a set; selecting from that
# set still reaches the module.
{ uptix, ... }:
let
  deps = { inherit uptix; tag = "3.19"; };
in
{
  image = deps.uptix.dockerImage "alpine:${deps.tag}"; # want dockerImage "alpine:3.19"
}
