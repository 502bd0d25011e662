# A cycle must not hang or crash: the argument is simply not constant.
{ uptix, ... }:
let
  a = "${b}";
  b = "${a}";
in
{
  image = uptix.dockerImage a; # want dockerImage unresolved "recurs"
}
