{ uptix, ... }:
let
  registry = "registry.example.com:5000";
  repo = registry + "/team/app";
in
{
  a = uptix.dockerImage (repo + ":1.0"); # want dockerImage "registry.example.com:5000/team/app:1.0"
  b = uptix.dockerImage ("nginx" + ":" + "1.25"); # want dockerImage "nginx:1.25"
  # Without parentheses this is (uptix.dockerImage "x") + ":1": still a
  # call, with argument "x".
  c = uptix.dockerImage "x" + ":1"; # want dockerImage "x"
}
