# List elements are separate: `[ uptix.dockerImage "x" ]` is a list of the
# function and a string, not a call. Discovery reports nothing there.
{ uptix, ... }:
{
  a = [ uptix.dockerImage "not-a-call:1" ];
  b = [ (uptix.dockerImage "a-call:1") "plain:2" ]; # want dockerImage "a-call:1"
  c = [
    uptix.dockerImage
    "also-not:1"
  ];
}
