package io.qshampoo.oracle;

import java.util.HashMap;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.quant.CodeTable;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.Variant;

/**
 * Recognises when eigenvector quantization (eigen4) cannot be checked: the subspace step Q·R = L·V of Wang et al.
 * is as sensitive to rounding as κ(L), so where κ(L)·u exceeds half the smallest relative step of the code table,
 * the eigenvectors the other side keeps — computed in its precision u — are not determined to within one code, and
 * two correct implementations (or one implementation run twice with one ulp of difference in G) store different
 * bases. The extreme case is a degenerate eigenspace: the left statistic of a non-square parameter at step 1,
 * ε·I plus a Gram matrix of lower rank, where any basis of the degenerate part is as good as another.
 *
 * <p>κ(L) is estimated per factor side from the reference's Rayleigh quotients S (max S / min S), the largest seen
 * up to the step of a divergence. A divergence of that side's eigenvectors, eigenvalues or root is then reported as
 * indeterminate rather than as a fault of the implementation. (A real fault in such a step is not detectable either:
 * the verdict is "cannot tell", never "agree".)
 */
final class EigenbasisIndeterminacy {

    private final boolean applies;
    private final double unitRoundoff;
    private final double threshold;
    /** Factor side prefix → the largest κ(L) seen so far, and the step where it was seen. */
    private final Map<String, double[]> worst = new HashMap<>();

    EigenbasisIndeterminacy(ShampooConfig cfg, Precision precision) {
        this.applies = (cfg.variant() == Variant.EIGEN4 || cfg.variant() == Variant.EIGEN4_EF) && cfg.quantized();
        this.unitRoundoff = precision.unitRoundoff();
        this.threshold = applies ? halfSmallestRelativeStep(cfg.quantization().table()) : Double.POSITIVE_INFINITY;
    }

    /** Whether the variant is quantized eigen4 or eigen4+ef (nothing to watch otherwise). */
    boolean applies() {
        return applies;
    }

    /** Half the smallest gap between neighbouring entries of the table, relative to its largest magnitude (1). */
    static double halfSmallestRelativeStep(CodeTable t) {
        float[] v = t.values();
        double gap = Double.POSITIVE_INFINITY;
        for (int k = 0; k + 1 < v.length; k++) {
            gap = Math.min(gap, (double) v[k + 1] - v[k]);
        }
        return gap / 2;
    }

    /** Records the reference's eigenvalue estimates after step k (keys "….S" of inspect()). */
    void observe(int k, Map<String, DMatrixRMaj> ours) {
        if (!applies) {
            return;
        }
        for (Map.Entry<String, DMatrixRMaj> e : ours.entrySet()) {
            if (!e.getKey().endsWith(".S")) {
                continue;
            }
            double max = 0;
            double min = Double.POSITIVE_INFINITY;
            for (double s : e.getValue().data) {
                max = Math.max(max, s);
                min = Math.min(min, s);
            }
            double kappa = min > 0 ? max / min : Double.POSITIVE_INFINITY;
            String side = e.getKey().substring(0, e.getKey().length() - 2);
            double[] w = worst.computeIfAbsent(side, s -> new double[] {0, 0});
            if (kappa > w[0]) {
                w[0] = kappa;
                w[1] = k;
            }
        }
    }

    /**
     * Why the divergence {@code c} does not show a fault, or null when it may: the diverging state is an eigen4
     * factor's V, S, root or error state A (or their records) and that side's statistic was too ill-conditioned for the other
     * side's precision.
     */
    String explain(StateComparison c) {
        if (!applies || c == null || c.key().equals("w")) {
            return null;
        }
        String key = c.key();
        for (Map.Entry<String, double[]> e : worst.entrySet()) {
            String side = e.getKey();
            if (!key.startsWith(side + ".")) {
                continue;
            }
            String state = key.substring(side.length() + 1);
            if (!(state.startsWith("V") || state.startsWith("S") || state.startsWith("root") || state.startsWith("A"))) {
                return null;
            }
            double kappa = e.getValue()[0];
            if (kappa * unitRoundoff < threshold) {
                return null;
            }
            return String.format(java.util.Locale.ROOT, "the reference statistic of %s had condition number %.3g at"
                    + " step %d; a QR step in the other side's precision (u = %.3g) determines its eigenvectors only to"
                    + " κ·u = %.3g, more than half the smallest code step (%.3g), so which basis each side keeps is"
                    + " arbitrary and this difference does not show a fault (docs/conventions.md, \"What cannot agree\")",
                    side, kappa, (int) e.getValue()[1], unitRoundoff, kappa * unitRoundoff, threshold);
        }
        return null;
    }
}
