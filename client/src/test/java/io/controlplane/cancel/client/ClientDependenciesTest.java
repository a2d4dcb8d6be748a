package io.controlplane.cancel.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service takes in Kafka's clients, Avro and the contract with the library, and nothing of the
 * processor: no Kafka Streams, no broker, no HTTP server, no processor class. The library's own
 * classpath (its tests') is what a service gets.
 */
class ClientDependenciesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "org.apache.kafka.streams.KafkaStreams",
                "kafka.server.KafkaBroker",
                "io.controlplane.cancel.topology.CancelTopology",
                "io.controlplane.cancel.cli.CancelProcessorCli",
                "io.micrometer.core.instrument.MeterRegistry",
                "com.nimbusds.jwt.JWTParser"
            })
    void aServiceGetsNoneOfTheProcessorsParts(String className) {
        assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }
}
