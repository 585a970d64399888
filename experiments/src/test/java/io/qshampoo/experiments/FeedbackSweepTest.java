package io.qshampoo.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.qshampoo.experiments.FeedbackExperiment.Method;
import io.qshampoo.experiments.FeedbackExperiment.Summary;
import io.qshampoo.experiments.FeedbackSweep.Cell;
import io.qshampoo.experiments.FeedbackSweep.Grid;
import io.qshampoo.experiments.FeedbackSweep.Stream;
import io.qshampoo.experiments.FeedbackSweep.StreamResult;
import io.qshampoo.experiments.report.RatioHeatMap;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;

class FeedbackSweepTest {

    private static Grid grid(List<Double> betaEs, List<Integer> bits, List<Double> rotations, int seeds, int steps,
            int burnIn) {
        return new Grid(betaEs, bits, rotations, List.of(0.9), List.of(1.0), seeds, 3, 12, 6, steps, burnIn, 1e-6,
                Mapping.LINEAR_2, BlockLayout.rowSegments(32), 0.95, 2);
    }

    /**
     * The sweep measures what the feedback experiment measures: with no burn-in, a stream's mean NRE of CQ and of
     * CQ+EF at a βₑ equals, to the last bit, the single run's mean NRE on the same settings and seed (the same
     * factor classes, stream and root, summed in the same order).
     */
    @Test
    void aStreamAgreesExactlyWithTheFeedbackExperiment() {
        Grid g = grid(List.of(0.0, 0.9), List.of(3, 4), List.of(0.05), 2, 5, 0);
        FeedbackSweep sweep = new FeedbackSweep(g);
        Stream s = sweep.streams().get(1);
        assertEquals(4, s.seed()); // firstSeed 3, second seed
        StreamResult r = sweep.runStream(s);
        for (int b = 0; b < 2; b++) {
            for (int e = 0; e < 2; e++) {
                FeedbackExperiment.Settings single = new FeedbackExperiment.Settings(12, 6, 5, List.of(1.0), 0.05, 0.9,
                        g.betaEs().get(e), 1e-6, Mapping.LINEAR_2, g.bits().get(b), BlockLayout.rowSegments(32), 0, 0, false,
                        List.of(Method.CQ, Method.CQ_EF), 4, 1);
                List<Summary> sums = new FeedbackExperiment(single).run(line -> { }).get(0).summaries();
                String where = "bits " + g.bits().get(b) + ", βₑ " + g.betaEs().get(e);
                assertEquals(sums.get(0).meanNre(), r.cq()[b], 0.0, where);
                assertEquals(sums.get(1).meanNre(), r.ef()[b][e], 0.0, where);
            }
        }
    }

    /** The burn-in is left out of the mean: the sweep's mean over steps 3–5 is the mean of the single run's curve there. */
    @Test
    void theBurnInIsNotAveraged() {
        Grid g = grid(List.of(0.5, 0.9), List.of(4), List.of(0.05), 2, 5, 2);
        FeedbackSweep sweep = new FeedbackSweep(g);
        StreamResult r = sweep.runStream(sweep.streams().get(0));
        FeedbackExperiment.Settings single = new FeedbackExperiment.Settings(12, 6, 5, List.of(1.0), 0.05, 0.9, 0.9, 1e-6,
                Mapping.LINEAR_2, 4, BlockLayout.rowSegments(32), 0, 0, false, List.of(Method.CQ_EF), 3, 1);
        double[] nre = new FeedbackExperiment(single).run(line -> { }).get(0).curves().get(Method.CQ_EF).nre();
        // Three float64 sums in another order: a few ulps of an NRE of order 0.1, far below 1e-12.
        assertEquals((nre[2] + nre[3] + nre[4]) / 3, r.ef()[0][1], 1e-12);
    }

    /**
     * Cells from given stream results: ratios per seed, their geometric mean and interval, the count of seeds where EF
     * was lower, and every cell's coordinates. Seed 0 has EF/CQ = 0.5, seed 1 has 0.5·e^0.2, seed 2 0.5·e^(−0.2):
     * geometric mean 0.5, s = 0.2, h = t_{2,0.975}·0.2/√3 = 0.4968275, upper = 0.5·e^0.4968275 = 0.821750 below 1.
     */
    @Test
    void cellsAggregateSeedsIntoTheGeometricMeanAndInterval() {
        Grid g = grid(List.of(0.5), List.of(4), List.of(0.0, 0.1), 3, 4, 1);
        FeedbackSweep sweep = new FeedbackSweep(g);
        List<StreamResult> results = new ArrayList<>();
        double[] factor = {1, Math.exp(0.2), Math.exp(-0.2)};
        for (Stream s : sweep.streams()) {
            double cq = 0.1 * (s.seedIndex() + 1);
            // θ = 0: EF halves the error (times the seed's factor); θ = 0.1: EF doubles it on every seed.
            double ef = s.rotation() == 0 ? 0.5 * factor[s.seedIndex()] * cq : 2 * cq;
            results.add(new StreamResult(s, new double[] {cq}, new double[][] {{ef}}, 0));
        }
        List<Cell> cells = sweep.cells(results);
        assertEquals(2, cells.size());
        Cell still = cells.get(0);
        assertEquals(0.0, still.rotation());
        assertEquals(0.5, still.ratio().geometricMean(), 1e-12);
        assertEquals(0.304229, still.ratio().lower(), 1e-6);
        assertEquals(0.821750, still.ratio().upper(), 1e-6);
        assertEquals("helps", still.verdict());
        assertEquals(3, still.efBetter());
        assertEquals(0.2, FeedbackExperiment.mean(still.cqNre()), 1e-12);
        Cell moving = cells.get(1);
        assertEquals(0.1, moving.rotation());
        assertEquals("hurts", moving.verdict());
        assertEquals(0, moving.efBetter());

        results.remove(results.size() - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sweep.cells(results));
        assertTrue(e.getMessage().contains("no result for θ 0.1"), e.getMessage());
    }

