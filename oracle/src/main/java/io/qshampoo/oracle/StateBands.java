package io.qshampoo.oracle;

import java.util.LinkedHashMap;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;

/**
 * Folds the calibrated tests into a trace comparison: the float band of {@link TraceBand} (the NRE tolerance
 * becomes min(worst case, factor × spread)) and the code band of {@link QuantizedStateBand} (no element more than
 * one code step away). The comparison keeps its worst-case tolerance's ingredients and gains a {@code calibrated}
 * entry with the band's numbers; a state outside a band is not ok, and its note says which band and by how much.
 */
final class StateBands {

    private StateBands() {
    }

    /**
     * @param c       the comparison against the worst-case tolerance
     * @param spread  the replays' spread of this state, or NaN when there is no float band
     * @param codes   the code band of this state, or null
     * @param theirs  their state (signs aligned)
     * @param delta   the state's relative rounding discrepancy (slack of the code band)
     */
    static StateComparison apply(StateComparison c, double spread, QuantizedStateBand codes, DMatrixRMaj theirs,
                                 double delta) {
        if ((Double.isNaN(spread) && codes == null) || c.nre() == null || c.tolerance() == null) {
            return c;
        }
        Map<String, Object> calibrated = new LinkedHashMap<>();
        double tolerance = c.tolerance();
        boolean ok = c.ok();
        String note = c.note();
        if (!Double.isNaN(spread)) {
            double floor = TraceBand.floor(tolerance, number(c, "c"), number(c, "d"), number(c, "uEff"));
            double band = TraceBand.FACTOR * Math.max(spread, floor);
            calibrated.put("spread", spread);
            calibrated.put("factor", TraceBand.FACTOR);
            calibrated.put("floor", floor);
            calibrated.put("threshold", band);
            calibrated.put("formula", "factor·max(spread, floor), spread = max NRE of replays in the stated precision,"
                    + " floor = max(2^-24, tolerance·2u/(c·d·u_eff))");
            if (band < tolerance) {
                tolerance = band;
                if (!(c.nre() <= band) && c.ok()) {
                    ok = false;
                    note = join(note, String.format("beyond the calibrated band: NRE %.3g > %.3g·spread %.3g",
                            c.nre(), TraceBand.FACTOR, spread));
                }
            }
        }
        if (codes != null) {
            QuantizedStateBand.Result r = codes.compare(theirs, delta);
            calibrated.put("elementsBeyondOneCodeStep", r.beyond());
            calibrated.put("elementsWithCodes", r.compared());
            calibrated.put("worstCodeSteps", r.worst());
            calibrated.put("worstAt", JsonReport.object("row", r.row(), "col", r.col()));
            if (r.beyond() > 0) {
                ok = false;
                note = join(note, String.format("%d of %d elements beyond one code step (worst %.3g steps at (%d, %d))",
                        r.beyond(), r.compared(), r.worst(), r.row(), r.col()));
            }
        }
        Map<String, Object> derivation = c.derivation() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(c.derivation());
        derivation.put("calibrated", calibrated);
        return new StateComparison(c.step(), c.key(), c.kind(), c.file(), c.nre(), c.aeDegrees(), c.compared(),
                c.differ(), c.beyondOneStep(), c.allowed(), tolerance, ok, note, c.mismatches(), derivation);
    }

    private static double number(StateComparison c, String key) {
        Object v = c.derivation() == null ? null : c.derivation().get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String join(String a, String b) {
        return a == null ? b : a + "; " + b;
    }
}
