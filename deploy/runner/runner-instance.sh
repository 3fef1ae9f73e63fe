#!/bin/sh
# Starts one replica of docker-compose.yml's `runner` service (`docker compose up --scale runner=N`).
#
# The replicas share the volume `runner-data`, but each runner needs a data dir of its own (its git
# locks are in-process). So each takes the first numbered dir under it that no running replica
# holds (an flock, held for as long as the runner runs) and the name that goes with the number:
# compose-runner-1, compose-runner-2, … A replica that restarts, or is recreated by an upgrade,
# gets a free number again and finds that number's clones and worktrees where it left them; the
# registry and the runner's own consumers keep a stable name.
set -eu

root="${ORK_COMPOSE_RUNNERS_DIR:-/home/node/.orkestra/runners}"
prefix="${ORK_COMPOSE_RUNNER_PREFIX:-compose-runner}"
max=256

n=1
while :; do
  mkdir -p "$root/$n"
  # fd 9 stays open in the runner after `exec`: the lock lives as long as the runner does.
  exec 9>"$root/$n.lock"
  if flock -n 9; then break; fi
  exec 9>&-
  n=$((n + 1))
  if [ "$n" -gt "$max" ]; then
    echo "runner-instance: all $max runner dirs under $root are taken by running runners; scale down, or remove stale locks" >&2
    exit 1
  fi
done

export ORK_RUNNER_DATA_DIR="$root/$n"
export ORK_RUNNER_NAME="$prefix-$n"
exec node apps/runner/dist/main.js
