package io.qshampoo.experiments.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a training run on stderr, per optimizer and epoch. On a terminal: one line redrawn in
 * place (carriage return) at most ten times a second, with a bar, the step count, the running loss,
 * the elapsed time and an estimate of the epoch's remaining time; a summary line stays after each
 * epoch. In plain mode (for logs; {@code train --progress plain}): whole lines only — one when an optimizer
 * starts, one at each quarter of a long epoch (at least 100 steps), and the epoch summary. {@code train}'s
 * default picks the bar on a terminal and no progress at all otherwise.
 *
 * <p><b>Why not {@code me.tongfei:progressbar}.</b> Weighed against it (0.9.5, the maintained JVM progress bar),
 * this class stays: (1) what is drawn is a {@link TrainListener} — epoch summaries that stay on screen, an
 * "evaluating" phase, an optimizer's failure, the plain-lines mode — which that library's step/max/extra-message
 * model does not cover, so an adapter of about this size would remain; (2) that library depends on the whole of
 * JLine 3 ({@code org.jline:jline}) for terminal detection and width, which would go into the shaded command jar
 * to redraw one line, where {@link System#console()} and a fixed width suffice; (3) output goes to any
 * {@link PrintStream} with the mode given, so the tests drive it deterministically ({@code ProgressBarTest}).
 */
public final class ProgressBar implements TrainListener {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean tty;
    private String prefix = "";
    private int epochs;
    private long epochStart;
    private long lastDraw;
    private int lastQuarter;
    private int drawnLength;

    /**
     * @param out where to write (stderr in the command)
     * @param tty true: redraw one line in place (a terminal); false: whole lines only
     */
    public ProgressBar(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    @Override
    public void optimizerStarted(String label, int index, int count, int epochs, int stepsPerEpoch) {
        this.prefix = "[" + (index + 1) + "/" + count + "] " + label;
        this.epochs = epochs;
        this.epochStart = 0;
        if (!tty) {
            out.println(prefix + ": " + epochs + " epochs × " + stepsPerEpoch + " steps");
            out.flush();
        }
    }

    @Override
    public void stepDone(int epoch, int step, int stepsPerEpoch, double runningLoss) {
        long now = System.nanoTime();
        if (step == 1) {
            epochStart = now;
            lastQuarter = 0;
        }
        double elapsed = (now - epochStart) / 1e9;
        if (tty) {
            if (now - lastDraw < REDRAW_NANOS && step != stepsPerEpoch) {
                return;
            }
            lastDraw = now;
            int filled = (int) ((long) WIDTH * step / stepsPerEpoch);
            double eta = step > 1 ? elapsed / step * (stepsPerEpoch - step) : Double.NaN;
            String line = String.format(Locale.ROOT, "%s  epoch %d/%d [%s%s] %3d%% %d/%d  loss %.4f  %s  eta %s",
                    prefix, epoch, epochs, "#".repeat(filled), ".".repeat(WIDTH - filled), 100L * step / stepsPerEpoch,
                    step, stepsPerEpoch, runningLoss, seconds(elapsed), Double.isNaN(eta) ? "?" : seconds(eta));
            draw(line);
        } else if (stepsPerEpoch >= 100) {
            int quarter = (int) (4L * step / stepsPerEpoch);
            if (quarter > lastQuarter && quarter < 4) {
                lastQuarter = quarter;
                out.printf(Locale.ROOT, "%s  epoch %d/%d: %d%% (%d/%d steps), loss %.4f, %s%n", prefix, epoch, epochs,
                        25 * quarter, step, stepsPerEpoch, runningLoss, seconds(elapsed));
                out.flush();
            }
        }
    }

    @Override
    public void evaluating(int epoch) {
        if (tty) {
            draw(prefix + "  epoch " + epoch + "/" + epochs + "  evaluating on the test set…");
        }
    }

    @Override
    public void epochDone(TrainResult.Epoch r) {
        String line = String.format(Locale.ROOT, "%s  epoch %d/%d: train loss %.4f, test loss %.4f, test accuracy %.2f%%, "
                + "state %s, %s (+ %s eval)", prefix, r.epoch(), epochs, r.trainLoss(), r.testLoss(), 100 * r.testAccuracy(),
                TrainReport.bytes(r.stateBytes()), seconds(r.trainSeconds()), seconds(r.evalSeconds()));
        if (tty) {
            draw(line);
            out.println();
            drawnLength = 0;
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void optimizerDone(TrainResult result) {
        if (result.failure() != null) {
            if (tty && drawnLength > 0) {
                out.println();
                drawnLength = 0;
            }
            out.println(prefix + ": " + result.failure());
            out.flush();
        }
    }

    @Override
    public void error(RuntimeException e) {
        if (tty && drawnLength > 0) {
            out.println();
            drawnLength = 0;
        }
        e.printStackTrace(out);
    }

    private void draw(String line) {
        int pad = Math.max(0, drawnLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        drawnLength = line.length();
    }

    static String seconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long t = Math.round(s);
        return t < 3600 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60)
                : String.format(Locale.ROOT, "%dh%02dm", t / 3600, t % 3600 / 60);
    }
}
