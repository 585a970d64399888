package io.qshampoo.oracle.npy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code .safetensors} files, as {@code safetensors.torch.save_file} and {@code safetensors.numpy.save_file} write
 * them: many named tensors in one file.
 *
 * <pre>
 *   N: uint64 little endian · header: N bytes of UTF-8 JSON, an object, padded at the end with spaces ·
 *   data: the tensors' raw bytes, little endian, C order, one after another
 * </pre>
 *
 * The header maps each tensor name to {@code {"dtype": "F32", "shape": [3, 4], "data_offsets": [begin, end]}},
 * offsets in bytes relative to the start of the data; an optional {@code "__metadata__"} maps strings to strings.
 *
 * <p>Reading is as strict as {@link NpyReader}: every deviation is an {@link NpyFormatException} whose source is
 * the file (or {@code file.safetensors:name} for a tensor's fields), naming the field, what was found and what
 * was expected. Refused: a header length beyond the file or over 100 MB (the reference implementation's limit), a
 * header that is not UTF-8, does not start with '{', is not one JSON object or repeats a key; a tensor entry
 * without exactly the keys dtype, shape, data_offsets; an unsupported dtype (F16, BF16 and the F8 types have no
 * exact {@link NpyDtype}; convert with {@code .float()}); a negative, fractional or non-integer dimension or
 * offset; {@code end < begin}; a byte span that differs from shape·itemSize; tensors that leave a gap in the
 * data, overlap, or do not reach its end (no trailing bytes); a metadata value that is not a string; a bool
 * byte other than 0 or 1. Nothing is allocated from a size before it is checked against the file's length.
 *
 * <p>Writing follows the same layout: the tensors in the map's order, contiguous, the header padded with
 * spaces so that the data starts at a multiple of 8 bytes (as the reference writer does).
 *
 * <p>Cost: the file is read whole; parsing is O(header + data).
 */
public final class SafetensorsFile {

    /** The reference implementation's limit on the header length (safetensors' MAX_HEADER_SIZE). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The key of the optional string-to-string metadata. */
    public static final String METADATA = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private SafetensorsFile() {
    }

    /** The safetensors dtype name of a supported element type: "BOOL", "U8", "I8", … "F32", "F64". */
    public static String dtypeName(NpyDtype t) {
        return switch (t) {
            case BOOL -> "BOOL";
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            default -> (t.kind() == 'u' ? "U" : "I") + t.itemSize() * 8;
        };
    }

    private static NpyDtype dtypeOf(String name, String source) {
        for (NpyDtype t : NpyDtype.values()) {
            if (dtypeName(t).equals(name)) {
                return t;
            }
        }
        String hint = Set.of("F16", "BF16", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2").contains(name)
                ? " (store it as float32, e.g. tensor.float(), for an exact comparison)" : "";
        StringBuilder supported = new StringBuilder();
        for (NpyDtype t : NpyDtype.values()) {
            supported.append(supported.length() == 0 ? "" : ", ").append(dtypeName(t));
        }
        throw new NpyFormatException(source, "field 'dtype' is \"" + name + "\"; expected one of " + supported + hint);
    }

    /**
     * All tensors of a safetensors file by name, in the header's order; each array's source is
     * {@code file:name}.
     *
     * @throws IllegalArgumentException naming the file (and tensor and field) if it is missing or malformed
     */
    public static Map<String, NpyArray> read(Path file) {
        return parse(NpyReader.readAll(file), file.toString());
    }

    /** The metadata of a safetensors file (empty if it has none). */
    public static Map<String, String> metadata(Path file) {
        return parseFile(NpyReader.readAll(file), file.toString()).metadata;
    }

    /**
     * Parses the bytes of a safetensors file.
     *
     * @param source the file name, for messages
     */
    public static Map<String, NpyArray> parse(byte[] bytes, String source) {
        return parseFile(bytes, source).tensors;
    }

    private record Parsed(Map<String, NpyArray> tensors, Map<String, String> metadata) {
    }

    private record Entry(String name, NpyDtype dtype, int[] shape, long begin, long end) {
    }

    private static Parsed parseFile(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw new NpyFormatException(source, "truncated: " + bytes.length
                    + " bytes, fewer than the 8-byte header length that starts a safetensors file");
        }
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new NpyFormatException(source, "field 'header length' is " + Long.toUnsignedString(n)
                    + "; expected at most " + MAX_HEADER_BYTES + " (not a safetensors file?)");
        }
        if (n > bytes.length - 8L) {
            throw new NpyFormatException(source, "field 'header length' is " + n + "; the file has only "
                    + (bytes.length - 8) + " bytes after it (truncated, or not a safetensors file)");
        }
        if (n == 0 || bytes[8] != '{') {
            throw new NpyFormatException(source, "field 'header' does not start with '{' (found "
                    + (n == 0 ? "an empty header" : "byte 0x" + String.format("%02x", bytes[8] & 0xff))
                    + "); expected a JSON object");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw new NpyFormatException(source, "field 'header' is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new NpyFormatException(source, "field 'header' is not one JSON object: "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new NpyFormatException(source, "field 'header' is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (f.getKey().equals(METADATA)) {
                readMetadata(f.getValue(), source, metadata);
            } else {
                entries.add(entry(f.getKey(), f.getValue(), source + ":" + f.getKey(), dataLength));
            }
        }
        checkTiling(entries, dataLength, source);
        Map<String, NpyArray> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            String where = source + ":" + e.name;
            byte[] payload = Arrays.copyOfRange(bytes, (int) (dataStart + e.begin), (int) (dataStart + e.end));
            if (e.dtype == NpyDtype.BOOL) {
                for (int k = 0; k < payload.length; k++) {
                    if (payload[k] != 0 && payload[k] != 1) {
                        throw new NpyFormatException(where, "bool element " + k + " is byte " + (payload[k] & 0xff)
                                + "; expected 0 or 1");
                    }
                }
            }
            tensors.put(e.name, NpyArray.wrapLittleEndian(e.dtype, e.shape, payload, where));
        }
        return new Parsed(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(JsonNode node, String source, Map<String, String> out) {
        if (!node.isObject()) {
            throw new NpyFormatException(source, "field '" + METADATA + "' is " + node.getNodeType()
                    + "; expected an object of strings");
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) {
                throw new NpyFormatException(source, "field '" + METADATA + "." + m.getKey() + "' is "
                        + m.getValue() + "; expected a string");
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry entry(String name, JsonNode node, String where, long dataLength) {
        if (!node.isObject()) {
            throw new NpyFormatException(where, "the tensor's entry is " + node.getNodeType()
                    + "; expected an object with dtype, shape and data_offsets");
        }
        Set<String> keys = new TreeSet<>();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            keys.add(f.getKey());
        }
        if (!keys.equals(Set.of("data_offsets", "dtype", "shape"))) {
            throw new NpyFormatException(where, "the tensor's entry has fields " + keys
                    + "; expected exactly [data_offsets, dtype, shape]");
        }
        JsonNode d = node.get("dtype");
        if (!d.isTextual()) {
            throw new NpyFormatException(where, "field 'dtype' is " + d + "; expected a string such as \"F32\"");
        }
        NpyDtype dtype = dtypeOf(d.textValue(), where);
        long[] dims = integers(node.get("shape"), "shape", -1, Integer.MAX_VALUE, where);
        int[] shape = new int[dims.length];
        for (int k = 0; k < dims.length; k++) {
            shape[k] = (int) dims[k];
        }
        long count = NpyArray.elementCount(shape, dtype, where);
        long[] offsets = integers(node.get("data_offsets"), "data_offsets", 2, Long.MAX_VALUE, where);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new NpyFormatException(where, "field 'data_offsets' is [" + begin + ", " + end
                    + "]; expected begin ≤ end");
        }
        if (end > dataLength) {
            throw new NpyFormatException(where, "field 'data_offsets' is [" + begin + ", " + end + "]; the data has only "
                    + dataLength + " bytes (truncated file?)");
        }
        long need = count * dtype.itemSize();
        if (end - begin != need) {
            throw new NpyFormatException(where, "field 'data_offsets' is [" + begin + ", " + end + "], "
                    + (end - begin) + " bytes; field 'shape' " + Arrays.toString(shape) + " of " + d.textValue()
                    + " needs " + need);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** An array of non-negative integers ≤ max; {@code length} −1 for any length. */
    private static long[] integers(JsonNode node, String field, int length, long max, String where) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw new NpyFormatException(where, "field '" + field + "' is " + node + "; expected "
                    + (length >= 0 ? "an array of " + length + " non-negative integers" : "an array of non-negative integers"));
        }
        long[] out = new long[node.size()];
        for (int k = 0; k < out.length; k++) {
            JsonNode v = node.get(k);
            if (!v.isIntegralNumber() || v.bigIntegerValue().signum() < 0
                    || v.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(max)) > 0) {
                throw new NpyFormatException(where, "field '" + field + "' has " + v + " at index " + k
                        + "; expected an integer from 0 to " + max);
            }
            out[k] = v.longValue();
        }
        return out;
    }

    /** Sorted by offset, the tensors must cover [0, dataLength) exactly: no gap, no overlap, no trailing bytes. */
    private static void checkTiling(List<Entry> entries, long dataLength, String source) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        String previous = null;
        for (Entry e : sorted) {
            if (e.begin != at) {
                throw new NpyFormatException(source + ":" + e.name, "field 'data_offsets' starts at " + e.begin
                        + "; expected " + at + (previous == null ? " (the start of the data)"
                        : " (the end of tensor '" + previous + "')") + ": tensors must tile the data without "
                        + (e.begin > at ? "gaps" : "overlaps"));
            }
            at = e.end;
            previous = e.name;
        }
        if (at != dataLength) {
            throw new NpyFormatException(source, (dataLength - at) + " unexpected bytes after the last tensor: the "
                    + "header's data_offsets end at " + at + ", the data has " + dataLength + " bytes");
        }
    }

    /** Writes the tensors (in the map's order) with no metadata. */
    public static void write(Path file, Map<String, NpyArray> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes a safetensors file, creating parent directories.
     *
     * @throws IllegalArgumentException naming the file if it cannot be written, or for an empty or reserved name
     */
    public static void write(Path file, Map<String, NpyArray> tensors, Map<String, String> metadata) {
        byte[] bytes = toBytes(tensors, metadata);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot write (" + e + ")");
        }
    }

    /** The bytes of a safetensors file holding {@code tensors} (in the map's order) and {@code metadata}. */
    public static byte[] toBytes(Map<String, NpyArray> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, NpyArray> t : tensors.entrySet()) {
            String name = t.getKey();
            if (name.isEmpty() || name.equals(METADATA)) {
                throw new IllegalArgumentException("tensor name '" + name + "' is empty or reserved");
            }
            NpyArray a = t.getValue();
            ObjectNode e = header.putObject(name);
            e.put("dtype", dtypeName(a.dtype()));
            ArrayNode shape = e.putArray("shape");
            for (int d : a.shape()) {
                shape.add(d);
            }
            long next = offset + a.payload().length;
            e.putArray("data_offsets").add(offset).add(next);
            offset = next;
        }
        byte[] text;
        try {
            text = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a safetensors header", e);
        }
        int padded = (8 + text.length + 7) / 8 * 8 - 8;       // the data starts at a multiple of 8
        long total = 8L + padded + offset;
        if (total > NpyArray.MAX_BYTES) {
            throw new IllegalArgumentException("a safetensors file of " + total + " bytes exceeds " + NpyArray.MAX_BYTES
                    + ", the most this writer holds in memory");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(text);
        for (int k = text.length; k < padded; k++) {
            out.put((byte) ' ');
        }
        for (NpyArray a : tensors.values()) {
            out.put(a.payload());
        }
        return out.array();
    }
}
