package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command runs end to end (about half a minute) and leaves every promised file behind, and a
 * page over all of them that renders in headless Chromium with every image loaded and every table filled.
 */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void demoRunsEveryExperimentAndWritesItsFiles() throws Exception {
        assertEquals(0, Qshampoo.run("demo", "--out", dir.toString()));
        for (String f : new String[] {"tables/tables.txt", "tables/tables.json", "feedback/feedback.txt",
                "feedback/nre-decay-1.png", "sketch/sketch.txt", "memory/memory.csv", "train/results.json", "train/test_accuracy.png"}) {
            Path p = dir.resolve(f);
            assertTrue(Files.size(p) > 0, "missing or empty: " + f);
        }
        String page = Files.readString(dir.resolve("index.html"));
        long pngs;
        try (var files = Files.walk(dir)) {
            pngs = files.filter(f -> f.toString().endsWith(".png")).count();
        }
        assertTrue(pngs >= 4, pngs + " plots");
        assertEquals(pngs, page.split("<img ", -1).length - 1, "every plot is on the demo page");
        for (String step : new String[] {"tables", "feedback", "sketch", "memory", "train"}) {
            assertTrue(page.contains("$ ./qshampoo " + step + " "), "the command of " + step);
            assertTrue(Files.isRegularFile(dir.resolve(step).resolve("index.html")), step + "/index.html");
        }
        assertTrue(page.contains("<img src=\"feedback/nre-decay-1.png\""), page);

        Optional<Path> chromium = HeadlessChromium.find();
        assumeTrue(chromium.isPresent(), "no chromium on the PATH (Debian: apt-get install chromium); "
                + "the page was checked as text only");
        String dom = HeadlessChromium.dumpDom(chromium.get(), dir.resolve("index.html"), dir.resolve("chromium-profile"));
        Matcher m = Pattern.compile("id=\"self-check\"[^>]*data-images=\"(\\d+)/(\\d+)\"[^>]*data-tables=\"(\\d+)/(\\d+)\"")
                .matcher(dom);
        assertTrue(m.find(), "the page's load-time check did not run: " + dom.substring(Math.max(0, dom.length() - 2000)));
        assertEquals(Long.toString(pngs), m.group(2), "images on the page");
        assertEquals(m.group(2), m.group(1), "every image decoded");
        assertTrue(Integer.parseInt(m.group(4)) >= 4, m.group(4) + " tables");
        assertEquals(m.group(4), m.group(3), "every table has rows");
    }
}
