# The bench image: the same set-up `bun run setup` does on a fresh Debian machine.
FROM node:20-bookworm AS node
FROM golang:1.26-bookworm
# Node 20 (Debian's is 18, which lacks --experimental-websocket)
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
# Node's headers: set-up rebuilds the Kafka binding's addon against the shared librdkafka
COPY --from=node /usr/local/include/node /usr/local/include/node
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential pkg-config python3 python3-venv python3-dev libssl-dev zlib1g-dev libzstd-dev liblz4-dev \
      libsasl2-dev libcurl4-openssl-dev openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g bun@1.4.5
WORKDIR /app
COPY . .
RUN bun run setup
ENTRYPOINT ["bun", "run", "bench"]
