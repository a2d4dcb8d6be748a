package io.controlplane.cancel.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.metrics.ProcessorObserver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private static final int LIMIT = 2 * 1024 * 1024;
    private final DeadLetters deadLetters =
            new DeadLetters(RecordSizeLimits.of(LIMIT, Map.of()), Set.of("x-api-key"), ProcessorObserver.NONE);

    @Test
    void deadLetterOverTheLimitKeepsTheFirstPartAndSaysWhatItWas() throws Exception {
        byte[] key = random(400_000);
        byte[] value = random(4_000_000);
        ProducerRecord<byte[], byte[]> cut = deadLetters.bounded(deadLetter(key, value, "x".repeat(800_000)));

        assertThat(kafkaSize(cut)).isLessThanOrEqualTo(LIMIT);
        assertThat(cut.key()).isEqualTo(Arrays.copyOf(key, DeadLetters.MAX_KEY_BYTES));
        assertThat(cut.value()).isEqualTo(Arrays.copyOf(value, cut.value().length));
        assertThat(header(cut, DeadLetters.CUT)).isEqualTo("true");
        assertThat(header(cut, DeadLetters.ORIGINAL_KEY_BYTES)).isEqualTo("400000");
        assertThat(header(cut, DeadLetters.ORIGINAL_VALUE_BYTES)).isEqualTo("4000000");
        assertThat(header(cut, DeadLetters.ORIGINAL_VALUE_SHA256))
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
        assertThat(header(cut, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME))
                .hasSizeLessThanOrEqualTo(DeadLetters.MAX_ERROR_MESSAGE_BYTES);
        assertThat(header(cut, ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME))
                .hasSizeLessThanOrEqualTo(DeadLetters.MAX_STACK_TRACE_BYTES);
        assertThat(header(cut, ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME)).isEqualTo("commands");
    }

    @Test
    void deadLetterWithinTheLimitIsKeptWhole() {
        byte[] key = random(100);
        byte[] value = random(1024 * 1024);
        ProducerRecord<byte[], byte[]> kept = deadLetters.bounded(deadLetter(key, value, "bad record"));

        assertThat(kept.key()).isEqualTo(key);
        assertThat(kept.value()).isEqualTo(value);
        assertThat(kept.headers().lastHeader(DeadLetters.CUT)).isNull();
        assertThat(header(kept, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME))
                .isEqualTo("bad record");
        assertThat(header(kept, "trace")).isEqualTo("t-1");
    }

    @Test
    void credentialHeadersNeverReachTheDeadLetterQueue() {
        ProducerRecord<byte[], byte[]> input = deadLetter(random(10), random(10), "bad record");
        input.headers().add("Authorization", utf8("Bearer secret-token"));
        input.headers().add("authorization", utf8("Bearer secret-token"));
        input.headers().add("X-Api-Key", utf8("secret-key"));

        ProducerRecord<byte[], byte[]> kept = deadLetters.bounded(input);

        for (Header header : kept.headers()) {
            assertThat(new String(header.value(), StandardCharsets.UTF_8)).doesNotContain("secret");
        }
        assertThat(header(kept, "trace")).isEqualTo("t-1");
    }

    @Test
    void manyLargeHeadersAreDroppedOnceTheirShareIsUsed() {
        ProducerRecord<byte[], byte[]> input = deadLetter(random(10), random(10), "bad record");
        for (int i = 0; i < 40; i++) {
            input.headers().add("h" + i, random(50_000));
        }
        ProducerRecord<byte[], byte[]> cut = deadLetters.bounded(input);
        assertThat(size(cut)).isLessThan(DeadLetters.MAX_COPIED_HEADER_BYTES + 20_000);
        assertThat(header(cut, DeadLetters.CUT)).isEqualTo("true");
    }

    @Test
    void limitIsTheProducersMaxRequestSize() {
        DeadLetters small = DeadLetters.fromConfig(Map.of("max.request.size", "300000"));
        ProducerRecord<byte[], byte[]> cut = small.bounded(deadLetter(random(10), random(1_000_000), "bad"));
        assertThat(size(cut)).isLessThanOrEqualTo(300_000);
    }

    @Test
    void deadLetterTopicTakingLessThanTheProducerLimitsTheDeadLetter() {
        // the broker's default max.message.bytes, on a DLQ topic not made by create-topics
        int brokerDefault = 1_048_588;
        DeadLetters toSmallTopic = new DeadLetters(
                RecordSizeLimits.of(LIMIT, Map.of("dlq", brokerDefault)), Set.of(), ProcessorObserver.NONE);
        byte[] value = random(4_000_000);
        ProducerRecord<byte[], byte[]> cut = toSmallTopic.bounded(deadLetter(random(10), value, "bad"));

        assertThat(kafkaSize(cut)).isLessThanOrEqualTo(brokerDefault);
        assertThat(cut.value()).isEqualTo(Arrays.copyOf(value, cut.value().length));
        assertThat(cut.value().length).isGreaterThan(brokerDefault / 2);
    }

    @Test
    void whenNothingOfTheValueFitsOnlyItsSizeAndSha256AreKept() throws Exception {
        DeadLetters toTinyTopic =
                new DeadLetters(RecordSizeLimits.of(LIMIT, Map.of("dlq", 700)), Set.of(), ProcessorObserver.NONE);
        byte[] value = random(4_000_000);
        ProducerRecord<byte[], byte[]> cut = toTinyTopic.bounded(deadLetter(random(300), value, "x".repeat(5_000)));

        assertThat(kafkaSize(cut)).isLessThanOrEqualTo(700);
        assertThat(header(cut, DeadLetters.ORIGINAL_VALUE_BYTES)).isEqualTo("4000000");
        assertThat(header(cut, DeadLetters.ORIGINAL_VALUE_SHA256))
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
    }

    @Test
    void aRefusedRecordLowersItsTopicsLimitAtOnce() {
        RecordSizeLimits limits = RecordSizeLimits.of(LIMIT, Map.of());
        DeadLetters adapting = new DeadLetters(limits, Set.of(), ProcessorObserver.NONE);
        ProducerRecord<byte[], byte[]> first = adapting.bounded(deadLetter(random(10), random(4_000_000), "bad"));

        limits.refused("dlq", kafkaSize(first));
        ProducerRecord<byte[], byte[]> retried = adapting.bounded(deadLetter(random(10), random(4_000_000), "bad"));

        assertThat(kafkaSize(retried)).isLessThan(kafkaSize(first));
        assertThat(limits.of("dlq")).isLessThan(kafkaSize(first));
        assertThat(limits.of("other-topic")).isEqualTo(LIMIT);
        limits.close();
    }

    @Property(tries = 100)
    void everyDeadLetterFitsItsTopicAsKafkaCountsIt(
            @ForAll @IntRange(min = 600, max = 3_000_000) int topicLimit,
            @ForAll @IntRange(min = 0, max = 3_000_000) int keyBytes,
            @ForAll @IntRange(min = 0, max = 5_000_000) int valueBytes,
            @ForAll @IntRange(min = 0, max = 100_000) int messageBytes,
            @ForAll @IntRange(min = 0, max = 30) int extraHeaders) {
        DeadLetters bounded = new DeadLetters(
                RecordSizeLimits.of(LIMIT, Map.of("dlq", topicLimit)), Set.of(), ProcessorObserver.NONE);
        ProducerRecord<byte[], byte[]> input =
                deadLetter(random(keyBytes), random(valueBytes), "m".repeat(messageBytes));
        for (int i = 0; i < extraHeaders; i++) {
            input.headers().add("header-" + i, random(20_000));
        }
        assertThat(kafkaSize(bounded.bounded(input))).isLessThanOrEqualTo(Math.min(LIMIT, topicLimit));
    }

    @Test
    void cutTextNeverEndsInHalfACharacter() {
        byte[] text = "ab\u00e9\u20ac".getBytes(StandardCharsets.UTF_8); // a b é(2 bytes) €(3 bytes)
        assertThat(new String(DeadLetters.cutUtf8(text, 3), StandardCharsets.UTF_8))
                .isEqualTo("ab");
        assertThat(new String(DeadLetters.cutUtf8(text, 5), StandardCharsets.UTF_8))
                .isEqualTo("ab\u00e9");
        assertThat(DeadLetters.cutUtf8(text, 7)).isEqualTo(text);
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(byte[] key, byte[] value, String message) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", utf8("t-1"));
        headers.add(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME, utf8("org.example.BadRecord"));
        headers.add(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME, utf8(message));
        headers.add(ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME, utf8(message + "\n\tat Somewhere".repeat(3)));
        headers.add(ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME, utf8("commands"));
        return new ProducerRecord<>("dlq", null, 0L, key, value, headers);
    }

    /** The producer's own upper bound of a record's size in a batch, which it holds max.request.size to. */
    private static int kafkaSize(ProducerRecord<byte[], byte[]> record) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE,
                CompressionType.NONE,
                record.key(),
                record.value(),
                record.headers().toArray());
    }

    private static int size(ProducerRecord<byte[], byte[]> record) {
        int size =
                (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().length() + header.value().length;
        }
        return size;
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
