package io.qshampoo.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class KroneckerProperties {

    private static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);
    private static final double U = 0x1p-53;

    /** Shapes of L (p×m), G (m×n), R (n×q), and a seed for the entries. */
    private record Chain(int p, int m, int n, int q, long seed) {
    }

    private static Gen<Chain> chains() {
        Gen<Integer> dim = integers().between(1, 6);
        return dim.zip(dim, dim, dim, longs().all(), Chain::new);
    }

    private static DMatrixRMaj abs(DMatrixRMaj a) {
        DMatrixRMaj b = a.copy();
        for (int k = 0; k < b.data.length; k++) {
            b.data[k] = Math.abs(b.data[k]);
        }
        return b;
    }

    @Test
    void vecOfSandwichEqualsKroneckerTimesVec() {
        qt().withExamples(EXAMPLES).forAll(chains()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            DMatrixRMaj l = SyntheticMatrices.gaussian(c.p(), c.m(), rnd);
            DMatrixRMaj g = SyntheticMatrices.gaussian(c.m(), c.n(), rnd);
            DMatrixRMaj r = SyntheticMatrices.gaussian(c.n(), c.q(), rnd);

            DMatrixRMaj viaSandwich = Kronecker.vec(new Kronecker().sandwich(l, g, r));
            DMatrixRMaj rt = CommonOps_DDRM.transpose(r, null);
            DMatrixRMaj viaKron = new DMatrixRMaj(c.p() * c.q(), 1);
            CommonOps_DDRM.mult(Kronecker.kron(rt, l), Kronecker.vec(g), viaKron);

            // Both sides are sums of the same m·n products r_jb·l_ai·g_ij. Sandwich: two inner products of
            // lengths m and n, error ≤ (γ_m + γ_n(1+γ_m))·(|L||G||R|); Kronecker side: one product rounded
            // into the Kronecker entry, then an inner product of length m·n, error ≤ γ_(mn+1)·(|L||G||R|).
            // Sum ≤ 1.01·(m+1)(n+1)·u·(|L||G||R|) for these sizes; the factor 2 covers the 1.01 and the
            // rounding of the bound itself.
            DMatrixRMaj bound = Kronecker.vec(new Kronecker().sandwich(abs(l), abs(g), abs(r)));
            double c0 = 2.0 * (c.m() + 1) * (c.n() + 1) * U;
            for (int i = 0; i < viaKron.numRows; i++) {
                final int entry = i;
                double diff = Math.abs(viaSandwich.data[i] - viaKron.data[i]);
                double tol = c0 * bound.data[i];
                assertTrue(diff <= tol, () -> "vec entry " + entry + " differs by " + diff + " > " + tol + " for " + c);
            }
        });
    }

    @Test
    void unvecInvertsVecExactly() {
        qt().withExamples(EXAMPLES).forAll(integers().between(1, 6), integers().between(1, 6), longs().all())
                .checkAssert((m, n, seed) -> {
                    DMatrixRMaj g = SyntheticMatrices.gaussian(m, n, new Random(seed));
                    // Pure data movement: no arithmetic, so the round trip is bit-exact.
                    assertArrayEquals(g.data, Kronecker.unvec(Kronecker.vec(g), m, n).data, 0.0);
                    DMatrixRMaj v = Kronecker.vec(g);
                    assertArrayEquals(v.data, Kronecker.vec(Kronecker.unvec(v, m, n)).data, 0.0);
                });
    }
}
