# syntax=docker/dockerfile:1
# The processor as a container image, built from this repository: `docker compose build processor`.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY contract/pom.xml contract/
COPY client/pom.xml client/
COPY processor/pom.xml processor/
# the reactor reads every module's pom; only these two are built
COPY testkit/pom.xml testkit/
COPY bench/pom.xml bench/
COPY schemas/ schemas/
COPY contract/src/ contract/src/
COPY client/src/ client/src/
COPY processor/src/ processor/src/
# Only the product and what it is built on (the contract, the client library its CLI uses) are built:
# the test kit (the demo's embedded broker, the real-broker tests) is not copied and not needed. The
# cache mount keeps the local Maven repository between builds, so that a source change does not
# download every dependency again.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests -pl processor -am package

FROM eclipse-temurin:17-jre
RUN groupadd --system cancel \
    && useradd --system --gid cancel --no-create-home --shell /usr/sbin/nologin cancel \
    && mkdir -p /var/lib/cancel-processor && chown cancel:cancel /var/lib/cancel-processor
WORKDIR /app
COPY --from=build /src/processor/target/lib/ lib/
COPY --from=build /src/processor/target/cancel-processor.jar ./
# Set here, not in deploy/processor.env, so that `run` (which touches the file while processing) and
# `health` (which checks its age) read the same name.
ENV CANCEL_PROCESSOR_CANCEL_HEALTH_FILE=/tmp/cancel-processor.alive
# Kafka Streams' state (RocksDB stores, checkpoints) outlives the container in a volume: a restarted
# instance restores only what it missed instead of its whole changelogs.
ENV CANCEL_PROCESSOR_STATE_DIR=/var/lib/cancel-processor
VOLUME /var/lib/cancel-processor
USER cancel
# GET /health/live, /health/ready, /metrics and /executions/{id} (README, "Operating it").
EXPOSE 8080
# `health` asks the processor's GET /health/ready on cancel.http.port (without an HTTP server, with
# cancel.http.port=0, it checks that the health file was touched within the last 30 s instead). It is
# the product's own command because the base image promises no curl or wget. A small heap and the
# C1 compiler only: this JVM sends one request and exits.
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 \
    CMD ["java", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/app/cancel-processor.jar", "health"]
ENTRYPOINT ["java", "-jar", "/app/cancel-processor.jar", "run"]
