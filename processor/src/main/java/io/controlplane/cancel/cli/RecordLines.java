package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.client.RunStateEvent;
import io.controlplane.cancel.client.SkippedRecord;
import io.controlplane.cancel.errors.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One readable line per outcome, per outcome record that does not decode, and per dead letter. Dead
 * letters show where they came from and why (the error headers Kafka Streams puts on them), never
 * their value bytes or a credential header.
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

    private RecordLines() {}

    static String lineOf(RunStateEvent event) {
        if (event instanceof RunStateEvent.Cancelled cancelled) {
            return change(cancelled.change());
        }
        if (event instanceof RunStateEvent.Cancelling cancelling) {
            return change(cancelling.change());
        }
        return rejection(((RunStateEvent.Rejected) event).rejection());
    }

    /** An outcome record that was skipped: said to be one, where it is, never what its bytes hold. */
    static String lineOf(SkippedRecord skipped) {
        String where = where(skipped.topic(), skipped.partition(), skipped.offset()) + " key " + key(skipped.key());
        return skipped.cause() == null
                ? "EMPTY " + where
                : "UNDECODABLE " + where + " (" + skipped.valueSize() + " bytes): " + Text.oneLine(skipped.cause());
    }

    static String deadLetterLineOf(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder line = new StringBuilder("DEAD LETTER ")
                .append(where(record.topic(), record.partition(), record.offset()))
                .append(" key ")
                .append(key(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8)))
                .append(" (")
                .append(record.value() == null ? 0 : record.value().length)
                .append(" bytes)");
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

    private static String change(RunStateChange change) {
        return CancelExecutionCommand.changeLine(change)
                + (change.getReason() == null ? "" : ": " + Text.clean(change.getReason()));
    }

    private static String rejection(CancelRejection rejection) {
        return CancelExecutionCommand.rejected(rejection) + " by " + Text.clean(rejection.getCancelledBy(), 64);
    }

    private static String where(String topic, int partition, long offset) {
        return topic + "[" + partition + "]@" + offset;
    }

    private static String key(String key) {
        return key == null ? "null" : "'" + Text.clean(key, MAX_KEY_LENGTH) + "'";
    }
}
