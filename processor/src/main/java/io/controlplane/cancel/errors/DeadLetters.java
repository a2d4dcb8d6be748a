package io.controlplane.cancel.errors;

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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.slf4j.Logger;
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

    /** Names of headers to remove from every dead letter, besides {@value #AUTHORIZATION}. */
    public static final String STRIP_HEADERS_CONFIG = "cancel.dlq.strip.headers";

    /** Always removed from dead letters: it carries a bearer token. */
    public static final String AUTHORIZATION = "authorization";

    /** Room for the record's and batch's own framing and for the headers this class adds. */
    static final int OVERHEAD_BYTES = 16 * 1024;

    static final int MAX_ERROR_MESSAGE_BYTES = 2 * 1024;
    static final int MAX_STACK_TRACE_BYTES = 8 * 1024;
    static final int MAX_OTHER_ERROR_HEADER_BYTES = 512;
    /** What a dead letter keeps of the input's own headers, all together. */
    static final int MAX_COPIED_HEADER_BYTES = 64 * 1024;

    static final int MAX_KEY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_LOGGED_MESSAGE_LENGTH = 300;
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    private static final String ERROR_HEADER_PREFIX = "__streams.errors.";

    private final int maxRecordBytes;
    private final Set<String> strippedHeaders;
    private final ProcessorObserver observer;

    DeadLetters(int maxRecordBytes, Set<String> strippedHeaders, ProcessorObserver observer) {
        this.maxRecordBytes = maxRecordBytes;
        this.observer = observer;
        this.strippedHeaders = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        this.strippedHeaders.add(AUTHORIZATION);
        this.strippedHeaders.addAll(strippedHeaders);
    }

    /**
     * From the Kafka Streams configuration a handler is given: the producer's
     * {@code max.request.size} bounds each dead letter, and {@code cancel.dlq.strip.headers} names
     * headers to remove besides {@value #AUTHORIZATION}; each dead letter is counted by the
     * processor's {@link ProcessorObserver}, if the configuration holds one.
     */
    static DeadLetters fromConfig(Map<String, ?> configs) {
        Object maxRequestSize = configs.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (maxRequestSize == null) {
            maxRequestSize = configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        int limit = maxRequestSize == null
                ? DEFAULT_MAX_REQUEST_SIZE
                : Integer.parseInt(String.valueOf(maxRequestSize).trim());
        return new DeadLetters(limit, headerNames(configs.get(STRIP_HEADERS_CONFIG)), ProcessorObserver.of(configs));
    }

    /**
     * One line per dead letter, so that an operator sees it at the default log level (the message
     * is cut, since it may quote the record), and one count by the topic the record came from.
     */
    void logDeadLettered(String topic, int partition, long offset, Exception exception) {
        observer.deadLettered(topic);
        String message = String.valueOf(exception.getMessage());
        log.warn(
                "Dead-lettered the record at {}-{}@{}: {}: {}",
                topic,
                partition,
                offset,
                exception.getClass().getSimpleName(),
                message.length() > MAX_LOGGED_MESSAGE_LENGTH
                        ? message.substring(0, MAX_LOGGED_MESSAGE_LENGTH) + "..."
                        : message);
    }

    List<ProducerRecord<byte[], byte[]>> bounded(List<ProducerRecord<byte[], byte[]>> deadLetters) {
        return deadLetters.stream().map(this::bounded).toList();
    }

    ProducerRecord<byte[], byte[]> bounded(ProducerRecord<byte[], byte[]> deadLetter) {
        Headers headers = new RecordHeaders();
        int headerBytes = 0;
        boolean cut = false;
        for (Header header : deadLetter.headers()) {
            if (strippedHeaders.contains(header.key())) {
                continue;
            }
            byte[] value = header.value();
            if (header.key().startsWith(ERROR_HEADER_PREFIX)) {
                value = cutUtf8(value, errorHeaderLimit(header.key()));
            } else if (headerBytes + header.key().length() + length(value) > MAX_COPIED_HEADER_BYTES) {
                cut = true;
                continue;
            }
            headers.add(header.key(), value);
            headerBytes += header.key().length() + length(value);
        }
        byte[] key = deadLetter.key();
        byte[] value = deadLetter.value();
        int room = Math.max(0, maxRecordBytes - OVERHEAD_BYTES - headerBytes);
        int keyKept = Math.min(length(key), Math.min(MAX_KEY_BYTES, room));
        int valueKept = Math.min(length(value), room - keyKept);
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

    private static int errorHeaderLimit(String name) {
        if (name.equals(ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME)) {
            return MAX_STACK_TRACE_BYTES;
        }
        if (name.equals(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME)) {
            return MAX_ERROR_MESSAGE_BYTES;
        }
        return MAX_OTHER_ERROR_HEADER_BYTES;
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
