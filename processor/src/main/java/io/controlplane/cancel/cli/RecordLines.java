package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.errors.DeadLetters;
import io.controlplane.cancel.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One readable line per record of the outcome topics. Dead letters show where they came from and
 * why (the error headers Kafka Streams puts on them), never their value bytes or a credential
 * header; a record that does not decode is said to be one.
 */
final class RecordLines {

    /** The error headers shown, in this order; the stack trace header is left out (many lines). */
    static final List<String> DEAD_LETTER_HEADERS = List.of(
            "__streams.errors.topic",
            "__streams.errors.partition",
            "__streams.errors.offset",
            "__streams.errors.exception",
            "__streams.errors.message",
            DeadLetters.CUT);

    private static final int MAX_KEY_LENGTH = 64;

    private final Topics topics;

    RecordLines(Topics topics) {
        this.topics = topics;
    }

    String lineOf(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        if (topic.equals(topics.runStateChanges.name())) {
            return decoded(topics.runStateChanges.valueSerde().deserializer(), record, RecordLines::change);
        }
        if (topic.equals(topics.rejections.name())) {
            return decoded(topics.rejections.valueSerde().deserializer(), record, RecordLines::rejection);
        }
        return deadLetter(record);
    }

    private interface Line<V> {
        String of(V value);
    }

    private static <V> String decoded(
            Deserializer<V> deserializer, ConsumerRecord<byte[], byte[]> record, Line<V> line) {
        V value;
        try {
            value = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            return "UNDECODABLE " + where(record) + " key " + key(record) + " (" + size(record) + "): "
                    + Text.oneLine(e);
        }
        return value == null ? "EMPTY " + where(record) + " key " + key(record) : line.of(value);
    }

    private static String change(RunStateChange change) {
        return CancelExecutionCommand.changeLine(change)
                + (change.getReason() == null ? "" : ": " + Text.clean(change.getReason()));
    }

    private static String rejection(CancelRejection rejection) {
        return CancelExecutionCommand.rejected(rejection) + " by " + Text.clean(rejection.getCancelledBy(), 64);
    }

    private static String deadLetter(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder line = new StringBuilder("DEAD LETTER ")
                .append(where(record))
                .append(" key ")
                .append(key(record))
                .append(" (")
                .append(size(record))
                .append(')');
        for (String name : DEAD_LETTER_HEADERS) {
            Header header = record.headers().lastHeader(name);
            if (header != null && header.value() != null) {
                line.append(' ')
                        .append(name.startsWith("__streams.errors.") ? name.substring(17) : name)
                        .append('=')
                        .append(Text.clean(new String(header.value(), StandardCharsets.UTF_8)));
            }
        }
        return line.toString();
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "[" + record.partition() + "]@" + record.offset();
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null
                ? "null"
                : "'" + Text.clean(new String(record.key(), StandardCharsets.UTF_8), MAX_KEY_LENGTH) + "'";
    }

    private static String size(ConsumerRecord<byte[], byte[]> record) {
        return (record.value() == null ? 0 : record.value().length) + " bytes";
    }
}
