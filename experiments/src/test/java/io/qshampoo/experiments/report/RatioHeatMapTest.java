package io.qshampoo.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatioHeatMapTest {

    /** The colour scale: white at 1, the end colours at ½ and 2 and beyond, grey for no value. */
    @Test
    void heatMapColoursAreDivergingAroundOne() {
        assertEquals(Color.WHITE, RatioHeatMap.color(1.0));
        assertEquals(new Color(0x2166ac), RatioHeatMap.color(0.5));
        assertEquals(new Color(0x2166ac), RatioHeatMap.color(0.1));
        assertEquals(new Color(0xb2182b), RatioHeatMap.color(2.0));
        assertEquals(Color.LIGHT_GRAY, RatioHeatMap.color(Double.NaN));
        Color mid = RatioHeatMap.color(Math.sqrt(2)); // halfway on the log scale: halfway from white to red
        assertEquals(Math.round(255 + 0.5 * (0xb2 - 255)), mid.getRed());
    }

    /** Two panels side by side: wider than one; a panel whose shape disagrees with its labels is refused. */
    @Test
    void panelsSitSideBySideAndShapesAreChecked(@TempDir Path dir) throws Exception {
        RatioHeatMap.Panel p = new RatioHeatMap.Panel("p", List.of("a", "b"), List.of("r"), new double[][] {{0.5, 2}},
                new boolean[][] {{true, false}});
        RatioHeatMap.writePng(dir.resolve("one.png"), "t", "x", "y", "l", List.of(p));
        RatioHeatMap.writePng(dir.resolve("two.png"), "t", "x", "y", "l", List.of(p, p));
        BufferedImage one = ImageIO.read(dir.resolve("one.png").toFile());
        BufferedImage two = ImageIO.read(dir.resolve("two.png").toFile());
        assertTrue(two.getWidth() > one.getWidth() + 100, one.getWidth() + " and " + two.getWidth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RatioHeatMap.Panel("p",
                List.of("a", "b"), List.of("r"), new double[][] {{0.5}}, new boolean[][] {{true}}));
        assertTrue(e.getMessage().contains("row 0 has 1 values"), e.getMessage());
    }
}
