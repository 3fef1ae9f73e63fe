# One image for all four services (team-server mode). docker-compose.yml runs it once per service
# and picks the app with `command: ["node", "apps/<app>/dist/main.js"]` (the runner through
# deploy/runner/runner-instance.sh, which gives each replica its own data dir and name).
FROM node:20-bookworm-slim

# git: the api reads each project's workflow from its own mirror, and runners work in worktrees.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NX_NO_CLOUD=true NX_DAEMON=false CI=true

# Only what the build needs, listed one by one so the host's node_modules, dist and .nx never land in
# the image (there is no .dockerignore yet). npm ci needs every workspace's package.json, hence whole dirs.
COPY package.json package-lock.json .npmrc nx.json tsconfig.base.json ./
COPY libs ./libs
COPY apps ./apps
COPY prisma ./prisma

RUN npm ci && npm run build

# The agent CLIs a runner runs. By default the versions this repository is tested with, which npm ci
# has just installed (@anthropic-ai/claude-code is a devDependency, OpenCode's Linux x64 binary an
# optional one), are put on PATH. Build arguments change that:
#   AGENT_CLIS="claudecode"       only these (space-separated; "" for none: such a runner takes
#                                 gate and integration jobs only, and agent runs go to others)
#   CLAUDE_CODE_VERSION=2.1.331   install this version of @anthropic-ai/claude-code from npm instead
#   OPENCODE_VERSION=1.18.33      install this version of opencode-ai from npm instead (also the way
#                                 to get OpenCode on a CPU other than x64)
# e.g. `docker compose build --build-arg AGENT_CLIS=claudecode runner`. API keys never go into the
# image: compose passes them to the runner's environment (docs/deployment.md).
ARG AGENT_CLIS="claudecode opencode"
ARG CLAUDE_CODE_VERSION=""
ARG OPENCODE_VERSION=""
COPY deploy/runner ./deploy/runner
RUN set -eu; \
  for agent in $AGENT_CLIS; do \
    case "$agent" in \
      claudecode) \
        if [ -n "$CLAUDE_CODE_VERSION" ]; then npm install -g "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION"; \
        else ln -s /app/node_modules/.bin/claude /usr/local/bin/claude; fi ;; \
      opencode) \
        if [ -n "$OPENCODE_VERSION" ]; then npm install -g "opencode-ai@$OPENCODE_VERSION"; \
        elif [ -d /app/node_modules/opencode-linux-x64 ]; then install -m 0755 deploy/runner/opencode.sh /usr/local/bin/opencode; \
        else echo "No bundled OpenCode for $(uname -m): build with OPENCODE_VERSION=<version> to install it from npm, or leave opencode out of AGENT_CLIS" >&2; exit 1; fi ;; \
      *) echo "AGENT_CLIS: unknown agent CLI \"$agent\" (known: claudecode opencode)" >&2; exit 1 ;; \
    esac; \
  done; \
  for command in claude opencode; do if command -v "$command" >/dev/null; then echo "$command: $("$command" --version 2>&1 | head -n 1)"; fi; done; \
  mkdir -p /home/node/.orkestra/api /home/node/.orkestra/runners && chown -R node:node /home/node/.orkestra

# After the install: NODE_ENV=production would have made npm ci skip the dev dependencies (tsc, nx).
ENV NODE_ENV=production
USER node

# No default service: compose names one per container (and sets ORK_<APP>_HOST=0.0.0.0 for it).
CMD ["node", "-e", "console.error('Pick a service: node apps/<gateway|api|scheduler|runner>/dist/main.js'); process.exit(64)"]
