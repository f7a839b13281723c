# tokenops Discord bot in a container (the node agent is not meant for one: it belongs
# beside its OpenClaw gateway, as the user service in deploy/).
#
#   docker build -t tokenops-bot .
#   docker run -d --name tokenops-bot --restart unless-stopped \
#     --env-file /etc/tokenops/bot.env \
#     -v /etc/tokenops/fleet.json:/etc/tokenops/fleet.json:ro \
#     -v tokenops-state:/var/lib/tokenops \
#     tokenops-bot
#
# Secrets (DISCORD_TOKEN, the nodes' keys) come only from the environment at run time
# (--env-file, mode 0600 on the host); nothing secret is baked into the image. The SQLite
# state lives in the volume. See docs/install-bot.md.

# ---- build: compile to dist/, then keep only production dependencies ---------------------
# better-sqlite3 is compiled here. `npm ci` runs `prepare`, which builds dist/ with esbuild (a
# devDependency, like tsx and TypeScript); `npm prune` then drops the devDependencies.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/tokenops
COPY package.json package-lock.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
COPY commands ./commands
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf src scripts
COPY bin ./bin
# The expiry timeline's fonts (the picture never uses the system's; the slim image has none).
COPY assets ./assets

# ---- run: the same base without compilers ----------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    TOKENOPS_FLEET=/etc/tokenops/fleet.json \
    TOKENOPS_STATE=sqlite:///var/lib/tokenops/tokenops.sqlite
# The code is root-owned and read-only to the bot; only the state dir belongs to it.
COPY --from=build /opt/tokenops /opt/tokenops
RUN mkdir -p /var/lib/tokenops /etc/tokenops \
 && chown node:node /var/lib/tokenops \
 && chmod 0700 /var/lib/tokenops
VOLUME ["/var/lib/tokenops"]
# The image's unprivileged `node` user (uid 1000), never root.
USER node
# The state dir as working dir: the bot's optional ./.env is looked for there, not in the code.
WORKDIR /var/lib/tokenops
# The bot handles SIGTERM itself (closes Discord, the streams and the state store).
# To only register the slash commands (the bot also does it at every start):
#   docker run --rm --env-file /etc/tokenops/bot.env -v /etc/tokenops/fleet.json:/etc/tokenops/fleet.json:ro \
#     tokenops-bot node /opt/tokenops/dist/src/bot/register.js
CMD ["node", "/opt/tokenops/bin/tokenops-bot.js"]
