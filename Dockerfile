# One image for all four services (team-server mode). docker-compose.yml runs it once per service
# and picks the app with `command: ["node", "apps/<app>/dist/main.js"]`.
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

# After the install: NODE_ENV=production would have made npm ci skip the dev dependencies (tsc, nx).
ENV NODE_ENV=production
USER node

# No default service: compose names one per container (and sets ORK_<APP>_HOST=0.0.0.0 for it).
CMD ["node", "-e", "console.error('Pick a service: node apps/<gateway|api|scheduler|runner>/dist/main.js'); process.exit(64)"]
