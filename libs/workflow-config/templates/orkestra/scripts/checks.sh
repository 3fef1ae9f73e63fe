#!/usr/bin/env bash
# Gate of the `work` stage. Runs in the Trak's worktree after the agent finished.
# Exit 0 to pass. Any other exit code sends this script's output back to the agent,
# which then tries again, so print what failed and why.
#
# Set for you: ORKESTRA_TASK_ID, ORKESTRA_TASK_TITLE, ORKESTRA_BASE_BRANCH, ORKESTRA_PROJECT_ROOT,
# and when known ORKESTRA_BRANCH, ORKESTRA_WORKTREE_PATH, ORKESTRA_PARENT_ID.
set -euo pipefail

# Examples — uncomment and adapt:
# npm run lint
# npm run typecheck
# npm test

echo "No checks configured: edit .orkestra/scripts/checks.sh to add lint, type checks and tests."
exit 0
