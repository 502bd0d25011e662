# NEGATIVE: mapped over nothing, no call happens.
{ uptix, ... }:
[
  (map uptix.dockerImage [ ])
  (map (x: uptix.dockerImage x) [ ])
  (builtins.mapAttrs (n: v: uptix.dockerImage v) { })
]
