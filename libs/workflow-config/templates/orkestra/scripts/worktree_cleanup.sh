#!/usr/bin/env bash
# Runs from the main repository before a Trak's worktree is removed.
# $1 = absolute path of the worktree.
set -euo pipefail

WORKTREE="${1:?usage: worktree_cleanup.sh <worktree-path>}"

# Examples — uncomment and adapt:
#
# Stop services the worktree started:
# (cd "$WORKTREE" && docker compose down --remove-orphans) || true
#
# Drop a per-worktree database:
# dropdb --if-exists "app_$(basename "$WORKTREE")" || true

echo "Worktree cleaned: $WORKTREE"
