package io.qshampoo.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.qshampoo.experiments.train.Dataset;
import io.qshampoo.experiments.train.Datasets;
import io.qshampoo.experiments.train.Optimizers;
import io.qshampoo.experiments.train.ProgressBar;
import io.qshampoo.experiments.train.TrainListener;
import io.qshampoo.experiments.train.TrainReport;
import io.qshampoo.experiments.train.TrainResult;
import io.qshampoo.experiments.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo train}: trains an MLP on Fashion-MNIST or the UCI digits with SGD-M, AdamW and every
 * Shampoo variant under the same settings, and reports accuracy, loss, optimizer-state bytes and time.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an MLP (ReLU, softmax cross-entropy) with SGD-M, AdamW and every Shampoo variant "
                + "(fp32, vq, cq, cq+ef, eigen4, eigen4+ef, sketchy, sketchy4) on the same data, initialisation and batch "
                + "order; report "
                + "per epoch the training loss, test accuracy, optimizer-state bytes and wall time.",
                "",
                "Shampoo variants run on one of the baselines as base optimizer (--shampoo-base, default sgdm), "
                + "with the baseline's hyper-parameters and SGD grafting per block, so their step has the gradient's "
                + "norm and the baseline's learning rate applies.",
                "Default learning rates: SGD-M and Shampoo on SGD-M 0.05, AdamW and Shampoo on AdamW 0.001.",
                "",
                "Fashion-MNIST defaults: MLP 784-256-10, 5 epochs, batch 128, T1 10, T2 50, sketch rank 128 "
                + "(one full run of every optimizer takes about an hour on 2 cores; most of it is Shampoo).",
                "Digits defaults: MLP 64-64-10, 20 epochs, batch 32, T1 5, T2 25, sketch rank 16 (seconds).",
                ""},
        footer = {"", "Examples:",
                "  qshampoo train --dataset digits",
                "  qshampoo train --optimizers adamw,fp32,cq+ef --epochs 3",
                "  qshampoo train --dataset digits --lr sgdm=0.1,shampoo=0.1 --seed 7",
                "  qshampoo train --dataset digits --shampoo-base adamw --out /tmp/digits-adamw",
                "", "Exit codes: 0 done, 1 an optimizer failed with an error, 2 bad options or data."})
