# Keel's container image (docs/deploy.md, "Docker"):
#   docker build -t keel .
#   docker run --rm -p 8080:8080 -e KEEL_UPSTREAM=http://10.0.0.5:3000 keel

# Build: every dependency, then tsc on the sources the package ships (deploy/docker/tsconfig.json
# leaves the tests out). --ignore-scripts: compiling needs no native module, and the package's
# prepare script would build before the sources are here. `npm pack` then selects exactly what
# the npm package ships (package.json "files"), so the image runs what `npm install -g` installs.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY deploy/docker/tsconfig.json ./deploy/docker/
COPY src ./src
RUN npx tsc -p deploy/docker/tsconfig.json
COPY README.md ./
COPY docs ./docs
COPY dashboard ./dashboard
RUN npm pack --ignore-scripts && tar -xzf keel-*.tgz

# Production dependencies, from the lock file. node:20-bookworm has python3, make and g++, so
# better-sqlite3 compiles here when no prebuilt binary can be fetched for the platform; the
# runtime image receives only the result.
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3

# Runtime: the same Debian release (the glibc better-sqlite3 was built against), slim: no
# compilers, and npm plays no part at run time.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package/ ./
COPY --from=deps /app/node_modules ./node_modules
COPY deploy/docker/healthcheck.mjs ./healthcheck.mjs
COPY deploy/docker/keel.yaml /etc/keel/keel.yaml
# The SLO state (alerts.state_file in the config): the only path Keel writes.
RUN mkdir -p /var/lib/keel && chown node:node /var/lib/keel
VOLUME ["/var/lib/keel"]
# The image's own unprivileged user (uid 1000); the code and config stay root-owned, read-only to it.
USER node
EXPOSE 8080 9901
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
# Exec form: node is PID 1 and receives SIGTERM itself (no shell, no npm in between). Keel handles
# SIGTERM (drain), SIGINT and SIGHUP (reload), and reaps its own worker processes; it starts no
# others, so no init process is needed to reap zombies. --no-memory-reducer on node's own command
# line keeps a single gateway process PID 1 instead of a launcher (docs/operations.md, "Heap growth").
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--no-memory-reducer", "/app/dist/src/cli/main.js"]
CMD ["run", "-c", "/etc/keel/keel.yaml"]
