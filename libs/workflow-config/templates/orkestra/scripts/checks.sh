#!/usr/bin/env bash
# The gate of the `work` stage (see `gate:` in workflow.yaml). It runs in the Trak's worktree
# each time the agent hands in its work. Exit 0 and the work goes on to review; exit anything
# else and the agent gets this script's output (the last 20,000 characters) and tries again.
# So print what failed and why, as you would want to read it.
#
# Only PATH and HOME come from the runner's environment, plus: ORKESTRA_TASK_ID,
# ORKESTRA_TASK_TITLE, ORKESTRA_BASE_BRANCH, ORKESTRA_BRANCH, ORKESTRA_STAGE, ORKESTRA_ATTEMPT,
# ORKESTRA_PARENT_ID (for a Subtrak), ORKESTRA_WORKTREE and ORKESTRA_PROJECT_ROOT (both the
# worktree's path).
set -euo pipefail

# Replace these lines with your project's checks, for example:
#   npm run lint
#   npm run typecheck
#   npm test
echo "No checks configured yet: edit .orkestra/scripts/checks.sh to run lint, type checks and tests."
