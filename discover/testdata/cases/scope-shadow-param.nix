# An inner function's own parameter named uptix shadows the outer one; a
# parameter with another name that happens to be called like a function
# is not uptix.
{ uptix, ... }:
let
  viaOther = uptix: uptix.dockerImage "other:1"; # want dockerImage "other:1"
  notUptix = { dockerImage, ... }: dockerImage "nope:1";
  shadowedByLet = let uptix = { dockerImage = x: x; }; in uptix.dockerImage "nope:2";
in
{
  x = uptix.dockerImage "outer:1"; # want dockerImage "outer:1"
}
