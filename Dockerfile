# Production image. Not buildable on the project's own machines (no Docker engine there);
# kept correct for deployment.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
ENV SQLX_OFFLINE=true
RUN cargo build --release --locked && strip target/release/concord

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /nonexistent --shell /usr/sbin/nologin concord
COPY --from=build /src/target/release/concord /usr/local/bin/concord
USER concord
ENV CONCORD_ENV=production \
    CONCORD_BIND=0.0.0.0:3000 \
    CONCORD_LOG_FORMAT=json
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/3000"]
ENTRYPOINT ["concord"]
CMD ["serve"]
