# In a set that is not rec, the set's own names are not in scope.
{ uptix, tag, ... }:
{
  tag = "1.0";
  image = uptix.dockerImage "busybox:${tag}"; # want dockerImage unresolved "`tag`"
}
