# geofailover image: one image for every role (controller, probe agent, demo backend); the role is
# the subcommand, e.g. `docker run IMAGE controller --config /etc/geofailover/geofailover.yaml`.
#
# Node.js 26: the current Active LTS (since October 2026, supported until April 2029), so the image
# is not on a line that leaves support soon; 24 is already in maintenance. geofailover also runs on
# 22 and 24 (package.json `engines`), and CI tests the main suite on this version.
#
# It is built the way an operator installs the package: the build stage compiles the TypeScript and
# packs the npm package (compiled JavaScript only, no tests or dev files), and the runtime stage
# installs that tarball with production dependencies only. CI's package test does the same.

# Stage 1: build and pack. --ignore-scripts: this stage needs no install script (the dev-only `node`
# package would fetch a second Node.js binary; esbuild's check is for tsx, which the build skips).
FROM node:26-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.js && npm pack --ignore-scripts --pack-destination /tmp && mv /tmp/geofailover-*.tgz /tmp/geofailover.tgz

# Stage 2: the runtime: the package and its production dependencies, without npm's cache or the
# build stage's sources, running as the unprivileged `node` user.
FROM node:26-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /tmp/geofailover.tgz /tmp/geofailover.tgz
RUN npm install --prefix /app --omit=dev --no-audit --no-fund /tmp/geofailover.tgz \
  && rm /tmp/geofailover.tgz && npm cache clean --force \
  && mkdir -p /var/lib/geofailover && chown node:node /var/lib/geofailover
USER node
VOLUME ["/var/lib/geofailover"]
# 8080: controller API and demo backends; 5353: the builtin DNS server (UDP and TCP).
EXPOSE 8080 5353/udp 5353/tcp
# slim images have no curl: ask node. GEOFAILOVER_HEALTHCHECK_URL points it elsewhere when needed.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.GEOFAILOVER_HEALTHCHECK_URL || 'http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/node_modules/geofailover/bin/geofailover.js"]
CMD ["--help"]
