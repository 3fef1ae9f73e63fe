#!/usr/bin/env bash
# Prepares a new Trak worktree before the first agent works in it: install dependencies,
# generate code, copy local settings. The runner calls it once per worktree, with the
# worktree as the current directory and its path as $1 (also ORKESTRA_WORKTREE_PATH).
# A non-zero exit fails the stage's run with this script's output, and the next try runs it
# again. Files listed in a runner's `copyIgnored` setting (e.g. `.env`) are already copied.
set -euo pipefail

WORKTREE="${1:-$PWD}"

# Replace these lines with what a fresh checkout of your project needs, for example:
#   npm ci
#   cp .env.example .env
echo "Worktree ready: $WORKTREE (nothing to set up; edit .orkestra/scripts/setup.sh to change that)."
