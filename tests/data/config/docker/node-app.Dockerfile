FROM node:20-alpine AS deps
WORKDIR /app
# The token only reaches .npmrc for the private @acme scope.
ARG NPM_TOKEN
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && rm -f .npmrc

FROM node:20-alpine@sha256:2d07db07a2df6830718ae2a47db6fedce6745f5bcd174c398f2acdb90d11c02b AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node . .
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:3000/healthz || exit 1
CMD ["node", "server.js"]
