package io.qshampoo.oracle.npy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the Python literal that an npy header holds, e.g.
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }} — the subset of Python's literal syntax
 * that numpy's {@code format.write_array_header_*} produces: a dict with string keys whose values are strings
 * (single or double quotes, no escapes), {@code True}/{@code False}, non-negative integers (an old trailing
 * {@code L} is accepted), and tuples or lists of those. Whitespace may surround every token; only whitespace
 * may follow the closing brace (numpy pads with spaces and a newline).
 *
 * <p>Values come back as String, Boolean, Long, or List&lt;Object&gt; (tuples and lists alike). Cost: linear in
 * the header's length.
 */
final class HeaderDictParser {

    private final String text;
    private final String source;
    private int pos;

    private HeaderDictParser(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * Parses the whole header text as a dict.
     *
     * @throws NpyFormatException naming source, the offset and what was expected
     */
    static Map<String, Object> parse(String text, String source) {
        HeaderDictParser p = new HeaderDictParser(text, source);
        p.skipWhitespace();
        Map<String, Object> dict = p.dict();
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("only whitespace after the closing '}'");
        }
        return dict;
    }

    private Map<String, Object> dict() {
        expect('{');
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        while (peek() != '}') {
            int at = pos;
            if (peek() != '\'' && peek() != '"') {
                throw error("a quoted key or '}'");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value();
            if (out.put(key, value) != null) {
                pos = at;
                throw error("each key once, but '" + key + "' repeats");
            }
            skipWhitespace();
            if (peek() == ',') {
                pos++;
                skipWhitespace();
            } else if (peek() != '}') {
                throw error("',' or '}'");
            }
        }
        pos++;
        return out;
    }

    private Object value() {
        char c = peek();
        if (c == '\'' || c == '"') {
            return string();
        }
        if (c == '(' || c == '[') {
            return sequence(c == '(' ? ')' : ']');
        }
        if (c >= '0' && c <= '9') {
            return integer();
        }
        if (text.startsWith("True", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("False", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        throw error("a value (string, True, False, integer, tuple or list)");
    }

    private List<Object> sequence(char close) {
        pos++;
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        while (peek() != close) {
            out.add(value());
            skipWhitespace();
            if (peek() == ',') {
                pos++;
                skipWhitespace();
            } else if (peek() != close) {
                throw error("',' or '" + close + "'");
            }
        }
        pos++;
        return out;
    }

    private Long integer() {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) {
            pos++;
        }
        String digits = text.substring(start, pos);
        if (pos < text.length() && text.charAt(pos) == 'L') {
            pos++;
        }
        if (digits.length() > 18) {
            pos = start;
            throw error("an integer below 10^18, not " + digits);
        }
        return Long.parseLong(digits);
    }

    private String string() {
        char quote = text.charAt(pos++);
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != quote) {
            if (text.charAt(pos) == '\\') {
                throw error("a string without escape sequences");
            }
            pos++;
        }
        if (pos >= text.length()) {
            pos = start - 1;
            throw error("a closing " + quote + " for the string starting here");
        }
        return text.substring(start, pos++);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("more header text");
        }
        return text.charAt(pos);
    }

    private void skipWhitespace() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t'
                || text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
            pos++;
        }
    }

    private NpyFormatException error(String expected) {
        String found = pos >= text.length() ? "the end of the header"
                : "'" + printable(text.substring(pos, Math.min(text.length(), pos + 12))) + "'";
        return new NpyFormatException(source, "malformed header " + printable(abbreviate(text)) + ": at offset " + pos
                + " found " + found + ", expected " + expected);
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return '"' + (t.length() > 120 ? t.substring(0, 117) + "..." : t) + '"';
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\n') {
                b.append("\\n");
            } else if (c < 32 || c > 126) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
