package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parameter tensor shape, repeated {@code count} times in a model, with a name for the report.
 *
 * @param name  e.g. "layers.*.self_attn.q_proj.weight"
 * @param shape dimensions, each ≥ 1 (PyTorch order: a Linear weight is (out, in), a conv weight (out, in, kh, kw))
 * @param count how many parameters of this shape, ≥ 1
 */
public record LayerShape(String name, int[] shape, int count) {

    public LayerShape {
        if (shape == null || shape.length == 0) {
            throw new IllegalArgumentException("shape of '" + name + "' is empty");
        }
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of '" + name
                        + "' has a dimension < 1");
            }
        }
        if (count < 1) {
            throw new IllegalArgumentException("count of '" + name + "' is " + count + "; expected >= 1");
        }
        long elements = 1;
        for (int d : shape) {
            elements = multiplyExact(elements, d, name, shape);
        }
        multiplyExact(elements, count, name, shape);
        shape = shape.clone();
    }

    private static long multiplyExact(long a, long b, String name, int[] shape) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of '" + name
                    + "' has more than 2^63 elements (with its count); expected a countable shape");
        }
    }

    /** Elements of one instance (fits a long: checked on construction, count included). */
    public long elements() {
        long e = 1;
        for (int d : shape) {
            e *= d;
        }
        return e;
    }

    /** "1024x1024". */
    public String shapeString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(shape[i]);
        }
        return sb.toString();
    }

    /**
     * Parses {@code 1024x1024,4096x1024*12,768} — dimensions joined by x, an optional *count.
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static List<LayerShape> parseList(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no shapes given; expected e.g. 1024x1024,4096x1024*12");
        }
        List<LayerShape> out = new ArrayList<>();
        for (String item : text.split(",")) {
            String s = item.trim();
            int count = 1;
            int star = s.indexOf('*');
            try {
                if (star >= 0) {
                    count = Integer.parseInt(s.substring(star + 1).trim());
                    s = s.substring(0, star).trim();
                }
                String[] parts = s.split("[xX×]", -1);
                int[] dims = new int[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    dims[i] = Integer.parseInt(parts[i].trim());
                }
                out.add(new LayerShape(s, dims, count));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape \"" + item.trim()
                        + "\" is not dimensions joined by x with an optional *count (e.g. 4096x1024*12)");
            }
        }
        return out;
    }
}
