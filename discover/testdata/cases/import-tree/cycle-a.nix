# Imports that form a cycle end in "not constant", not a hang.
{ uptix, ... }:
{
  image = uptix.dockerImage (import ./cycle-b.nix).tag; # want dockerImage unresolved "recurs"
}