    @Test
    void theGridRefusesBadValuesAndSaysWhatItExpected() {
        String[][] cases = {
            {"--beta-e has 1.0; expected values in [0, 1)"},
            {"--bits has 5; expected 3, 4 or 8"},
            {"--seeds is 1; expected >= 2"},
            {"--bits [4, 4] repeats a value"},
            {"--steps is 5 and --burn-in 5"},
        };
        List<Runnable> builds = List.of(
                () -> grid(List.of(1.0), List.of(4), List.of(0.0), 2, 5, 1),
                () -> grid(List.of(0.5), List.of(5), List.of(0.0), 2, 5, 1),
                () -> grid(List.of(0.5), List.of(4), List.of(0.0), 1, 5, 1),
                () -> grid(List.of(0.5), List.of(4, 4), List.of(0.0), 2, 5, 1),
                () -> grid(List.of(0.5), List.of(4), List.of(0.0), 2, 5, 5));
        for (int i = 0; i < cases.length; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builds.get(i)::run);
            assertTrue(e.getMessage().contains(cases[i][0]), e.getMessage());
        }
    }

    /**
     * The work bound: n = 4096, 1000 steps, 2 seeds, one βₑ and one width (3 factors) is 2 streams × 1000 × 3 ×
     * (12·4096³ + 2·4096²·4096) = 5.8e15 flops, 290× the limit; refused before anything is built, naming both.
     */
    @Test
    void anAbsurdGridIsRefusedWithItsNeedAndTheLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Grid(List.of(0.5), List.of(4),
                List.of(0.0), List.of(0.9), List.of(1.0), 2, 0, 4096, 4096, 1000, 10, 1e-6, Mapping.LINEAR_2,
                BlockLayout.DEFAULT, 0.95, 1));
        assertTrue(e.getMessage().contains("needs about 5.8e+15") && e.getMessage().contains("the limit is 2e+13"),
                e.getMessage());
    }

    /** Files of a two-stream sweep; the heat map's outlined cells are exactly the cells whose interval is below 1. */
    @Test
    void writesCsvJsonTextAndOneHeatMapPerWidth(@TempDir Path dir) throws Exception {
        Grid g = grid(List.of(0.0, 0.9), List.of(4, 8), List.of(0.05), 2, 6, 2);
        FeedbackSweep sweep = new FeedbackSweep(g);
        List<StreamResult> results = sweep.run(line -> { });
        List<Cell> cells = sweep.cells(results);
        String text = FeedbackSweepOutput.text(g, cells);
        assertTrue(text.contains("4-bit, decay α = 1") && text.contains("β 0.9, θ 0.05") && text.contains("βₑ 0.9"), text);
        List<Path> files = FeedbackSweepOutput.write(dir, g, results, cells, text);
        assertEquals(4 + 2, files.size());
        assertEquals(1 + 4, Files.readAllLines(dir.resolve("feedback-sweep.csv")).size()); // 2 widths × 2 βₑ
        assertEquals(1 + 2 * 2 * 3, Files.readAllLines(dir.resolve("feedback-sweep-streams.csv")).size()); // seeds × widths × (cq + 2)
        BufferedImage img = ImageIO.read(dir.resolve("sweep-bits-8.png").toFile());
        assertTrue(img.getWidth() > 200 && img.getHeight() > 100);
        List<RatioHeatMap.Panel> panels = FeedbackSweepOutput.panels(g, cells, 8);
        assertEquals(1, panels.size());
        for (int e = 0; e < 2; e++) {
            Cell c = FeedbackSweepOutput.find(cells, 8, g.betaEs().get(e), 0.05, 0.9, 1.0);
            assertEquals(c.ratio().below1(), panels.get(0).marked()[0][e]);
            assertEquals(c.ratio().geometricMean(), panels.get(0).values()[0][e]);
        }
    }
}
