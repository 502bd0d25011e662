# args@ on either side; args.uptix is the module when uptix is a formal or
# the set is open.
args@{ pkgs, ... }:
{
  a = args.uptix.dockerImage "left:1"; # want dockerImage "left:1"
  b = (x: x.dockerImage "nope:1") pkgs;
}
