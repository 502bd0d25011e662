# NEGATIVE: no function parameter named uptix anywhere: a free name is not
# the module.
{
  image = uptix.dockerImage "free:1";
  other = dockerImage "bare:1";
}
