package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.qshampoo.experiments.train.TrainReport;
import io.qshampoo.experiments.train.TrainResult;

import io.qshampoo.cli.Qshampoo;

class TrainCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Qshampoo.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void writesTableCsvJsonAndPngs() throws Exception {
        Path out = dir.resolve("run");
        Run r = run("train", "--dataset", "digits", "--epochs", "2", "--train-limit", "320", "--optimizers",
                "sgdm,adamw,cq+ef", "--t1", "2", "--t2", "4", "--progress", "plain", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("SGD-M") && r.out().contains("Shampoo cq+ef (4-bit) / SGD-M")
                && r.out().contains("state bytes"), r.out());
        assertTrue(r.out().contains("Wrote 6 files to " + out.toAbsolutePath()), r.out());
        String page = Files.readString(out.resolve("index.html"));
        assertTrue(page.contains("$ ./qshampoo train --dataset digits --epochs 2") && page.contains("<h3>results.csv</h3>")
                && page.contains("<img src=\"" + TrainReport.ACCURACY_PNG + "\""), page);
        assertTrue(r.err().contains("epoch 2/2: train loss"), r.err());

        List<String> csv = Files.readAllLines(out.resolve(TrainReport.CSV));
        assertEquals(1 + 3 * 2, csv.size());
        assertTrue(csv.get(0).startsWith("dataset,optimizer,label,base,lr,epoch,"));
        assertTrue(csv.get(1).startsWith("digits,sgdm,SGD-M,sgdm,0.05,1,10,"), csv.get(1));

        JsonNode json = new ObjectMapper().readTree(out.resolve(TrainReport.JSON).toFile());
        assertEquals("digits", json.get("dataset").get("name").asText());
        assertEquals(320, json.get("dataset").get("train_examples").asInt());
        assertEquals("ejml, 1 thread", json.get("kernels").asText(), "EJML unless --kernels or -Dqshampoo.kernels");
        assertEquals("./qshampoo train --dataset digits --epochs 2 --train-limit 320 --optimizers sgdm,adamw,cq+ef --t1 2 "
                + "--t2 4 --progress plain --out " + out, json.get("command").asText(), "the command as typed, once");
        assertEquals(3, json.get("optimizers").size());
        JsonNode cqef = json.get("optimizers").get(2);
        assertEquals("cq+ef", cqef.get("id").asText());
        assertEquals(2, cqef.get("epochs").size());
        assertTrue(cqef.get("state_bytes").asLong() > 0);
        assertTrue(cqef.get("final_test_accuracy").asDouble() > 0.1);

        for (String png : List.of(TrainReport.ACCURACY_PNG, TrainReport.LOSS_PNG, TrainReport.ACCURACY_TIME_PNG)) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertEquals(900, img.getWidth(), png);
        }
    }

    @Test
    void badOptionsExitWithCode2AndAMessage() {
        Run r = run("train", "--dataset", "digits", "--optimizers", "sgdm,lion", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown optimizer 'lion'"), r.err());
        r = run("train", "--dataset", "digits", "--lr", "adamw=fast", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'fast' is not a number"), r.err());
        r = run("train", "--dataset", "cifar", "--out", dir.toString());
        assertEquals(2, r.code());
        r = run("train", "--dataset", "fashion-mnist", "--data", dir.resolve("nowhere").toString(), "--out",
                dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("dataset-fashion-mnist"), r.err());
    }

    @Test
    void learningRateSpecsApplyByIdFamilyAndDefault() throws Exception {
        Path out = dir.resolve("lr");
        Run r = run("train", "--dataset", "digits", "--epochs", "1", "--train-limit", "64", "--test-limit", "50",
                "--optimizers", "sgdm,adamw,fp32", "--lr", "0.02,shampoo=0.03", "--progress", "none", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(out.resolve(TrainReport.JSON).toFile());
        assertTrue(!root.get("settings").has("beta_e"), "βₑ is recorded only when cq+ef ran: " + root.get("settings"));
        JsonNode opts = root.get("optimizers");
        assertEquals(0.02, opts.get(0).get("lr").asDouble());
        assertEquals(0.02, opts.get(1).get("lr").asDouble());
        assertEquals(0.03, opts.get(2).get("lr").asDouble());
    }

    /**
     * --beta-e reaches cq+ef's typed configuration: the label and results.json name it, and it changes the run
     * (βₑ = 0 against 0.9 on the same seed and batches: the error state, hence the stored factor and the roots
     * refreshed every 4 steps, differ, so the losses cannot agree to the last bit).
     */
    @Test
    void betaEReachesCqEfAndIsValidated() throws Exception {
        String[] common = {"train", "--dataset", "digits", "--epochs", "1", "--train-limit", "256", "--test-limit", "50",
            "--optimizers", "cq+ef", "--t1", "1", "--t2", "4", "--progress", "none"};
        double[] loss = new double[2];
        String[] betas = {"0", "0.9"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("be" + i);
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                    java.util.stream.Stream.of("--beta-e", betas[i], "--out", out.toString())).toArray(String[]::new);
            Run r = run(args);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("Shampoo cq+ef (4-bit, βₑ=" + Double.parseDouble(betas[i]) + ") / SGD-M"), r.out());
            JsonNode json = new ObjectMapper().readTree(out.resolve(TrainReport.JSON).toFile());
            assertEquals(Double.parseDouble(betas[i]), json.get("settings").get("beta_e").asDouble(), 0.0, json.toString());
            loss[i] = json.get("optimizers").get(0).get("epochs").get(0).get("trainLoss").asDouble();
        }
        assertTrue(loss[0] != loss[1], "βₑ 0 and 0.9 gave the same loss " + loss[0]);

        Run r = run("train", "--dataset", "digits", "--optimizers", "cq+ef", "--beta-e", "1", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--beta-e is 1.0; expected a value in [0, 1)"), r.err());
        r = run("train", "--dataset", "digits", "--optimizers", "cq,sgdm", "--beta-e", "0.5", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--beta-e is given but --optimizers cq,sgdm has no cq+ef or eigen4+ef"), r.err());
    }
}
