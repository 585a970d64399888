package io.qshampoo.experiments;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The average of a ratio over independent repetitions, with a confidence interval: the geometric mean of
 * r₁ … r_S and a Student-t interval on their logarithms, mapped back by exp.
 *
 * <pre>
 *   xᵢ = ln rᵢ,   x̄ = (1/S)·Σ xᵢ,   s² = Σ (xᵢ − x̄)² / (S − 1),   h = t_{S−1, (1+c)/2} · s / √S
 *   geometric mean = exp(x̄),   interval = [exp(x̄ − h), exp(x̄ + h)]
 * </pre>
 *
 * Why logarithms: a ratio is multiplicative (0.5 and 2 are equally far from 1, and their mean should be 1, not
 * 1.25), and ln r of a time-averaged error ratio is close to normal when each rᵢ averages many steps. Why t: the
 * rᵢ come from independent seeds (independent gradient streams), so the xᵢ are i.i.d.; with an unknown variance
 * and few seeds, (x̄ − μ)·√S/s follows Student's t with S − 1 degrees of freedom when the xᵢ are normal, and
 * exp is increasing, so the interval for μ = E[ln r] maps to one for the median ratio e^μ with the same coverage.
 * "Helps" is the whole interval below 1 (at c = 0.95, a two-sided 5% test of ln r = 0 rejects towards &lt; 1);
 * "hurts" the whole interval above 1; otherwise the seeds do not decide.
 *
 * <p>Cost O(S), plus one t quantile (Commons Math).
 *
 * @param count         S, the number of ratios (≥ 2)
 * @param geometricMean exp(x̄)
 * @param lower         exp(x̄ − h)
 * @param upper         exp(x̄ + h)
 * @param meanLog       x̄
 * @param sdLog         s
 * @param tQuantile     t_{S−1, (1+c)/2}
 * @param confidence    c
 */
public record RatioInterval(int count, double geometricMean, double lower, double upper, double meanLog, double sdLog,
        double tQuantile, double confidence) {

    /** Whether the interval lies entirely below 1 (the numerator is smaller with this confidence). */
    public boolean below1() {
        return upper < 1;
    }

    /** Whether the interval lies entirely above 1. */
    public boolean above1() {
        return lower > 1;
    }

    /**
     * The interval of the ratios {@code r} at confidence {@code c}.
     *
     * @throws IllegalArgumentException for fewer than 2 ratios, a ratio that is not finite and positive, or c
     *                                  outside (0, 1)
     */
    public static RatioInterval of(double[] r, double confidence) {
        if (r.length < 2) {
            throw new IllegalArgumentException(r.length + " ratio(s); expected at least 2 for an interval");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence is " + confidence + "; expected a value in (0, 1)");
        }
        double sum = 0;
        for (double v : r) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("ratio " + v + "; expected finite values > 0");
            }
            sum += Math.log(v);
        }
        int s = r.length;
        double mean = sum / s;
        double ss = 0;
        for (double v : r) {
            double d = Math.log(v) - mean;
            ss += d * d;
        }
        double sd = Math.sqrt(ss / (s - 1));
        double t = new TDistribution(s - 1).inverseCumulativeProbability((1 + confidence) / 2);
        double h = t * sd / Math.sqrt(s);
        return new RatioInterval(s, Math.exp(mean), Math.exp(mean - h), Math.exp(mean + h), mean, sd, t, confidence);
    }
}
