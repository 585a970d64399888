package io.qshampoo.oracle;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One state (or raw record) of the other side at one step, compared with the reference's.
 *
 * @param step        the step k (after the k-th update)
 * @param key         the inspect() key, record tag, or parameter name
 * @param kind        "matrix", "parameter", "vector" (float records), "codes" (packed code records) or "exact"
 *                    (integer records)
 * @param file        the other side's file
 * @param nre         ‖ours − theirs‖_F/‖ours‖_F (matrix, parameter, vector)
 * @param aeDegrees   the angle between them (matrix, parameter)
 * @param compared    number of codes or values compared
 * @param differ      number that differ (codes; values that are not bit-identical for vectors)
 * @param beyondOneStep codes that differ by more than one table step (never explained by rounding)
 * @param allowed     codes allowed to differ by one step
 * @param tolerance   the NRE tolerance (matrix, parameter, vector)
 * @param ok          within tolerance
 * @param note        what else the reader should know (sign alignment, non-finite values, …)
 * @param mismatches  the first differing codes or values
 * @param derivation  the tolerance's ingredients
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StateComparison(int step, String key, String kind, String file, Double nre, Double aeDegrees,
                              Integer compared, Integer differ, Integer beyondOneStep, Integer allowed, Double tolerance,
                              boolean ok, String note, List<Map<String, Object>> mismatches,
                              Map<String, Object> derivation) {

    /** The measured value in words, for the summary table. */
    public String metricText() {
        return switch (kind) {
            case "codes" -> differ + "/" + compared + " codes differ (" + beyondOneStep + " by more than one step)";
            case "exact" -> differ == 0 ? "equal" : differ + "/" + compared + " values differ";
            case "vector" -> "NRE " + number(nre) + " (" + (compared - differ) + "/" + compared + " bit-identical)";
            default -> "NRE " + number(nre) + "  AE "
                    + (aeDegrees == null || aeDegrees.isNaN() ? "n/a" : number(aeDegrees) + "°");
        };
    }

    private static String number(double v) {
        return v == 0 ? "0" : String.format("%.3g", v);
    }

    /** The tolerance in words. */
    public String toleranceText() {
        return switch (kind) {
            case "codes" -> allowed + " allowed";
            case "exact" -> "exact";
            default -> String.format("%.3g", tolerance);
        };
    }
}
