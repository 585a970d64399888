package io.qshampoo.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV reading, and the page: commands, inline plots, tables (escaped, cut after MAX_ROWS), relative links. */
class HtmlReportTest {

    @TempDir
    Path dir;

    @Test
    void csvReadsWhatRfc4180Writes() {
        assertEquals(List.of(List.of("a", "b,c", "say \"hi\""), List.of("1", "", "two\nlines")),
                Csv.parse("a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,,\"two\nlines\"\n"));
        assertEquals(List.of(List.of("x", "y")), Csv.parse("x,y"));
        assertEquals(List.of(), Csv.parse(""));
        assertEquals(List.of(List.of("a", "")), Csv.parse("a,\n"));
        assertThrows(IllegalArgumentException.class, () -> Csv.parse("\"open"));
        assertThrows(IllegalArgumentException.class, () -> Csv.parse("\"a\"b,c"));
    }

    @Test
    void aPageShowsCommandsPlotsAndTables() throws Exception {
        Path a = Files.createDirectories(dir.resolve("out/step one"));
        new LinePlot("t", "x", "y", false).add("s", new double[] {1, 2, 3}, new double[] {1, 4, 9}).writePng(a.resolve("p.png"));
        Files.writeString(a.resolve("small.csv"), "name,value\n<b>,1.5\n\"x,y\",2\nlong,0.0123456789\n");
        StringBuilder big = new StringBuilder("k\n");
        for (int i = 0; i < HtmlReport.MAX_ROWS + 5; i++) {
            big.append(i).append('\n');
        }
        Files.writeString(a.resolve("big.csv"), big);
        Files.writeString(a.resolve("notes.json"), "{}");
        Path b = Files.createDirectories(dir.resolve("out/b"));
        Path page = dir.resolve("out/index.html");
        HtmlReport.write(page, "demo & co", List.of(new HtmlReport.Section("first", "./qshampoo x --a '<1>'", a),
                new HtmlReport.Section("second", "./qshampoo y", b)), List.of("qshampoo test", "Java 17"));
        String h = Files.readString(page);
        assertTrue(h.contains("<title>demo &amp; co</title>"), h);
        assertTrue(h.contains("<a href=\"#s1\">first</a>") && h.contains("<a href=\"#s2\">second</a>"), h);
        assertTrue(h.contains("<pre class=\"command\">$ ./qshampoo x --a &#39;&lt;1&gt;&#39;</pre>"), h);
        assertTrue(h.contains("<img src=\"step%20one/p.png\" alt=\"p.png\">"), h);
        assertTrue(h.contains("<td>&lt;b&gt;</td><td class=\"num\">1.5</td>") && h.contains("<td>x,y</td>"), h);
        assertFalse(h.contains("<b>"), "cell text is escaped");
        assertTrue(h.contains("<td class=\"num\" title=\"0.0123456789\">0.012346</td>"), "rounded, exact in the tooltip: " + h);
        assertTrue(h.contains("First " + HtmlReport.MAX_ROWS + " of " + (HtmlReport.MAX_ROWS + 5) + " rows"), h);
        assertTrue(h.contains("<a href=\"step%20one/notes.json\">notes.json</a>"), h);
        assertTrue(h.contains("Files: none"), "an empty section says so");
        assertTrue(h.contains("<li>Java 17</li>") && h.contains("id=\"self-check\""), h);
    }
}
