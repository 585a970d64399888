package io.qshampoo.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.qshampoo.shampoo.AdamW;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ParameterUpdate;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.StateKind;

class FirstOrderOptimizerTest {

    @Test
    void appliesTheBaseUpdateToEachParameterWithTheGradientAsDirection() {
        DenseTensor w = DenseTensor.wrap(new float[] {1, 2, 3, 4}, 2, 2);
        DenseTensor b = DenseTensor.wrap(new float[] {0.5f, -0.5f}, 2);
        Map<String, DenseTensor> params = new LinkedHashMap<>();
        params.put("w", w);
        params.put("b", b);
        DenseTensor wRef = w.copy();
        DenseTensor bRef = b.copy();
        AdamW adamw = new AdamW(0.9, 0.999, 1e-8, 0.01);
        ParameterUpdate uw = adamw.newState(4);
        ParameterUpdate ub = adamw.newState(2);
        FirstOrderOptimizer opt = new FirstOrderOptimizer(adamw, 1e-2, params);
        for (int step = 1; step <= 3; step++) {
            DenseTensor gw = DenseTensor.wrap(new float[] {0.1f * step, -0.2f, 0.3f, 0}, 2, 2);
            DenseTensor gb = DenseTensor.wrap(new float[] {1, -1f / step}, 2);
            opt.step(Map.of("w", gw, "b", gb));
            uw.apply(wRef, new double[] {gw.get(0), gw.get(1), gw.get(2), gw.get(3)}, step, 1e-2);
            ub.apply(bRef, new double[] {gb.get(0), gb.get(1)}, step, 1e-2);
        }
        assertArrayEquals(wRef.float32Data(), w.float32Data());
        assertArrayEquals(bRef.float32Data(), b.float32Data());
        // m and v in float32 for 6 elements, plus the step counter.
        assertEquals(2 * 4 * 6 + 8, opt.stateBytes().total());
        assertEquals(8, opt.stateBytes().get(StateKind.SCALARS));
    }

    @Test
    void sgdMomentumStateIsOneFloatPerElement() {
        Map<String, DenseTensor> params = Map.of("w", DenseTensor.float32(3, 5));
        assertEquals(4 * 15 + 8, new FirstOrderOptimizer(new Sgd(0.9, false, 0), 0.1, params).stateBytes().total());
        assertEquals(8, new FirstOrderOptimizer(new Sgd(), 0.1, params).stateBytes().total());
    }

    @Test
    void rejectsMissingAndNonFiniteGradients() {
        Map<String, DenseTensor> params = Map.of("w", DenseTensor.float32(2));
        FirstOrderOptimizer opt = new FirstOrderOptimizer(new Sgd(), 0.1, params);
        assertThrows(IllegalArgumentException.class, () -> opt.step(Map.of("v", DenseTensor.float32(2))));
        assertThrows(IllegalArgumentException.class,
                () -> opt.step(Map.of("w", DenseTensor.wrap(new float[] {1, Float.NaN}, 2))));
        assertArrayEquals(new float[] {0, 0}, params.get("w").float32Data());
    }
}
