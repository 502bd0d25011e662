# Corners of Nix's scoping and values, checked against Nix itself.
{ uptix, lib, ... }:
let
  tag = "o:1";
  s = rec { inherit tag; img = uptix.dockerImage tag; };
  a = { b.c = "merged"; b.d = "2"; };
  pick = u: u.dockerImage;
  withSet = { u = uptix; };
  v = import (./. + "/data/versions.nix");
in
{
  a = s.img;
  b = uptix.dockerImage "${a.b.c}:${a.b.d}";
  c = uptix.dockerImage (a.missing or "default:1");
  d = pick uptix "picked:1";
  e = builtins.getAttr "dockerImage" uptix "getattr:1";
  f = (if true then uptix.dockerImage else null) "if:1";
  g = (rec { m = uptix; }).m.dockerImage "rec-select:1";
  h = with withSet; u.dockerImage "with-set:1";
  i = uptix.dockerImage ''${"ind"}:${"1"}'';
  j = uptix.dockerImage "${"nested-${"interp"}"}:1";
  k = uptix.dockerImage "${v.name}:${v.tag}";
  l = uptix.dockerImage (builtins.elemAt [ "e0:1" "e1:1" ] 1);
  m = let inherit (v) name; in uptix.dockerImage "${name}-let-inherit:1";
  n = (name: tag: uptix.dockerImage "${name}:${tag}") "in-place" "2";
  o = uptix.dockerImage (toString 3 + ":" + toString true);
}
