#!/bin/sh
# `opencode` in the runner image: the OpenCode binary npm ci installed (opencode-linux-x64 is an
# optional dependency), its -baseline build on CPUs without AVX2, as OpenCode's own installer picks.
set -eu
dir=/app/node_modules
if grep -qw avx2 /proc/cpuinfo 2>/dev/null && [ -x "$dir/opencode-linux-x64/bin/opencode" ]; then
  exec "$dir/opencode-linux-x64/bin/opencode" "$@"
fi
exec "$dir/opencode-linux-x64-baseline/bin/opencode" "$@"
