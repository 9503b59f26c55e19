FROM cgr.dev/chainguard/node:latest-dev
WORKDIR /app
COPY --chown=node:node . .
RUN npm ci --omit=dev
ENTRYPOINT ["node", "index.js"]
