# micro-observe for a ClickHouse server deployment (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY collector collector
COPY store store
COPY alerting alerting
COPY oncall oncall
COPY access access
COPY instrument instrument
COPY api api
COPY cli cli
COPY config config
COPY server server
COPY console console
COPY test test
COPY bench bench
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/console/dist console/dist
COPY package.json ./
RUN mkdir -p /var/lib/micro && chown node:node /var/lib/micro
USER node
EXPOSE 8080 4317 4318 9411
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["server"]
