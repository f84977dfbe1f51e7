# geofailover image: one image for every role (controller, probe agent, demo backend); the role is
# the subcommand, e.g. `docker run IMAGE controller --config /etc/geofailover/geofailover.yaml`.
# TypeScript runs through tsx (a runtime dependency), so there is no build step to stage.

# Stage 1: production dependencies only, from the lock file.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime, without npm's cache or build leftovers, running as the unprivileged `node` user.
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY providers ./providers
COPY config ./config
RUN mkdir -p /var/lib/geofailover && chown node:node /var/lib/geofailover
USER node
VOLUME ["/var/lib/geofailover"]
# 8080: controller API and demo backends; 5353: the builtin DNS server (UDP and TCP).
EXPOSE 8080 5353/udp 5353/tcp
# slim images have no curl: ask node. GEOFAILOVER_HEALTHCHECK_URL points it elsewhere when needed.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.GEOFAILOVER_HEALTHCHECK_URL || 'http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/geofailover.js"]
CMD ["--help"]
