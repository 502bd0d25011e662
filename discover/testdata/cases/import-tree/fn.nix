# A function file: calls inside are found in this file, with parameters
# unknown.
{ uptix, tag }:
{
  image = uptix.dockerImage "acme/fn:${tag}"; # want dockerImage unresolved "`tag`"
}
