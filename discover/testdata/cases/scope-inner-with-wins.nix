# The innermost `with` wins among `with`s.
{ uptix, ... }:
let
  fake = { dockerImage = x: x; };
in
{
  a = with uptix; with fake; dockerImage "from-fake:1";
  b = with fake; with uptix; dockerImage "from-uptix:1"; # want dockerImage "from-uptix:1"
}
