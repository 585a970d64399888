package io.qshampoo.experiments.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV as RFC 4180 writes it (and {@code experiments.Report} does): fields separated by commas, records by
 * LF or CRLF, a field in double quotes may hold commas, line breaks and doubled quotes. A final line break is
 * optional. Used to render the experiments' CSV files as HTML tables.
 */
public final class Csv {

    private Csv() {
    }

    /**
     * The records of a CSV text, each a list of fields.
     *
     * @throws IllegalArgumentException for a quote that is never closed or text after a closing quote
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = text.length();
        boolean any = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' && field.length() == 0) {
                int start = i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("CSV: the quote at character " + start + " is never closed");
                    }
                    char d = text.charAt(i++);
                    if (d == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(d);
                    }
                }
                if (i < n && ",\r\n".indexOf(text.charAt(i)) < 0) {
                    throw new IllegalArgumentException("CSV: text after the closing quote at character " + (i - 1));
                }
                any = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                any = true;
                i++;
            } else if (c == '\r' || c == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                any = false;
                i += c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n' ? 2 : 1;
            } else {
                field.append(c);
                any = true;
                i++;
            }
        }
        if (any || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
