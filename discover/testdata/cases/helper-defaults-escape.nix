# A helper that may be called where discovery cannot see (exported,
# passed on) has defaults that those calls may override: its calls are
# unresolved, naming the parameter, with the default and the known
# calls' values as candidates. Mapped over something not constant, it
# gets arguments that are not constant, which may or may not hold the
# attribute.
{ lib, config, uptix, tag ? "16", ... }:
let
  mkDb = { version ? "15" }: uptix.dockerImage "postgres:${version}"; # want dockerImage unresolved "`version`" candidates "postgres:15" "postgres:17"
  mkMq = { version ? "3.13" }: uptix.dockerImage "rabbitmq:${version}"; # want dockerImage unresolved "an element of `config.queues` or the default of `version` (given as `version` by the call at line 20)"
  # Never called and not passed on: nothing can give another value, so
  # the default holds.
  mkUnused = { version ? "1.2" }: uptix.dockerImage "unused:${version}"; # want dockerImage "unused:1.2"
in
{
  # The module function's own defaulted formal keeps its default.
  main = uptix.dockerImage "postgres:${tag}"; # want dockerImage "postgres:16"
  db = mkDb { version = "17"; };
  lib.mkDb = mkDb;
  queues = map mkMq config.queues;
}
