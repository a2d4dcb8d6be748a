package io.controlplane.cancel.errors;

import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.metrics.ProcessorObserver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.slf4j.LoggerFactory;

/**
 * Makes the dead letters Kafka Streams' handlers build fit what the producer and broker take, and
 * keeps credentials out of them. A dead letter is its input record plus error headers; the input
 * may be as large as the broker took it (compressed: a 4 MB record can arrive as a few KB), and a
 * dead letter the producer refuses aborts the transaction, so that the same input fails again on
 * every retry and its partition stops for good.
 *
 * <p>A dead letter over the limit keeps the first part of its key and value, and says that it was
 * cut ({@value #CUT}), how large the original key and value were, and the SHA-256 of the original
 * value, so that it can still be matched with the record it stands for.
 */
public final class DeadLetters {

    /** {@code true} on a dead letter whose key, value or headers were cut. */
    public static final String CUT = "cancel.dlq.cut";

    public static final String ORIGINAL_KEY_BYTES = "cancel.dlq.original.key.bytes";
    public static final String ORIGINAL_VALUE_BYTES = "cancel.dlq.original.value.bytes";
    /** Hex SHA-256 of the whole original value. */
    public static final String ORIGINAL_VALUE_SHA256 = "cancel.dlq.original.value.sha256";

    /** Names of headers to remove from every dead letter, besides {@value CommandIdentity#AUTHORIZATION_HEADER}. */
    public static final String STRIP_HEADERS_CONFIG = "cancel.dlq.strip.headers";

    /**
     * Room for the batch's and the record's own framing (Kafka's v2 format: 61 bytes of batch header,
     * at most 36 of record framing, 10 per header) and for the headers this class adds when it cuts.
     */
    static final int FRAMING_BYTES = 512;

    static final int PER_HEADER_FRAMING_BYTES = 10;

    static final int MAX_ERROR_MESSAGE_BYTES = 2 * 1024;
    static final int MAX_STACK_TRACE_BYTES = 8 * 1024;
    static final int MAX_OTHER_ERROR_HEADER_BYTES = 512;
    /** What a dead letter keeps of the input's own headers, all together. */
    static final int MAX_COPIED_HEADER_BYTES = 64 * 1024;

    static final int MAX_KEY_BYTES = 64 * 1024;

    /**
     * Below this much room the caps above would leave too little for the record itself: each share
     * is then a fraction of the room instead (a DLQ topic with a small {@code max.message.bytes}).
     */
    private static final int FULL_SHARES_ROOM = 256 * 1024;

    private static final int MAX_LOGGED_MESSAGE_LENGTH = 300;
    private static final String ERROR_HEADER_PREFIX = "__streams.errors.";

    /** One log for every handler of the process: what it says of bad records is rate-limited as a whole. */
    private static final BadRecordLog BAD_RECORDS =
            new BadRecordLog(LoggerFactory.getLogger(DeadLetters.class), "Dead-lettered");

    private final RecordSizeLimits limits;
    private final Set<String> strippedHeaders;
    private final ProcessorObserver observer;

    DeadLetters(RecordSizeLimits limits, Set<String> strippedHeaders, ProcessorObserver observer) {
        this.limits = limits;
        this.observer = observer;
        this.strippedHeaders = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        // it carries a bearer token
        this.strippedHeaders.add(CommandIdentity.AUTHORIZATION_HEADER);
        this.strippedHeaders.addAll(strippedHeaders);
    }

    /**
     * From the Kafka Streams configuration a handler is given: the processor's {@link
     * RecordSizeLimits} (or the producer's {@code max.request.size} alone) bound each dead letter, and
     * {@code cancel.dlq.strip.headers} names headers to remove besides {@value CommandIdentity#AUTHORIZATION_HEADER}; each
     * dead letter is counted by the processor's {@link ProcessorObserver}, if the configuration holds one.
     */
    static DeadLetters fromConfig(Map<String, ?> configs) {
        return new DeadLetters(
                RecordSizeLimits.of(configs),
                headerNames(configs.get(STRIP_HEADERS_CONFIG)),
                ProcessorObserver.of(configs));
    }

    /** The limits dead letters and outcomes are held to. */
    RecordSizeLimits limits() {
        return limits;
    }

    /**
     * Counts the dead letter by the topic the record came from ({@code unknown} when Kafka Streams
     * does not say), and logs it: the first few of each interval in a line each, then a count, since a
     * flood of bad records would otherwise bury the log and slow the stream thread down with it.
     */
    void logDeadLettered(String topic, int partition, long offset, Exception exception) {
        String source = topic == null ? UNKNOWN_TOPIC : topic;
        observer.deadLettered(source);
        BAD_RECORDS.handled(source, () -> {
            String message = String.valueOf(exception.getMessage());
            return String.format(
                    "Dead-lettered the record at %s-%d@%d: %s: %s",
                    source,
                    partition,
                    offset,
                    exception.getClass().getSimpleName(),
                    message.length() > MAX_LOGGED_MESSAGE_LENGTH
                            ? message.substring(0, MAX_LOGGED_MESSAGE_LENGTH) + "..."
                            : message);
        });
    }

