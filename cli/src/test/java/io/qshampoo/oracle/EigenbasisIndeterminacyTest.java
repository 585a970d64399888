package io.qshampoo.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.Mapping;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.Variant;

class EigenbasisIndeterminacyTest {

    private static final ShampooConfig EIGEN4 = ShampooConfig.builder().variant(Variant.EIGEN4).build();

    private static StateComparison diverged(String key) {
        return new StateComparison(1, key, "codes", "f.npy", null, null, 10, 5, 5, 0, 0.0, false, null, List.of(), Map.of());
    }

    private static Map<String, DMatrixRMaj> s(double... values) {
        return Map.of("w#0.left.S", DMatrixRMaj.wrap(values.length, 1, values));
    }

    @Test
    void halfTheSmallestStepOfFourBitLinear2IsHalfOf1Over225() {
        // linear-2 at 4 bits: entries 0 and fl(1/225) are the closest pair (fp32: 3b91a2a2, 18 ulps below 1/225)
        double h = EigenbasisIndeterminacy.halfSmallestRelativeStep(CodeTable.of(Mapping.LINEAR_2, 4));
        assertEquals(0.5 / 225, h, 1e-6);
    }

    @Test
    void anIllConditionedStatisticMakesItsEigenvectorDivergenceIndeterminate() {
        EigenbasisIndeterminacy b = new EigenbasisIndeterminacy(EIGEN4, Precision.FP32);
        b.observe(1, s(1.0, 0.5, 1e-7)); // κ = 1e7: κ·u₃₂ = 0.6 ≫ 1/450
        String why = b.explain(diverged("w#0.left.Vt.codes"));
        assertNotNull(why);
        assertTrue(why.contains("w#0.left") && why.contains("1.00e+07"), why);
        assertNotNull(b.explain(diverged("w#0.left.root.codes")));
        assertNull(b.explain(diverged("w")), "the parameter's divergence is never excused");
        assertNull(b.explain(diverged("w#0.right.Vt.codes")), "the other side was not ill-conditioned");
    }

    @Test
    void aWellConditionedStatisticExcusesNothing() {
        EigenbasisIndeterminacy b = new EigenbasisIndeterminacy(EIGEN4, Precision.FP32);
        b.observe(1, s(1.0, 0.1)); // κ = 10: κ·u₃₂ = 6e-7 ≪ 1/450
        assertNull(b.explain(diverged("w#0.left.Vt.codes")));
        // in fp64 even κ = 1e7 is determined (1e7·2⁻⁵³ ≈ 1e-9)
        EigenbasisIndeterminacy f64 = new EigenbasisIndeterminacy(EIGEN4, Precision.FP64);
        f64.observe(1, s(1.0, 1e-7));
        assertNull(f64.explain(diverged("w#0.left.Vt.codes")));
    }

    @Test
    void onlyQuantizedEigenvectorVariantsAreWatched() {
        EigenbasisIndeterminacy b = new EigenbasisIndeterminacy(ShampooConfig.builder().variant(Variant.CQ).build(),
                Precision.FP32);
        b.observe(1, s(1.0, 1e-9));
        assertNull(b.explain(diverged("w#0.left.C.codes")));
    }
}
