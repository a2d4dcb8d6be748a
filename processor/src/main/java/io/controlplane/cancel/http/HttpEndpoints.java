package io.controlplane.cancel.http;

import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The running processor's HTTP endpoints ({@code cancel.http.port}): GET /health/live,
 * /health/ready, /metrics, /executions/{executionId} and /bulks/{bulkId}.
 */
public final class HttpEndpoints implements AutoCloseable {

    private final OpsServer server;

    private HttpEndpoints(OpsServer server) {
        this.server = server;
    }

    /**
     * Starts serving. Readiness answers 503 until Kafka Streams is started and running.
     *
     * @param self this instance's {@code application.server}, where the other instances forward queries to
     * @param inputPartitions how many partitions the input topics have (each holds a share of every bulk)
     * @throws IOException if {@code cancel.http.host}:{@code cancel.http.port} cannot be bound
     */
    public static HttpEndpoints start(
            CancelProcessorConfig config,
            int port,
            KafkaStreams streams,
            HostInfo self,
            int inputPartitions,
            StreamsHealth health,
            ProcessorMeters meters,
            LongSupplier threadReplacements)
            throws IOException {
        KafkaStreamsView view =
                new KafkaStreamsView(streams, self, config.partitioner(), config.runStatesTopic(), inputPartitions);
        meters.bind(
                streams,
                threadReplacements,
                view::approximateWaitingCommands,
                () -> health.ready().up());
        Optional<QueryToken> token = config.queryToken().map(value -> new QueryToken(value.value()));
        OwnerForwarding forwarding = new OwnerForwarding();
        ExecutionQuery query = new ExecutionQuery(token, view, forwarding);
        BulkQuery bulks = new BulkQuery(token, view, forwarding);
        OpsServer server = OpsServer.start(
                new InetSocketAddress(InetAddress.getByName(config.httpHost()), port), new OpsServer.Endpoints() {
                    @Override
                    public Reply live() {
                        return health.live().reply();
                    }

                    @Override
                    public Reply ready() {
                        return health.ready().reply();
                    }

                    @Override
                    public Reply metrics() {
                        return Reply.text(200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape());
                    }

                    @Override
                    public Reply execution(String executionId, String authorization, boolean forwarded) {
                        return query.answer(executionId, authorization, forwarded);
                    }

                    @Override
                    public Reply bulk(String bulkId, String authorization, boolean localOnly) {
                        return bulks.answer(bulkId, authorization, localOnly);
                    }
                });
        return new HttpEndpoints(server);
    }

    /**
     * The {@code application.server} this instance announces when none is set: its HTTP host and
     * port, or, when it listens on every interface, this machine's host name (a container's name
     * resolves for the other containers of its network).
     */
    public static String applicationServer(CancelProcessorConfig config, int port) throws UnknownHostException {
        InetAddress listening = InetAddress.getByName(config.httpHost());
        String host = listening.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostName() : config.httpHost();
        return host + ":" + port;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