public final class TrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "fashion-mnist",
            description = "fashion-mnist or digits (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the data files: Fashion-MNIST's four "
            + "IDX files (train-images-idx3-ubyte.gz, …; gzipped or not; default "
            + "/usr/share/datasets/fashion-mnist, Debian package dataset-fashion-mnist), or digits.csv(.gz) "
            + "(default: the copy inside qshampoo).")
    Path data;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set (default 5; digits 20).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Mini-batch size (default 128; digits 32).")
    Integer batch;

    @Option(names = "--hidden", paramLabel = "N", split = ",", description = "Hidden-layer sizes, comma-separated "
            + "(default 256; digits 64).")
    List<Integer> hidden;

    @Option(names = "--optimizers", paramLabel = "LIST", split = ",", description = "Which optimizers, in this order "
            + "(default all: sgdm,adamw,fp32,vq,cq,cq+ef,eigen4,eigen4+ef,sketchy,sketchy4).")
    List<String> optimizers;

    @Option(names = "--lr", paramLabel = "SPEC", split = ",", description = "Learning rates: one number for all, or "
            + "KEY=VALUE pairs where KEY is an optimizer id, 'shampoo' (every Shampoo variant) or 'all', "
            + "e.g. sgdm=0.1,adamw=0.002,shampoo=0.1. Unset ones take the defaults above.")
    List<String> lr;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the initialisation and the "
            + "batch order; the same seed gives identical results (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--t1", paramLabel = "N", description = "Shampoo statistics interval T1 in steps (default 10; digits 5).")
    Integer t1;

    @Option(names = "--t2", paramLabel = "N", description = "Shampoo inverse-root interval T2 in steps (default 50; digits 25).")
    Integer t2;

    @Option(names = "--shampoo-base", paramLabel = "ID", defaultValue = "sgdm", description = "Base optimizer of the "
            + "Shampoo variants: sgdm or adamw (default: ${DEFAULT-VALUE}).")
    String shampooBase;

    @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0", description = "Weight decay: L2 for "
            + "SGD-M, decoupled for AdamW (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--sketch-rank", paramLabel = "L", description = "Sketchy FD buffer size ℓ, ℓ − 1 directions "
            + "kept under qshampoo's conventions (default 128; digits 16). The official code's rank r keeps r "
            + "directions, a buffer of r + 1.")
    Integer sketchRank;

    @Option(names = "--beta-e", paramLabel = "BE", defaultValue = "0.95", description = "Error-feedback βₑ of cq+ef "
            + "and eigen4+ef (Li et al. Eq. 11), in [0, 1); 0 carries the whole quantization residual (default: "
            + "${DEFAULT-VALUE}).")
    double betaE;

    @Option(names = "--max-root-failures", paramLabel = "N", defaultValue = "3", description = "A Shampoo factor whose "
            + "inverse root fails N times in a row stops that optimizer; until then the previous root is kept "
            + "(default: ${DEFAULT-VALUE}, the library default).")
    int maxRootFailures;

    @Option(names = "--train-limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N training "
            + "examples (0: all), for quick looks.")
    int trainLimit;

    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N test "
            + "examples (0: all).")
    int testLimit;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "qshampoo-out/train", description = "Output directory "
            + "for results.csv, results.json and the PNG curves (default: ./${DEFAULT-VALUE}/).")
    Path out;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto", description = "Progress on stderr: auto "
            + "(a bar on a terminal, nothing otherwise), bar, plain (whole lines, for logs) or none (default: ${DEFAULT-VALUE}).")
    String progress;

    /** Per-dataset defaults. */
    private record Defaults(int epochs, int batch, int hidden, int t1, int t2, int sketchRank) {
    }

    private static Defaults defaultsFor(String dataset) {
        return dataset.equals("digits") ? new Defaults(20, 32, 64, 5, 25, 16) : new Defaults(5, 128, 256, 10, 50, 128);
    }

    /** Everything the options determine, validated. */
    private record Plan(List<String> ids, Trainer.Config config, Optimizers.Settings settings, Map<String, Double> rates,
            TrainListener listener) {
    }

    @Mixin
    KernelsOption kernels = new KernelsOption();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Plan plan;
        KernelsOption.Scope k;
        try {
            plan = plan();
            k = kernels.apply();
        } catch (IllegalArgumentException e) {
            err.println("qshampoo train: " + e.getMessage() + " (see qshampoo train --help)");
            err.flush();
            return 2;
        }
        try (k) {
            return run(plan, k.selection().describe());
        }
    }

    private Plan plan() {
        if (!dataset.equals("fashion-mnist") && !dataset.equals("digits")) {
            throw new IllegalArgumentException("--dataset is '" + dataset + "'; expected fashion-mnist or digits");
        }
        Defaults d = defaultsFor(dataset);
        List<String> ids = new ArrayList<>();
        for (String id : optimizers == null ? Optimizers.ALL : optimizers) {
            String t = id.trim();
            if (ids.contains(Optimizers.check(t))) {
                throw new IllegalArgumentException("--optimizers names '" + t + "' twice; expected each at most once");
            }
            ids.add(t);
        }
        int[] hiddenSizes = (hidden == null ? List.of(d.hidden()) : hidden).stream().mapToInt(Integer::intValue).toArray();
        for (int h : hiddenSizes) {
            positive("--hidden", h);
        }
        Trainer.Config config = new Trainer.Config(hiddenSizes, positive("--epochs", epochs == null ? d.epochs() : epochs),
                positive("--batch", batch == null ? d.batch() : batch), seed, 1000);
        Optimizers.Settings settings = new Optimizers.Settings(momentum, weightDecay, shampooBase,
                positive("--t1", t1 == null ? d.t1() : t1), positive("--t2", t2 == null ? d.t2() : t2),
                positive("--sketch-rank", sketchRank == null ? d.sketchRank() : sketchRank),
                positive("--max-root-failures", maxRootFailures), betaE(betaE));
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("--momentum is " + momentum + "; expected 0 <= mu < 1");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("--weight-decay is " + weightDecay + "; expected a finite value >= 0");
        }
        if (trainLimit < 0 || testLimit < 0) {
            throw new IllegalArgumentException("--train-limit is " + trainLimit + " and --test-limit " + testLimit
                    + "; expected values >= 0 (0: no limit)");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--beta-e")
                && ids.stream().noneMatch(Optimizers::hasErrorFeedback)) {
            throw new IllegalArgumentException("--beta-e is given but --optimizers " + String.join(",", ids) + " has no "
                    + "cq+ef or eigen4+ef; expected one of them (βₑ means nothing to the others)");
        }
        requireFits(dataset.equals("digits") ? 64 : 784, hiddenSizes, config.batch());
        requireEpochRecordsFit(config.epochs(), ids.size());
        CommandSupport.requireOutputDirectory(out);
        Map<String, Double> rates = learningRates(ids, settings);
        TrainListener listener = switch (progress) {
            case "auto" -> CommandSupport.onTerminal() ? new ProgressBar(System.err, true) : TrainListener.NONE;
            case "bar" -> new ProgressBar(System.err, true);
            case "plain" -> new ProgressBar(System.err, false);
            case "none" -> TrainListener.NONE;
            default -> throw new IllegalArgumentException("--progress is '" + progress + "'; expected auto, bar, plain or none");
        };
        return new Plan(List.copyOf(ids), config, settings, rates, listener);
    }

    private int run(Plan plan, String kernelsUsed) {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        Trainer.Config config = plan.config();
        Optimizers.Settings settings = plan.settings();

        Dataset ds;
        try {
            ds = Datasets.load(dataset, data).limit(trainLimit, testLimit);
        } catch (NoSuchFileException e) {
            String hint = dataset.equals("fashion-mnist") && !String.valueOf(e.getMessage()).contains("dataset-fashion-mnist")
                    ? " (Fashion-MNIST: install the Debian package dataset-fashion-mnist, or pass --data DIR)" : "";
            err.println("qshampoo train: " + e.getMessage() + hint);
            err.flush();
            return 2;
        } catch (IOException e) {
            err.println("qshampoo train: cannot read the " + dataset + " data: " + e.getMessage());
            err.flush();
            return 2;
        }
        Trainer trainer = new Trainer(ds, config);
        err.printf(Locale.ROOT, "qshampoo train: %s (%s), %d train / %d test examples; MLP %s; %d epochs, batch %d, seed %d; "
                + "Shampoo base %s, T1 %d, T2 %d; kernels %s%n", ds.name(), ds.split(), ds.trainSize(), ds.testSize(),
                sizes(trainer.layerSizes()), config.epochs(), config.batch(), seed, settings.shampooBase(), settings.t1(),
                settings.t2(), kernelsUsed);
        err.flush();
        List<TrainResult> results = trainer.run(plan.ids(), plan.rates(), settings, plan.listener());
        long parameters = 0;
        int[] sizes = trainer.layerSizes();
        for (int l = 0; l + 1 < sizes.length; l++) {
            parameters += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        TrainReport report = new TrainReport(ds, sizes, parameters, config, settings, results,
                ExperimentPage.commandLine(spec), kernelsUsed);
        stdout.println();
        stdout.printf(Locale.ROOT, "%s, %s (%,d parameters), %d epochs, batch %d, seed %d — test accuracy after the last "
                + "epoch; state = optimizer state; s/epoch = training time without evaluation%n", ds.name(),
                report.modelName(), parameters, config.epochs(), config.batch(), seed);
        stdout.print(report.table());
        stdout.flush();
        try {
            Path dir = out.toAbsolutePath().normalize();
            List<Path> files = new java.util.ArrayList<>(report.writeFiles(dir));
            files.add(ExperimentPage.write(spec, dir, "Training " + report.modelName() + " on " + ds.name()
                    + " with every optimizer"));
            stdout.println();
            stdout.println("Wrote " + files.size() + " files to " + dir + ":");
            for (Path f : files) {
                stdout.println("  " + f.getFileName());
            }
        } catch (IOException e) {
            err.println("qshampoo train: cannot write the results to " + out + ": " + e);
            err.flush();
            return 2;
        }
        stdout.flush();
        return results.stream().anyMatch(TrainResult::error) ? 1 : 0;
    }

    /** Parses --lr into a rate per optimizer id (only those given; the trainer defaults the rest). */
    private Map<String, Double> learningRates(List<String> ids, Optimizers.Settings settings) {
        Map<String, Double> rates = new LinkedHashMap<>();
        if (lr == null) {
            return rates;
        }
        Map<String, Double> byKey = new LinkedHashMap<>();
        for (String item : lr) {
            String s = item.trim();
            int eq = s.indexOf('=');
            String key = eq < 0 ? "all" : s.substring(0, eq).trim();
            String value = eq < 0 ? s : s.substring(eq + 1).trim();
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--lr '" + s + "': '" + value + "' is not a number");
            }
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("--lr '" + s + "': expected a finite learning rate >= 0");
            }
            if (!key.equals("all") && !key.equals("shampoo")) {
                Optimizers.check(key);
            }
            byKey.put(key, v);
        }
        for (String id : ids) {
            Double v = byKey.get(id);
            if (v == null && Optimizers.isShampoo(id)) {
                v = byKey.get("shampoo");
            }
            if (v == null) {
                v = byKey.get("all");
            }
            if (v != null) {
                rates.put(id, v);
            }
        }
        return rates;
    }

    /**
     * Refuses a network whose least memory exceeds the heap, before anything is allocated: float64 weights and
     * their gradients (16 bytes a parameter) and the mini-batch's activations and their gradients (16 bytes per
     * batch row and unit). A lower bound, so a refusal is never wrong.
     */
    private static void requireFits(int inputs, int[] hidden, int batch) {
        double params = 0;
        double units = inputs;
        int previous = inputs;
        for (int h : hidden) {
            params += ((double) previous + 1) * h;
            units += h;
            previous = h;
        }
        params += ((double) previous + 1) * 10;
        units += 10;
        CommandSupport.requireHeap(String.format(java.util.Locale.ROOT, "--hidden %s with --batch %d (%,.0f parameters "
                + "and their gradients, the batch's activations)", java.util.Arrays.toString(hidden), batch, params),
                16 * params + 16 * units * batch);
    }

    private static double betaE(double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException("--beta-e is " + v + "; expected a value in [0, 1)");
        }
        return v;
    }

    /**
     * Every optimizer keeps one record per epoch (losses, accuracy, state bytes, times) for the report: at least
     * {@value #EPOCH_RECORD_BYTES} bytes each (the record object's header and fields, without its per-factor map), all
     * optimizers' at once by the end. Refused before training when they exceed the heap; a run that fits shows
     * its progress (--progress).
     */
    static void requireEpochRecordsFit(int epochs, int optimizerCount) {
        CommandSupport.requireHeap(String.format(java.util.Locale.ROOT, "--epochs %d for %d optimizers (a record per epoch"
                + " and optimizer, at least %d bytes each)", epochs, optimizerCount, EPOCH_RECORD_BYTES),
                (double) EPOCH_RECORD_BYTES * epochs * optimizerCount);
    }

    /**
     * A lower bound of one TrainResult.Epoch: the smallest object header (12 bytes), 2 ints, 2 longs, 5 doubles and a
     * compressed reference.
     */
    static final int EPOCH_RECORD_BYTES = 12 + 2 * 4 + 2 * 8 + 5 * 8 + 4;

    private static int positive(String option, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(option + " is " + v + "; expected >= 1");
        }
        return v;
    }

    private static String sizes(int[] s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            sb.append(i == 0 ? "" : "-").append(s[i]);
        }
        return sb.toString();
    }
}
