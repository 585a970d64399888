package io.qshampoo.experiments.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {

    @TempDir
    Path dir;

    @Test
    void writesAReadablePng() throws Exception {
        Path f = dir.resolve("sub/plot.png");
        new LinePlot("NRE of the inverse 4th root", "step", "NRE (%)", true)
                .add("CQ", new double[] {1, 2, 3}, new double[] {10, 5, 2.5})
                .add("VQ", new double[] {1, 2, 3}, new double[] {30, 0, 20})
                .writePng(f);
        BufferedImage img = ImageIO.read(f.toFile());
        assertTrue(img.getWidth() == 900 && img.getHeight() == 560);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(Files.readAllBytes(f), 4));
    }

    @Test
    void rejectsMismatchedSeries() {
        assertThrows(IllegalArgumentException.class,
                () -> new LinePlot("t", "x", "y", false).add("s", new double[] {1, 2}, new double[] {1}));
    }
}
