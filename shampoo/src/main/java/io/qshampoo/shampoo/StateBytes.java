package io.qshampoo.shampoo;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Bytes of optimizer state by {@link StateKind}: the exact sizes of the arrays the optimizer keeps,
 * not an estimate. Immutable; combine with {@link #plus}.
 */
public final class StateBytes {

    /** No state. */
    public static final StateBytes NONE = new StateBytes(new EnumMap<>(StateKind.class));

    private final EnumMap<StateKind, Long> bytes;

    private StateBytes(EnumMap<StateKind, Long> bytes) {
        this.bytes = bytes;
    }

    /** A single entry. */
    public static StateBytes of(StateKind kind, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("byte count for " + kind + " is " + count + "; expected >= 0");
        }
        EnumMap<StateKind, Long> m = new EnumMap<>(StateKind.class);
        if (count > 0) {
            m.put(kind, count);
        }
        return new StateBytes(m);
    }

    /** The sum of both breakdowns, kind by kind. */
    public StateBytes plus(StateBytes other) {
        EnumMap<StateKind, Long> m = new EnumMap<>(bytes);
        other.bytes.forEach((k, v) -> m.merge(k, v, Long::sum));
        return new StateBytes(m);
    }

    /** Adds one entry. */
    public StateBytes plus(StateKind kind, long count) {
        return plus(of(kind, count));
    }

    /** Bytes of one kind (0 when absent). */
    public long get(StateKind kind) {
        return bytes.getOrDefault(kind, 0L);
    }

    /** Total bytes. */
    public long total() {
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The breakdown, in {@link StateKind} order. */
    public Map<StateKind, Long> breakdown() {
        return Map.copyOf(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateBytes s && s.bytes.equals(bytes);
    }

    @Override
    public int hashCode() {
        return bytes.hashCode();
    }

    @Override
    public String toString() {
        return total() + " B (" + bytes.entrySet().stream().map(e -> e.getKey().name().toLowerCase() + " " + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }
}
