# lienthong: a small production image (Node 20, non-root, no dev tools, no compiler).
# Build:  docker build -t lienthong .
# Run:    docker run --rm -p 8080:8080 -e MONGODB_URI=… -e LIENTHONG_MODE=production … lienthong serve --role node
# (compose.yaml runs a whole cluster: a MongoDB replica set, one axis, two node processes.)

# ---- build: every dependency, the TypeScript and the web app, then only the runtime dependencies kept
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build-if-dev.mjs scripts/
# Dependencies first (a layer cached until the lockfile changes); the build waits for the sources.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: what `serve` loads, nothing else
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    LIENTHONG_DATA_DIR=/data \
    LIENTHONG_LOG_FORMAT=json
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/crypto ./dist/crypto
COPY --from=build --chown=root:root /app/dist/server ./dist/server
COPY --from=build --chown=root:root /app/dist/storage ./dist/storage
COPY --from=build --chown=root:root /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
# The code is root's and read-only to the service; only /data is its own.
USER node
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# serve stops gracefully on SIGTERM (docker stop); --init in compose reaps children.
ENTRYPOINT ["node", "dist/server/cli/main.js"]
CMD ["serve"]
