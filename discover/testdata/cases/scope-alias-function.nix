{ uptix, ... }:
let
  pull = uptix.dockerImage;
  pull2 = pull;
  mod = uptix;
  mod2 = { inner = mod; };
in
{
  a = pull "one:1"; # want dockerImage "one:1"
  b = pull2 "two:2"; # want dockerImage "two:2"
  c = mod2.inner.dockerImage "three:3"; # want dockerImage "three:3"
  d = (uptix.dockerImage) "four:4"; # want dockerImage "four:4"
  e = uptix.dockerImage ("five:5"); # want dockerImage "five:5"
  f = (((uptix).dockerImage)) (("six:6")); # want dockerImage "six:6"
}
