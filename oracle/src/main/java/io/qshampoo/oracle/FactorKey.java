package io.qshampoo.oracle;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A state key of {@code ShampooOptimizer.inspect()} or a record tag of {@code storedRecords()}, split into its
 * parts: {@code <parameter>#<block>.<left|right>.<state>[.<rest>]}, e.g. {@code w#0.left.C} or
 * {@code fc1.weight#2.right.root.codes}. The parameter name may itself contain dots and '#'.
 *
 * @param parameter the parameter's name
 * @param block     block number in the parameter's blocking
 * @param side      "left" or "right"
 * @param state     the state: L, C, E, CE, V, S, U, sigma, rho, root, sketch, …
 * @param rest      what follows the state ("codes", "scales", …), or "" for an inspect() key
 */
record FactorKey(String parameter, int block, String side, String state, String rest) {

    private static final Pattern KEY = Pattern.compile("^(.+)#(\\d+)\\.(left|right)\\.([^.]+)(?:\\.(.+))?$");

    /** The parts of a key, or null if it is not a factor key. */
    static FactorKey parse(String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            return null;
        }
        return new FactorKey(m.group(1), Integer.parseInt(m.group(2)), m.group(3), m.group(4),
                m.group(5) == null ? "" : m.group(5));
    }

    /** "w#0.left". */
    String sidePrefix() {
        return parameter + "#" + block + "." + side;
    }

    /** The same block's other side's prefix. */
    String otherSidePrefix() {
        return parameter + "#" + block + "." + ("left".equals(side) ? "right" : "left");
    }
}