    /** What a dead letter's source topic is counted as when Kafka Streams does not say. */
    static final String UNKNOWN_TOPIC = "unknown";

    List<ProducerRecord<byte[], byte[]>> bounded(List<ProducerRecord<byte[], byte[]>> deadLetters) {
        return deadLetters.stream().map(this::bounded).toList();
    }

    /**
     * The dead letter held to what its topic takes: error headers and copied headers first cut to
     * their shares, then the key and the value to what is left; if even nothing of the value fits, the
     * value is dropped and only its size and SHA-256 are kept.
     */
    ProducerRecord<byte[], byte[]> bounded(ProducerRecord<byte[], byte[]> deadLetter) {
        int room = Math.max(0, limits.of(deadLetter.topic()) - FRAMING_BYTES);
        Shares shares = Shares.of(room);
        Headers headers = new RecordHeaders();
        int headerBytes = 0;
        boolean cut = false;
        int copiedBytes = 0;
        for (Header header : deadLetter.headers()) {
            if (strippedHeaders.contains(header.key())) {
                continue;
            }
            byte[] value = header.value();
            int bytes = PER_HEADER_FRAMING_BYTES + utf8Length(header.key()) + length(value);
            if (header.key().startsWith(ERROR_HEADER_PREFIX)) {
                value = cutUtf8(value, shares.errorHeader(header.key()));
                bytes = PER_HEADER_FRAMING_BYTES + utf8Length(header.key()) + length(value);
            } else if (copiedBytes + bytes > shares.copiedHeaders()) {
                cut = true;
                continue;
            } else {
                copiedBytes += bytes;
            }
            headers.add(header.key(), value);
            headerBytes += bytes;
        }
        byte[] key = deadLetter.key();
        byte[] value = deadLetter.value();
        int left = Math.max(0, room - headerBytes);
        int keyKept = Math.min(length(key), Math.min(shares.key(), left));
        int valueKept = Math.min(length(value), left - keyKept);
        if (keyKept < length(key) || valueKept < length(value) || cut) {
            headers.add(CUT, bytes("true"));
            headers.add(ORIGINAL_KEY_BYTES, bytes(String.valueOf(length(key))));
            headers.add(ORIGINAL_VALUE_BYTES, bytes(String.valueOf(length(value))));
            headers.add(ORIGINAL_VALUE_SHA256, bytes(sha256(value)));
            key = key == null ? null : Arrays.copyOf(key, keyKept);
            value = value == null ? null : Arrays.copyOf(value, valueKept);
        }
        return new ProducerRecord<>(
                deadLetter.topic(), deadLetter.partition(), deadLetter.timestamp(), key, value, headers);
    }

    /** How the room of one dead letter is shared out. */
    private record Shares(int message, int stackTrace, int otherError, int copiedHeaders, int key) {

        static Shares of(int room) {
            if (room >= FULL_SHARES_ROOM) {
                return new Shares(
                        MAX_ERROR_MESSAGE_BYTES,
                        MAX_STACK_TRACE_BYTES,
                        MAX_OTHER_ERROR_HEADER_BYTES,
                        MAX_COPIED_HEADER_BYTES,
                        MAX_KEY_BYTES);
            }
            // at most half the room for all headers together (six error headers, the copied ones)
            return new Shares(room / 16, room / 16, room / 64, room / 8, room / 4);
        }

        int errorHeader(String name) {
            if (name.equals(ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME)) {
                return stackTrace;
            }
            if (name.equals(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME)) {
                return message;
            }
            return otherError;
        }
    }

    /** At most {@code max} bytes of UTF-8 text, never ending in half a character. */
    static byte[] cutUtf8(byte[] text, int max) {
        if (text == null || text.length <= max) {
            return text;
        }
        int end = max;
        while (end > 0 && (text[end] & 0xC0) == 0x80) {
            end--; // text[end] continues the character that starts before it
        }
        return Arrays.copyOf(text, end);
    }

    private static String sha256(byte[] value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value == null ? new byte[0] : value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Set<String> headerNames(Object value) {
        Set<String> names = new TreeSet<>();
        List<?> list = value instanceof List<?> given
                ? given
                : value == null ? List.of() : List.of(String.valueOf(value).split(","));
        list.forEach(name -> names.add(String.valueOf(name).trim()));
        names.remove("");
        return names;
    }
}
