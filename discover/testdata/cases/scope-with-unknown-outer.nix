# An unknown `with` (pkgs, lib) around `with uptix` changes nothing, and a
# known one outside an unknown one still supplies names lib does not have.
{ pkgs, lib, uptix, ... }:
with pkgs;
with uptix;
{
  a = dockerImage "one:1"; # want dockerImage "one:1"
  b = with lib; dockerImage "two:2"; # want dockerImage "two:2"
}
