package io.controlplane.cancel.topology;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Store keys made of several ids joined by U+0000, so that one prefix scan finds every key that starts
 * with a given id. Valid ids hold no control character (Ids, RunStateValidation), so no two
 * different id tuples share a key, and U+0000 sorts before every other character.
 */
final class CompositeKeys {

    static final char SEPARATOR = '\u0000';

    private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();

    private CompositeKeys() {}

    static String of(String first, String second) {
        return first + SEPARATOR + second;
    }

    static String of(String first, String second, String third) {
        return first + SEPARATOR + second + SEPARATOR + third;
    }

    /** What every key made with {@code first} starts with. */
    static String prefix(String first) {
        return first + SEPARATOR;
    }

    /** Every entry of {@code store} whose key was made with {@code first}; the caller closes it. */
    static <V> KeyValueIterator<String, V> startingWith(KeyValueStore<String, V> store, String first) {
        return store.prefixScan(prefix(first), PREFIX_SERIALIZER);
    }
}
