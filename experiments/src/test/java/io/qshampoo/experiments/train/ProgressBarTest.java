package io.qshampoo.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static final TrainResult.Epoch EPOCH = new TrainResult.Epoch(1, 400, 0.5, 0.45, 0.8712, 2048,
            Map.of("momentum", 2040L, "scalars", 8L), 12.5, 0.5, 0);

    private static String drive(boolean tty) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), tty);
        bar.optimizerStarted("AdamW", 1, 8, 5, 400);
        for (int s = 1; s <= 400; s++) {
            bar.stepDone(1, s, 400, 0.5);
        }
        bar.evaluating(1);
        bar.epochDone(EPOCH);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainModeWritesWholeLinesOnly() {
        String out = drive(false);
        assertFalse(out.contains("\r"), out);
        String[] lines = out.split("\n");
        assertEquals(5, lines.length, out); // start, 25 %, 50 %, 75 %, epoch summary
        assertEquals("[2/8] AdamW: 5 epochs × 400 steps", lines[0]);
        assertTrue(lines[2].contains("epoch 1/5: 50% (200/400 steps), loss 0.5000"), lines[2]);
        assertEquals("[2/8] AdamW  epoch 1/5: train loss 0.5000, test loss 0.4500, test accuracy 87.12%, state 2.00 KiB, "
                + "12.5 s (+ 0.5 s eval)", lines[4]);
    }

    @Test
    void terminalModeRedrawsOneLineAndKeepsTheEpochSummary() {
        String out = drive(true);
        assertTrue(out.contains("\r[2/8] AdamW  epoch 1/5 [########################] 100% 400/400"), out);
        assertTrue(out.endsWith("12.5 s (+ 0.5 s eval)" + System.lineSeparator())
                || out.stripTrailing().endsWith("12.5 s (+ 0.5 s eval)"), out);
        assertEquals(1, out.split("\n", -1).length - 1, "one newline, after the epoch summary");
    }

    @Test
    void secondsAreReadable() {
        assertEquals("12.5 s", ProgressBar.seconds(12.5));
        assertEquals("2m05s", ProgressBar.seconds(125));
        assertEquals("1h01m", ProgressBar.seconds(3700));
    }
}
