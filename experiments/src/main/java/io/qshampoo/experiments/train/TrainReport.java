package io.qshampoo.experiments.train;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.qshampoo.experiments.report.LinePlot;

/**
 * The outputs of a training run: an aligned text table (final epoch per optimizer), a CSV with one row
 * per optimizer and epoch, a JSON file with the settings and every record, and PNG curves (test accuracy
 * and training loss against epochs, test accuracy against training time).
 *
 * @param dataset     the data
 * @param layerSizes  the MLP's layer sizes
 * @param parameters  its number of parameters
 * @param config      the trainer settings
 * @param settings    the optimizers' shared settings
 * @param results     one per optimizer, in run order
 * @param commandLine how the run was started, for the record
 * @param kernels     the dense-kernels backend that ran and its threads (e.g. {@code openblas, 1 thread})
 */
public record TrainReport(Dataset dataset, int[] layerSizes, long parameters, Trainer.Config config,
        Optimizers.Settings settings, List<TrainResult> results, String commandLine, String kernels) {

    /** File names written by {@link #writeFiles}. */
    public static final String CSV = "results.csv";
    public static final String JSON = "results.json";
    public static final String ACCURACY_PNG = "test_accuracy.png";
    public static final String LOSS_PNG = "train_loss.png";
    public static final String ACCURACY_TIME_PNG = "test_accuracy_vs_time.png";

    /** Writes CSV, JSON and PNGs into {@code dir} (created if needed); returns the files written. */
    public List<Path> writeFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        files.add(writeCsv(dir.resolve(CSV)));
        files.add(writeJson(dir.resolve(JSON)));
        files.addAll(writePlots(dir));
        return files;
    }

    /** "MLP 784-256-10". */
    public String modelName() {
        StringBuilder sb = new StringBuilder("MLP ");
        for (int i = 0; i < layerSizes.length; i++) {
            sb.append(i == 0 ? "" : "-").append(layerSizes[i]);
        }
        return sb.toString();
    }

    private String datasetTitle() {
        return dataset.name().equals("fashion-mnist") ? "Fashion-MNIST" : "UCI digits";
    }

    Path writeCsv(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("dataset,optimizer,label,base,lr,epoch,steps,train_loss,test_loss,test_accuracy,state_bytes,"
                    + "train_seconds,eval_seconds,root_failures,failure\n");
            for (TrainResult r : results) {
                for (TrainResult.Epoch e : r.epochs()) {
                    boolean last = e == r.last();
                    w.write(String.join(",", dataset.name(), r.id(), csv(r.label()), r.base(), num(r.learningRate()),
                            Integer.toString(e.epoch()), Long.toString(e.steps()), num(e.trainLoss()), num(e.testLoss()),
                            num(e.testAccuracy()), Long.toString(e.stateBytes()), num(e.trainSeconds()),
                            num(e.evalSeconds()), Integer.toString(e.rootFailures()),
                            last && r.failure() != null ? csv(r.failure()) : ""));
                    w.write('\n');
                }
                if (r.epochs().isEmpty()) {
                    w.write(String.join(",", dataset.name(), r.id(), csv(r.label()), r.base(), num(r.learningRate()),
                            "0", "0", "", "", "", "", "", "", Integer.toString(r.rootFailures()),
                            csv(String.valueOf(r.failure()))));
                    w.write('\n');
                }
            }
        }
        return file;
    }

    Path writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", commandLine);
        root.put("kernels", kernels);
        Map<String, Object> ds = new LinkedHashMap<>();
        ds.put("name", dataset.name());
        ds.put("source", dataset.source());
        ds.put("split", dataset.split());
        ds.put("train_examples", dataset.trainSize());
        ds.put("test_examples", dataset.testSize());
        ds.put("features", dataset.features());
        ds.put("classes", dataset.classes());
        root.put("dataset", ds);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("layers", layerSizes);
        model.put("parameters", parameters);
        model.put("activation", "relu");
        model.put("loss", "softmax cross-entropy (mean over the batch)");
        model.put("init", "hidden layers He normal N(0, 2/fan_in), output layer Glorot uniform, biases 0");
        root.put("model", model);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("epochs", config.epochs());
        run.put("batch", config.batch());
        run.put("seed", config.seed());
        run.put("momentum", settings.momentum());
        run.put("weight_decay", settings.weightDecay());
        run.put("shampoo_base", settings.shampooBase());
        run.put("t1", settings.t1());
        run.put("t2", settings.t2());
        run.put("sketch_rank", settings.sketchRank());
        run.put("max_root_failures", settings.maxRootFailures());
        if (results.stream().anyMatch(r -> Optimizers.hasErrorFeedback(r.id()))) {
            run.put("beta_e", settings.betaE()); // only with an error state (cq+ef, eigen4+ef)
        }
        root.put("settings", run);
        List<Object> opts = new ArrayList<>();
        for (TrainResult r : results) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", r.id());
            o.put("label", r.label());
            o.put("base", r.base());
            o.put("lr", r.learningRate());
            o.put("failure", r.failure());
            TrainResult.Epoch last = r.last();
            o.put("final_test_accuracy", last == null ? null : last.testAccuracy());
            o.put("best_test_accuracy", last == null ? null : r.bestAccuracy());
            o.put("state_bytes", last == null ? null : last.stateBytes());
            o.put("train_seconds", r.trainSeconds());
            o.put("root_failures", r.rootFailures());
            o.put("epochs", r.epochs());
            opts.add(o);
        }
        root.put("optimizers", opts);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
        return file;
    }

    List<Path> writePlots(Path dir) throws IOException {
        String title = datasetTitle() + ", " + modelName() + ", batch " + config.batch();
        LinePlot acc = new LinePlot(title + ": test accuracy", "epoch (passes over the " + dataset.trainSize()
                + " training examples)", "test accuracy (%)", false);
        boolean logLoss = useLogScale(results);
        LinePlot loss = new LinePlot(title + ": training loss", "epoch (passes over the " + dataset.trainSize()
                + " training examples)", "training loss (mean cross-entropy per example, nats" + (logLoss ? "; log scale)"
                : ")"), logLoss);
        LinePlot time = new LinePlot(title + ": test accuracy against training time", "training wall time (s)",
                "test accuracy (%)", false);
        int series = 0;
        for (TrainResult r : results) {
            int n = r.epochs().size();
            if (n == 0) {
                continue;
            }
            double[] ep = new double[n];
            double[] a = new double[n];
            double[] l = new double[n];
            double[] t = new double[n];
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                TrainResult.Epoch e = r.epochs().get(i);
                ep[i] = e.epoch();
                a[i] = 100 * e.testAccuracy();
                l[i] = e.trainLoss();
                cumulative += e.trainSeconds();
                t[i] = cumulative;
            }
            String name = r.label() + (r.failure() != null ? " (stopped)" : "");
            acc.add(name, ep, a);
            loss.add(name, ep, l);
            time.add(name, t, a);
            series++;
        }
        List<Path> files = new ArrayList<>();
        if (series > 0) {
            acc.writePng(dir.resolve(ACCURACY_PNG));
            loss.writePng(dir.resolve(LOSS_PNG));
            time.writePng(dir.resolve(ACCURACY_TIME_PNG));
            files.add(dir.resolve(ACCURACY_PNG));
            files.add(dir.resolve(LOSS_PNG));
            files.add(dir.resolve(ACCURACY_TIME_PNG));
        }
        return files;
    }

    /**
     * Whether the training-loss axis should be logarithmic: only when the losses span at least two decades
     * (max/min ≥ 100), so that at least two powers of ten — the only values XChart labels on a log axis —
     * fall inside the range; a narrower range gets a linear axis with ordinary tick labels.
     */
    static boolean useLogScale(List<TrainResult> results) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (TrainResult r : results) {
            for (TrainResult.Epoch e : r.epochs()) {
                double l = e.trainLoss();
                if (l > 0 && Double.isFinite(l)) {
                    min = Math.min(min, l);
                    max = Math.max(max, l);
                }
            }
        }
        return max > 0 && max / min >= 100;
    }

    /** The aligned results table: one row per optimizer, at its last completed epoch. */
    public String table() {
        String[] head = {"optimizer", "lr", "test acc", "best acc", "train loss", "test loss", "state bytes", "state",
                "s/epoch", "train s", "root fail", "note"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        List<String> notes = new ArrayList<>();
        for (TrainResult r : results) {
            String note = "";
            if (r.failure() != null) {
                notes.add(r.label() + ": " + r.failure());
                note = "stopped after " + r.epochs().size() + " of " + config.epochs() + " epochs [" + notes.size() + "]";
            }
            TrainResult.Epoch e = r.last();
            int n = r.epochs().size();
            rows.add(new String[] {r.label(), num(r.learningRate()),
                    e == null ? "-" : pct(e.testAccuracy()), e == null ? "-" : pct(r.bestAccuracy()),
                    e == null ? "-" : f4(e.trainLoss()), e == null ? "-" : f4(e.testLoss()),
                    e == null ? "-" : String.format(Locale.ROOT, "%,d", e.stateBytes()),
                    e == null ? "-" : bytes(e.stateBytes()),
                    n == 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.trainSeconds() / n),
                    String.format(Locale.ROOT, "%.1f", r.trainSeconds()), Integer.toString(r.rootFailures()), note});
        }
        int cols = head.length;
        int[] w = new int[cols];
        for (String[] row : rows) {
            for (int c = 0; c < cols; c++) {
                w[c] = Math.max(w[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                boolean left = c == 0 || c == cols - 1;
                String cell = row[c];
                String pad = " ".repeat(w[c] - cell.length());
                line.append(c == 0 ? "" : "  ").append(left ? cell + pad : pad + cell);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (i == 0) {
                sb.append("-".repeat(line.toString().stripTrailing().length())).append('\n');
            }
        }
        for (int i = 0; i < notes.size(); i++) {
            sb.append('[').append(i + 1).append("] ").append(notes.get(i)).append('\n');
        }
        return sb.toString();
    }

    /** Human-readable size: "812 B", "1.51 KiB", "5.96 MiB". */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2f KiB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MiB", b / (1024.0 * 1024));
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * x);
    }

    private static String f4(double x) {
        return String.format(Locale.ROOT, Math.abs(x) < 1e5 ? "%.4f" : "%.3e", x);
    }

    private static String num(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "NaN";
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
