# Build and runtime share Debian bookworm so the libssl3 ABI linked at build
# time is the one present at run time.

# ---- builder ---------------------------------------------------------------
FROM rust:1.95-bookworm AS builder

# pq-sys/pq-src (bundled libpq) links system OpenSSL, found via pkg-config.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libssl-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Dependency layer: build all crates.io dependencies (incl. the bundled C code
# of SQLite and libpq) against a dummy lib/bin, so that this slow layer is
# reused until Cargo.toml or Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked \
 && rm -rf src

# Real sources. .dockerignore keeps target/ and .git/ out of the context.
COPY . .
# COPY keeps the context's mtimes, which may be older than the dummy build:
# touch the crate roots so cargo rebuilds the rinasce lib and bin.
RUN touch src/lib.rs src/main.rs \
 && cargo build --release --locked \
 && cp target/release/rinasce /usr/local/bin/rinasce

# ---- runtime ---------------------------------------------------------------
FROM debian:bookworm-slim

# libssl3: OpenSSL used by the bundled libpq; ca-certificates: TLS to Postgres
# or SMTP; curl: the HEALTHCHECK below.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 curl \
 && rm -rf /var/lib/apt/lists/*

# Fixed, non-root uid/gid so volume ownership is predictable.
RUN groupadd --system --gid 10001 rinasce \
 && useradd --system --uid 10001 --gid rinasce --no-create-home \
      --home-dir /var/lib/rinasce --shell /usr/sbin/nologin rinasce \
 && install -d -o rinasce -g rinasce -m 0750 /var/lib/rinasce

COPY --from=builder /usr/local/bin/rinasce /usr/local/bin/rinasce

# The defaults DATABASE_URL=rinasce.db and RINASCE_MAIL=file:./mail are
# relative to the working directory, so they land in this volume.
WORKDIR /var/lib/rinasce
VOLUME ["/var/lib/rinasce"]

# Listen on all interfaces: the default 127.0.0.1 is unreachable from outside.
ENV RINASCE_BIND=0.0.0.0:8080
EXPOSE 8080

USER 10001:10001

# Probe the port taken from RINASCE_BIND (expanded by sh at run time), so
# overriding it keeps this working; `|| exit 1` maps curl's codes to 1.
# Start period covers the migrations that `serve` runs first.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["sh", "-c", "curl -fsS -o /dev/null --max-time 4 http://127.0.0.1:${RINASCE_BIND##*:}/api/v1/status || exit 1"]

ENTRYPOINT ["rinasce"]
CMD ["serve"]
