#!/usr/bin/env bash
# Starts the project so a human can try a Trak's changes by hand.
# Runs in the worktree. To show a link, print a line of the form:
#   ORKESTRA_PORT <Label>=<port>
set -euo pipefail

# Examples — uncomment and adapt:
# PORT="${PORT:-3000}"
# echo "ORKESTRA_PORT App=$PORT"
# exec npm run dev -- --port "$PORT"

echo "No run command configured: edit .orkestra/scripts/run.sh."
