package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.metrics.ProcessorObserver;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterCountTest {

    private final RecordingObserver observer = new RecordingObserver();
    private final CancelDriver cancel = new CancelDriver(Map.of(ProcessorObserver.CONFIG, observer));

    @AfterEach
    void close() {
        cancel.close();
    }

    @Test
    void everyDeadLetterIsCountedByTheTopicItCameFrom() {
        cancel.sendRaw("run-1", "not avro".getBytes(StandardCharsets.UTF_8));
        cancel.sendRaw("run-2", null);

        assertThat(observer.events)
                .containsExactly(
                        "dead letter from " + cancel.topics.commands.name(),
                        "dead letter from " + cancel.topics.commands.name());
    }
}
