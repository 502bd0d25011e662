{ uptix, lib, ... }:
let
  refs = [ "one:1" "two:2" ];
  set = { b = "bee:2"; a = "ay:1"; };
  mk = r: { image = uptix.dockerImage r; };
in
{
  a = map uptix.dockerImage refs;
  b = map (r: uptix.dockerImage "${r}-x") refs;
  c = lib.mapAttrs (n: v: uptix.dockerImage "${n}/${v}") set;
  d = lib.genAttrs [ "g1" "g2" ] (n: uptix.dockerImage "${n}:latest");
  e = map mk [ "mk:1" "mk:2" ];
  f = lib.forEach refs (r: uptix.pullDockerImage r);
  g = lib.mapAttrsToList (n: v: uptix.githubBranch { owner = n; repo = v; branch = "main"; }) { o1 = "r1"; o2 = "r2"; };
  h = builtins.mapAttrs (_: uptix.dockerImage) set;
}
