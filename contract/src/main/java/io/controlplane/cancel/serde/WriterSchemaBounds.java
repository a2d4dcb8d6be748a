package io.controlplane.cancel.serde;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Checks Avro binary data against its writer schema before Avro decodes it, so that no record can
 * make the decoder allocate more than a small multiple of the record's own size.
 *
 * <p>Avro sizes its buffers and collections from the lengths and counts written in the data. 1.12.2
 * checks the lengths of strings and of collections of non-empty items against the bytes left, but
 * bounds the rest only JVM-wide (up to 2^31-9 items, or a quarter of the heap): items that take no
 * bytes ({@code array<null>}) are allocated or skipped one by one, a reader skips a negative-count
 * block by whatever byte size it claims, and a recursive record nests until the stack overflows.
 * Before 1.12.2 an 11-byte record could claim a 2 GiB string. This walks the bytes once, the way Avro's
 * binary decoder reads them, and refuses: a string, bytes or fixed longer than the bytes left; an
 * array or map block claiming more items than the bytes left can hold; items that take no bytes
 * (null, empty records) beyond one per byte of the record in total; negative lengths and counts; a
 * negative block count whose byte size disagrees with its items (readers skip by that size); union
 * and enum indexes out of range; varints longer than Avro accepts; nesting deeper than
 * {@link #MAX_DEPTH}. It allocates nothing per field: one cursor per record.
 *
 * <p>Instances are immutable and thread-safe; build one per writer schema and keep it.
 */
final class WriterSchemaBounds {

    /** Records, arrays and maps nested deeper than this are refused (recursive writer schemas). */
    static final int MAX_DEPTH = 32;

    /** A map key: a string, so a length of at least one byte. */
    private static final Node MAP_KEY = new Node(Schema.Type.STRING, "map key");

    private final Node root;

    private WriterSchemaBounds(Node root) {
        this.root = root;
    }

    /** Compiles the checks for data written with {@code writer}. */
    static WriterSchemaBounds of(Schema writer) {
        Node root = compile(writer, writer.getName(), new IdentityHashMap<>());
        setMinBytes(root, Collections.newSetFromMap(new IdentityHashMap<>()));
        return new WriterSchemaBounds(root);
    }

    /**
     * Walks {@code bytes[offset, end)} as one datum of the writer schema.
     *
     * @throws Violation naming what the data claims and how many bytes were left
     */
    void check(byte[] bytes, int offset, int end) {
        Cursor cursor = new Cursor(bytes, offset, end);
        walk(root, cursor, 0);
    }

    /** What a record claims beyond its bytes; the caller adds the topic and the schema id. */
    static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message, null, false, false);
        }
    }

    /** One place in the writer schema; records are shared so that recursive schemas compile to a cycle. */
    private static final class Node {
        final Schema.Type type;
        final String label;
        Node[] children = new Node[0];
        int size;
        /** Fewest bytes a value takes: 0 for null, records of such fields, and (conservatively) record cycles. */
        int minBytes = UNKNOWN;

        Node(Schema.Type type, String label) {
            this.type = type;
            this.label = label;
        }
    }

    private static final int UNKNOWN = -1;
    private static final int IN_PROGRESS = -2;

    /**
     * Position in the record, and how many items that take no bytes it may still claim: one per byte of
     * the record in all, since Avro allocates (at least a reference) for each one it reads.
     */
    private static final class Cursor {
        final byte[] bytes;
        final int end;
        final long zeroByteBudget;
        int pos;
        long zeroByteItemsLeft;

        Cursor(byte[] bytes, int offset, int end) {
            this.bytes = bytes;
            this.pos = offset;
            this.end = end;
            this.zeroByteBudget = end - offset;
            this.zeroByteItemsLeft = zeroByteBudget;
        }

        int left() {
            return end - pos;
        }
    }

    private static Node compile(Schema schema, String label, Map<Schema, Node> records) {
        switch (schema.getType()) {
            case RECORD -> {
                Node known = records.get(schema);
                if (known != null) {
                    return known;
                }
                Node record = new Node(Schema.Type.RECORD, schema.getName());
                records.put(schema, record);
                List<Schema.Field> fields = schema.getFields();
                record.children = new Node[fields.size()];
                for (int i = 0; i < fields.size(); i++) {
                    Schema.Field field = fields.get(i);
                    record.children[i] = compile(field.schema(), schema.getName() + "." + field.name(), records);
                }
                return record;
            }
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                Node union = new Node(Schema.Type.UNION, label);
                union.children = new Node[branches.size()];
                for (int i = 0; i < branches.size(); i++) {
                    union.children[i] = compile(branches.get(i), label, records);
                }
                return union;
            }
            case ARRAY -> {
                Node array = new Node(Schema.Type.ARRAY, label);
                array.children = new Node[] {compile(schema.getElementType(), label + "[]", records)};
                return array;
            }
            case MAP -> {
                Node map = new Node(Schema.Type.MAP, label);
                map.children = new Node[] {compile(schema.getValueType(), label + "{}", records)};
                return map;
            }
            case ENUM -> {
                Node symbols = new Node(Schema.Type.ENUM, label);
                symbols.size = schema.getEnumSymbols().size();
                return symbols;
            }
            case FIXED -> {
                Node fixed = new Node(Schema.Type.FIXED, label);
                fixed.size = schema.getFixedSize();
                return fixed;
            }
            default -> {
                return new Node(schema.getType(), label);
            }
        }
    }

    private static void setMinBytes(Node node, Set<Node> seen) {
        if (!seen.add(node)) {
            return;
        }
        node.minBytes = minBytes(node);
        for (Node child : node.children) {
            setMinBytes(child, seen);
        }
    }

    private static int minBytes(Node node) {
        switch (node.type) {
            case NULL:
                return 0;
            case FIXED:
                return node.size;
            case FLOAT:
                return 4;
            case DOUBLE:
                return 8;
            case RECORD: {
                if (node.minBytes == IN_PROGRESS) {
                    return 0; // reached again through itself: counted as taking no bytes, the safe side
                }
                if (node.minBytes != UNKNOWN) {
                    return node.minBytes;
                }
                node.minBytes = IN_PROGRESS;
                long sum = 0;
                for (Node field : node.children) {
                    sum += minBytes(field);
                }
                node.minBytes = (int) Math.min(sum, Integer.MAX_VALUE);
                return node.minBytes;
            }
            default:
                // boolean, a varint, a length, a block count or a union index: at least one byte
                return 1;
        }
    }

    private static void walk(Node node, Cursor in, int depth) {
        switch (node.type) {
            case NULL -> {}
            case BOOLEAN -> take(node, in, 1);
            case INT -> readInt(node, in);
            case LONG -> readLong(node, in);
            case FLOAT -> take(node, in, 4);
            case DOUBLE -> take(node, in, 8);
            case FIXED -> take(node, in, node.size);
            case STRING, BYTES -> {
                long length = readLong(node, in);
                if (length < 0) {
                    throw new Violation(node.label + " has a negative length " + length);
                }
                if (length > in.left()) {
                    throw new Violation(node.label + " claims " + length + " bytes, " + in.left() + " bytes left");
                }
                in.pos += (int) length;
            }
            case ENUM -> {
                int index = readInt(node, in);
                if (index < 0 || index >= node.size) {
                    throw new Violation(node.label + ": enum index " + index + ", but " + node.size + " symbols");
                }
            }
            case UNION -> {
                int index = readInt(node, in);
                if (index < 0 || index >= node.children.length) {
                    throw new Violation(
                            node.label + ": union index " + index + ", but " + node.children.length + " branches");
                }
                walk(node.children[index], in, depth);
            }
            case RECORD -> {
                enter(node, depth);
                for (Node field : node.children) {
                    walk(field, in, depth + 1);
                }
            }
            case ARRAY, MAP -> {
                enter(node, depth);
                walkBlocks(node, in, depth + 1);
            }
        }
    }

    private static void enter(Node node, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new Violation(node.label + " nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** Array and map blocks: a count, then that many items; a negative count is followed by the block's byte size. */
    private static void walkBlocks(Node node, Cursor in, int depth) {
        Node items = node.children[0];
        // a map item is a key (a length, at least one byte) and a value
        int itemMinBytes = node.type == Schema.Type.MAP ? 1 + items.minBytes : items.minBytes;
        while (true) {
            long count = readLong(node, in);
            if (count == 0) {
                return;
            }
            long blockBytes = -1;
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw new Violation(node.label + " has an invalid block count " + count);
                }
                count = -count;
                blockBytes = readLong(node, in);
                if (blockBytes < 0) {
                    throw new Violation(node.label + " block has a negative byte size " + blockBytes);
                }
                if (blockBytes > in.left()) {
                    throw new Violation(
                            node.label + " block claims " + blockBytes + " bytes, " + in.left() + " bytes left");
                }
            }
            if (itemMinBytes > 0) {
                if (count > in.left() / itemMinBytes) {
                    throw new Violation(node.label + " claims " + count + " items of at least " + itemMinBytes
                            + " bytes, " + in.left() + " bytes left");
                }
            } else {
                if (count > in.zeroByteItemsLeft) {
                    throw new Violation(node.label + " claims " + count + " items that take no bytes; a record of "
                            + in.zeroByteBudget + " bytes may claim " + in.zeroByteBudget + " in all");
                }
                in.zeroByteItemsLeft -= count;
            }
            int blockStart = in.pos;
            for (long i = 0; i < count; i++) {
                if (node.type == Schema.Type.MAP) {
                    walk(MAP_KEY, in, depth);
                }
                walk(items, in, depth);
            }
            if (blockBytes >= 0 && in.pos - blockStart != blockBytes) {
                throw new Violation(node.label + " block claims " + blockBytes + " bytes, its " + count + " items take "
                        + (in.pos - blockStart));
            }
        }
    }

    private static void take(Node node, Cursor in, int length) {
        if (length > in.left()) {
            throw new Violation(node.label + " needs " + length + " bytes, " + in.left() + " bytes left");
        }
        in.pos += length;
    }

    /** Avro's int varint: at most 5 bytes, bits past 32 dropped, zig-zag. */
    private static int readInt(Node node, Cursor in) {
        int n = 0;
        for (int shift = 0; ; shift += 7) {
            if (in.pos >= in.end) {
                throw new Violation(node.label + ": the record ends inside a varint");
            }
            int b = in.bytes[in.pos++] & 0xff;
            n ^= (b & 0x7f) << shift;
            if (b < 0x80) {
                return (n >>> 1) ^ -(n & 1);
            }
            if (shift == 28) {
                throw new Violation(node.label + ": an int varint longer than 5 bytes");
            }
        }
    }

    /** Avro's long varint: at most 10 bytes, bits past 64 dropped, zig-zag. */
    private static long readLong(Node node, Cursor in) {
        long n = 0;
        for (int shift = 0; ; shift += 7) {
            if (in.pos >= in.end) {
                throw new Violation(node.label + ": the record ends inside a varint");
            }
            int b = in.bytes[in.pos++] & 0xff;
            n ^= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return (n >>> 1) ^ -(n & 1);
            }
            if (shift == 63) {
                throw new Violation(node.label + ": a varint longer than 10 bytes");
            }
        }
    }
}
