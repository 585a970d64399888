package io.qshampoo.experiments.train;

/**
 * A classification data set split into train and test: features as row-major float32 matrices
 * (one example per row, values scaled to [0, 1]) and integer labels 0 … classes − 1.
 *
 * @param name        short name ("fashion-mnist", "digits")
 * @param source      where it was read from, for reports
 * @param features    values per example
 * @param classes     number of classes
 * @param trainX      trainSize × features, row-major
 * @param trainY      trainSize labels
 * @param testX       testSize × features, row-major
 * @param testY       testSize labels
 * @param split       how train and test were formed, for reports
 */
public record Dataset(String name, String source, int features, int classes, float[] trainX, int[] trainY,
        float[] testX, int[] testY, String split) {

    public Dataset {
        check(trainX, trainY, features, classes, "train");
        check(testX, testY, features, classes, "test");
    }

    public int trainSize() {
        return trainY.length;
    }

    public int testSize() {
        return testY.length;
    }

    /**
     * The same data with at most {@code maxTrain} training and {@code maxTest} test examples (the first
     * ones, in file order): for quick runs and tests. Non-positive limits mean no limit.
     */
    public Dataset limit(int maxTrain, int maxTest) {
        int ntr = maxTrain > 0 ? Math.min(maxTrain, trainSize()) : trainSize();
        int nte = maxTest > 0 ? Math.min(maxTest, testSize()) : testSize();
        if (ntr == trainSize() && nte == testSize()) {
            return this;
        }
        return new Dataset(name, source, features, classes, java.util.Arrays.copyOf(trainX, ntr * features),
                java.util.Arrays.copyOf(trainY, ntr), java.util.Arrays.copyOf(testX, nte * features),
                java.util.Arrays.copyOf(testY, nte), split + "; limited to the first " + ntr + " train and " + nte
                        + " test examples");
    }

    private static void check(float[] x, int[] y, int features, int classes, String part) {
        if (features < 1 || classes < 2) {
            throw new IllegalArgumentException("dataset has " + features + " features and " + classes
                    + " classes; expected >= 1 and >= 2");
        }
        if (y.length == 0 || x.length != (long) y.length * features) {
            throw new IllegalArgumentException(part + " set has " + x.length + " feature values for " + y.length
                    + " labels; expected a non-empty set with " + features + " values per label");
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException(part + " label " + i + " is " + y[i] + "; expected 0.." + (classes - 1));
            }
        }
    }
}
