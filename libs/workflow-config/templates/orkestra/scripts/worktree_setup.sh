#!/usr/bin/env bash
# Runs from the main repository after a Trak's worktree is created.
# $1 = absolute path of the new worktree.
set -euo pipefail

WORKTREE="${1:?usage: worktree_setup.sh <worktree-path>}"

# Examples — uncomment and adapt:
#
# Copy untracked local config the project needs to run:
# [ -f .env ] && cp .env "$WORKTREE/.env"
#
# Install dependencies so the agent and the gate can build:
# (cd "$WORKTREE" && npm ci)

echo "Worktree ready: $WORKTREE"
