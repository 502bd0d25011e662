{ uptix, ... }:
let
  a = "outer";
in
let
  a = "postgres";
  b = "${a}:16";
in
{
  db = let c = b; in uptix.dockerImage c; # want dockerImage "postgres:16"
}
