package io.controlplane.cancel.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.controlplane.cancel.serde.UndecodableRecordException;
import java.util.HexFormat;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** A changelog is a topic too: whatever bytes a stored value holds, decoding ends in a record or in UndecodableRecordException. */
class ExecutionRecordFormatProperties {

    private final ExecutionRecordFormat format = new ExecutionRecordFormat();
    /** A valid value of each version {@link ExecutionRecordFormat#decode} reads, at index version - 1. */
    private final byte[][] valid = {
        HexFormat.of().parseHex(ExecutionRecordFormatTest.VERSION_1_OF_FULL),
        HexFormat.of().parseHex(ExecutionRecordFormatTest.VERSION_2_OF_FULL),
        format.encode(ExecutionRecordFormatTest.full())
    };

    /**
     * The mutation property draws a version up to CURRENT_VERSION and takes its valid value here: a
     * version without one would fail there as an index out of bounds, not say what is missing.
     */
    @Example
    void thereIsAValidValueOfEachVersion() {
        assertThat(valid.length).isEqualTo((int) ExecutionRecordFormat.CURRENT_VERSION);
        for (int version = 1; version <= ExecutionRecordFormat.CURRENT_VERSION; version++) {
            assertThat(valid[version - 1][0]).as("version").isEqualTo((byte) version);
            assertThat(format.decode(valid[version - 1])).isNotNull();
        }
    }

    @Property(tries = 2000)
    void anyBytesAfterAKnownVersionDecodeOrAreUndecodable(
            @ForAll @IntRange(min = 1, max = ExecutionRecordFormat.CURRENT_VERSION) int version,
            @ForAll @Size(max = 300) byte[] body) {
        byte[] value = new byte[body.length + 1];
        value[0] = (byte) version;
        System.arraycopy(body, 0, value, 1, body.length);
        assertDecodesOrIsUndecodable(value);
    }

    @Property(tries = 2000)
    void aValidValueOfAnyVersionWithOneByteChangedDecodesOrIsUndecodable(
            @ForAll @IntRange(min = 1, max = ExecutionRecordFormat.CURRENT_VERSION) int version,
            @ForAll @IntRange(min = 1, max = 1000) int where,
            @ForAll byte to) {
        byte[] value = valid[version - 1].clone();
        value[where % value.length] = to;
        assertDecodesOrIsUndecodable(value);
    }

    private void assertDecodesOrIsUndecodable(byte[] value) {
        Throwable thrown = catchThrowable(() -> format.decode(value));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(UndecodableRecordException.class);
        }
    }
}
