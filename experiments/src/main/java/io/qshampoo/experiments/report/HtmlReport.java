package io.qshampoo.experiments.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An {@code index.html} beside an experiment's output files, so a person opens one page instead of each file: per
 * section, the command that reproduces it, its PNG plots inline, its CSV tables as HTML tables (the first
 * {@value #MAX_ROWS} rows, long numbers rounded to {@value #DIGITS} significant digits; the file has all rows and
 * digits), and links to every file; a footer with the versions and backend.
 * The demo writes one page with a section per step.
 *
 * <p>The page is static and self-contained apart from the files it links (relative links, so the folder can be
 * moved or served). A short inline script checks, once the page has loaded, that every image decoded and every
 * table has rows, and writes the result into the element {@code #self-check} (a headless browser test reads it).
 */
public final class HtmlReport {

    /** Rows of a CSV shown in the page; longer tables are cut with a note and a link to the file. */
    public static final int MAX_ROWS = 200;

    /**
     * One section: a title, the command line that reproduces it, and the directory of its files.
     *
     * @param title   heading
     * @param command e.g. {@code ./qshampoo tables --n 256 --out qshampoo-out/tables}
     * @param dir     the directory holding the section's files
     */
    public record Section(String title, String command, Path dir) {
    }

    private HtmlReport() {
    }

    /**
     * Writes {@code page} (an .html file) with the given sections; file links are relative to the page's directory.
     *
     * @param environment lines for the footer (versions, runtime, backend)
     * @throws IOException if a file cannot be read or the page cannot be written
     */
    public static void write(Path page, String title, List<Section> sections, List<String> environment)
            throws IOException {
        Path base = page.toAbsolutePath().getParent();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n");
        if (sections.size() > 1) {
            h.append("<nav><ol>\n");
            for (int i = 0; i < sections.size(); i++) {
                h.append("<li><a href=\"#s").append(i + 1).append("\">").append(escape(sections.get(i).title()))
                        .append("</a></li>\n");
            }
            h.append("</ol></nav>\n");
        }
        for (int i = 0; i < sections.size(); i++) {
            section(h, base, sections.get(i), i + 1);
        }
        h.append("<footer>\n<p id=\"self-check\">page check did not run (JavaScript off)</p>\n<ul>\n");
        for (String e : environment) {
            h.append("<li>").append(escape(e)).append("</li>\n");
        }
        h.append("</ul>\n</footer>\n<script>\n").append(SELF_CHECK).append("</script>\n</body>\n</html>\n");
        Path parent = page.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(page, h.toString(), StandardCharsets.UTF_8);
    }

    private static void section(StringBuilder h, Path base, Section s, int number) throws IOException {
        Path dir = s.dir().toAbsolutePath();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("index.html"))
                        .sorted().forEach(files::add);
            }
        }
        h.append("<section id=\"s").append(number).append("\">\n<h2>").append(escape(s.title())).append("</h2>\n")
                .append("<pre class=\"command\">$ ").append(escape(s.command())).append("</pre>\n");
        for (Path f : files) {
            if (name(f).endsWith(".png")) {
                h.append("<figure><img src=\"").append(escape(link(base, f))).append("\" alt=\"").append(escape(name(f)))
                        .append("\"><figcaption>").append(escape(name(f))).append("</figcaption></figure>\n");
            }
        }
        for (Path f : files) {
            if (name(f).endsWith(".csv")) {
                table(h, base, f);
            }
        }
        h.append("<p class=\"files\">Files:");
        for (Path f : files) {
            h.append(" <a href=\"").append(escape(link(base, f))).append("\">").append(escape(name(f))).append("</a>");
        }
        h.append(files.isEmpty() ? " none" : "").append("</p>\n</section>\n");
    }

    private static void table(StringBuilder h, Path base, Path csv) throws IOException {
        List<List<String>> rows = Csv.parse(Files.readString(csv, StandardCharsets.UTF_8));
        h.append("<h3>").append(escape(name(csv))).append("</h3>\n");
        if (rows.isEmpty()) {
            h.append("<p>(empty file)</p>\n");
            return;
        }
        h.append("<div class=\"scroll\"><table>\n<thead><tr>");
        for (String c : rows.get(0)) {
            h.append("<th>").append(escape(c)).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        int shown = Math.min(rows.size() - 1, MAX_ROWS);
        for (List<String> r : rows.subList(1, 1 + shown)) {
            h.append("<tr>");
            for (String c : r) {
                cell(h, c);
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
        if (rows.size() - 1 > shown) {
            h.append("<p class=\"note\">First ").append(shown).append(" of ").append(rows.size() - 1)
                    .append(" rows; all in <a href=\"").append(escape(link(base, csv))).append("\">")
                    .append(escape(name(csv))).append("</a>.</p>\n");
        }
    }

    /**
     * A cell; a number is right-aligned and, when it has more than {@value #DIGITS} significant digits, shown
     * rounded to {@value #DIGITS} with the exact text of the file as its tooltip.
     */
    private static void cell(StringBuilder h, String c) {
        double v;
        try {
            v = Double.parseDouble(c);
        } catch (NumberFormatException e) {
            h.append("<td>").append(escape(c)).append("</td>");
            return;
        }
        String digits = c.replaceAll("[eE].*$", "").replaceAll("[^0-9]", "").replaceFirst("^0+", "");
        if (digits.length() <= DIGITS || !Double.isFinite(v)) {
            h.append("<td class=\"num\">").append(escape(c)).append("</td>");
        } else {
            h.append("<td class=\"num\" title=\"").append(escape(c)).append("\">")
                    .append(escape(String.format(java.util.Locale.ROOT, "%." + DIGITS + "g", v))).append("</td>");
        }
    }

    /** Significant digits shown for a long number (the file keeps all of them). */
    static final int DIGITS = 5;

    private static String name(Path f) {
        return f.getFileName().toString();
    }

    /** The file's path relative to the page's directory, with '/' separators and each segment URL-escaped. */
    static String link(Path base, Path file) {
        Path rel = base.relativize(file.toAbsolutePath());
        StringBuilder s = new StringBuilder();
        for (Path part : rel) {
            if (s.length() > 0) {
                s.append('/');
            }
            s.append(java.net.URLEncoder.encode(part.toString(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return s.toString();
    }

    /** Escapes text for HTML element content and double-quoted attributes. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 75em; padding: 0 1em; color: #222; }
            pre.command { background: #f4f4f4; padding: .5em; overflow-x: auto; }
            figure { display: inline-block; margin: .5em; }
            img { max-width: 100%; border: 1px solid #ddd; }
            figcaption { font-size: .85em; color: #555; }
            .scroll { overflow: auto; max-height: 32em; }
            table { border-collapse: collapse; font-size: .85em; margin-bottom: 1em; }
            th, td { border: 1px solid #ccc; padding: .15em .5em; }
            th { background: #eee; position: sticky; top: 0; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            .note, .files, footer { font-size: .85em; color: #555; }
            section { border-top: 2px solid #ddd; margin-top: 2em; }
            """;

    /** Counts decoded images and non-empty tables once everything has loaded, into #self-check. */
    private static final String SELF_CHECK = """
            window.addEventListener('load', function () {
              var imgs = Array.prototype.slice.call(document.images);
              var loaded = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
              var tables = Array.prototype.slice.call(document.querySelectorAll('table'));
              var filled = tables.filter(function (t) { return t.tBodies.length > 0 && t.tBodies[0].rows.length > 0; }).length;
              var p = document.getElementById('self-check');
              p.textContent = 'page check: ' + loaded + ' of ' + imgs.length + ' images loaded, '
                  + filled + ' of ' + tables.length + ' tables with rows';
              p.setAttribute('data-images', loaded + '/' + imgs.length);
              p.setAttribute('data-tables', filled + '/' + tables.length);
            });
            """;
}
