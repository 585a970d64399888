package io.qshampoo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.Ridge;
import io.qshampoo.oracle.npy.NpyDtype;
import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.oracle.CalibratedVerdict;
import io.qshampoo.oracle.JsonReport;
import io.qshampoo.oracle.MatrixFile;
import io.qshampoo.oracle.Precision;
import io.qshampoo.oracle.RootCalibration;
import io.qshampoo.oracle.RootCheck;
import io.qshampoo.oracle.RootRoute;
import io.qshampoo.oracle.RootTolerance;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo check root}: the other side's inverse p-th root against the float64 eigen reference
 * ({@link RootCheck}): the worst-case tolerance of {@link RootTolerance} and the calibrated tests of
 * {@link RootCalibration} (spread of legitimate roots in the stated precision, and the residual).
 */
@Command(name = "root", mixinStandardHelpOptions = true,
        description = {"Compare another implementation's inverse p-th root X ≈ (A + r·I)^(-1/p) with the float64 eigen reference.",
                "Reports NRE, AE, the residual max|X^p·(A + rI) − I| of both roots and the largest deviations. The root",
                "agrees when it passes four tests: NRE ≤ the worst-case bound c·n·(κ/p + 1)·(u + 2^-53) + u_store; and,",
                "calibrated against roots recomputed in the stated precision by several legitimate routes (eigen and",
                "coupled Newton, several summation orders), NRE, every element's deviation (per element, in units of",
                "the routes' spread) and the residual within --spread-factor times the spread (the residual at least",
                "c·n·κ^(1/p)·(u + u_store)). The report names the test that decided."})
final class CheckRootCommand extends OracleCommand {

    static final class Source {
        @Option(names = "--matrix", required = true, paramLabel = "A.npy", description = "The symmetric PSD matrix A.")
        String matrix;

        @Option(names = "--factor", required = true, paramLabel = "C.npy", description = "A factor C with A = C·Cᵀ (e.g. a Cholesky factor).")
        String factor;
    }

    static final class RidgeOption {
        @Option(names = "--epsilon", paramLabel = "EPS", description = "Ridge r = EPS·λmax(A), λmax exact, as Shampoo (default 1e-6).")
        Double epsilon;

        @Option(names = "--ridge", paramLabel = "R", description = "Absolute ridge r = R.")
        Double ridge;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    RidgeOption ridge;

    @Option(names = "--root", required = true, paramLabel = "X.npy", description = "Their inverse root.")
    String root;

    @Option(names = "--p", defaultValue = "4", paramLabel = "P", description = "Root order (default ${DEFAULT-VALUE}).")
    int p;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|fp64|tf32|bf16",
            description = "Precision the root was computed in (default ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--safety", defaultValue = "4", paramLabel = "C", description = "The constant c of the tolerance (default ${DEFAULT-VALUE}).")
    double safety;

    @Option(names = "--tolerance", paramLabel = "NRE",
            description = "Judge by NRE ≤ this value alone (no calibration) instead of the four tests.")
    Double tolerance;

    @Option(names = "--spread-factor", defaultValue = "10", paramLabel = "F",
            description = "How far beyond the legitimate routes' spread a correct root may lie (default ${DEFAULT-VALUE}).")
    double factor;

    @Option(names = "--routes", split = ",", paramLabel = "ROUTE",
            description = "Calibration routes: exact-rounded, eigen-sequential, eigen-pairwise, newton-sequential, "
                    + "newton-blocked (default all; above n = " + NEWTON_DEFAULT_MAX_ORDER + " the Newton routes, "
                    + "about 4 emulated products per iteration, only when named).")
    List<String> routes;

    /** Largest order at which the default calibration includes the coupled-Newton routes. */
    static final int NEWTON_DEFAULT_MAX_ORDER = 512;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the full report as JSON.")
    Path json;

    @Override
    int execute(PrintWriter out) {
        Precision prec = Precision.fromId(precision);
        NpyLoader loader = new NpyLoader(Path.of(""));
        boolean isFactor = source.factor != null;
        int[] shape = loader.shape(isFactor ? source.factor : source.matrix);
        if (shape.length == 2) {
            // A, its symmetric part, the reference root, their root and the eigen workspace: float64, order n.
            double n = Math.max(shape[0], shape[1]);
            CommandSupport.requireHeap("checking a root of order " + (long) n + " (five float64 matrices of order n)",
                    5 * 8 * n * n);
        }
        MatrixFile in = MatrixFile.of(loader.read(isFactor ? source.factor : source.matrix),
                isFactor ? "factor" : "matrix", false).requireSquare(isFactor ? "factor" : "matrix")
                .requireFinite(isFactor ? "factor" : "matrix");
        MatrixFile x = MatrixFile.of(loader.read(root), "root", false).requireSquare("root");
        if (x.rows() != in.rows()) {
            throw new IllegalArgumentException(x.source() + " holds a " + x.rows() + " × " + x.cols() + " root; "
                    + in.source() + " is " + in.rows() + " × " + in.cols());
        }
        int n = in.rows();
        DMatrixRMaj a = DMatrixRMaj.wrap(n, n, in.values());
        if (isFactor) {
            DMatrixRMaj c = a;
            a = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(c, c, a);
        }
        Ridge r = ridge != null && ridge.ridge != null ? Ridge.absolute(ridge.ridge)
                : Ridge.relative(ridge != null && ridge.epsilon != null ? ridge.epsilon : 1e-6);
        double storage = x.dtype() == NpyDtype.FLOAT32 ? Precision.FP32.unitRoundoff() : Precision.FP64.unitRoundoff();
        RootCheck check = RootCheck.of(a, DMatrixRMaj.wrap(n, n, x.values()), p, r, prec.unitRoundoff(), storage, safety);
        if (!(factor >= 1) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("--spread-factor is " + factor + "; expected a finite value >= 1");
        }
        double tol = tolerance != null ? tolerance : check.tolerance().value();
        RootCalibration cal = null;
        CalibratedVerdict verdict = null;
        if (tolerance == null) {
            cal = RootCalibration.of(RootCheck.shifted(a, check.reference().ridge()), check.reference().root(), p,
                    check.kappa(), prec, storage, routeSet(n));
            verdict = cal.judge(DMatrixRMaj.wrap(n, n, x.values()), check.discrepancy().nre(), check.residual(), tol,
                    factor);
        }
        boolean agree = verdict != null ? verdict.agrees() : check.discrepancy().nre() <= tol;

        out.printf("check root: %s (%s) against the float64 eigen root of %s%s%n", x.source(), x.describe(),
                isFactor ? "C·Cᵀ, C = " : "", in.source());
        out.printf("ridge r = %.6g (%s), p = %d, λmax = %.6g, λmin = %.6g, κ(A + rI) = %.4g%n", check.reference().ridge(),
                r.kind() == Ridge.Kind.ABSOLUTE ? "absolute" : "ε·λmax, ε = " + r.epsilon(), p, check.lambdaMax(),
                check.lambdaMin(), check.kappa());
        if (check.asymmetry() > 0) {
            out.printf("note: A is symmetric only up to %.3g relative; its symmetric part was used%n", check.asymmetry());
        }
        out.printf("NRE %.4g   AE %.4g°   residual max|X^p(A + rI) − I|: theirs %.3g, reference %.3g%n",
                check.discrepancy().nre(), check.discrepancy().aeDegrees(), check.residual(), check.reference().residual());
        out.printf("tolerance (%s): %s%n", tolerance != null ? "given" : prec.id(),
                tolerance != null ? String.format("%.4g", tol) : check.tolerance().formula());
        if (tol >= 1) {
            out.println("note: the tolerance reaches 1: at this κ the stated precision cannot resolve the root");
        }
        out.println("largest deviations |X − X*|/max|X*|:");
        for (RootCheck.Deviation d : check.largest()) {
            out.printf("  (%d, %d)  theirs %.8g  reference %.8g  relative %.3g%n", d.row(), d.col(), d.theirs(),
                    d.reference(), d.relative());
        }
        if (verdict != null) {
            out.printf("calibration (%s, factor %.3g): NRE spread %.3g, residual spread %.3g, residual floor %.3g%n",
                    prec.id(), factor, cal.nreSpread(), cal.residualSpread(), cal.residualFloor());
            for (RootCalibration.Route rt : cal.routes()) {
                out.printf("  route %-18s NRE %.3g  residual %.3g%n", rt.route().id(), rt.nre(), rt.residual());
            }
            out.printf("  %-15s %12s %12s %10s%n", "test", "measured", "threshold", "ratio");
            for (CalibratedVerdict.Test t : verdict.tests()) {
                out.printf("  %-15s %12.4g %12.4g %10.3g  %s%n", t.name(), t.measured(), t.threshold(), t.ratio(),
                        t.passes() ? "ok" : "FAIL");
            }
            out.printf("  largest scaled deviation at (%d, %d): theirs %.8g, reference %.8g, spread %.3g%n",
                    verdict.row(), verdict.col(), verdict.theirs(), verdict.reference(), verdict.scale());
            out.println("verdict: " + (agree ? "AGREE" : "DISAGREE") + " (decided by " + verdict.decidedBy().name() + ")");
        } else {
            out.println("verdict: " + (agree ? "AGREE" : "DISAGREE") + " (NRE against the given tolerance)");
        }
        if (json != null) {
            JsonReport.write(json, report(in, x, isFactor, prec, check, tol, agree, cal, verdict));
            out.println("report: " + json);
        }
        return agree ? 0 : 1;
    }

    private java.util.Set<RootRoute> routeSet(int n) {
        if (routes == null || routes.isEmpty()) {
            java.util.Set<RootRoute> all = RootCalibration.allRoutes();
            if (n > NEWTON_DEFAULT_MAX_ORDER) {
                all.remove(RootRoute.NEWTON_SEQUENTIAL);
                all.remove(RootRoute.NEWTON_BLOCKED);
            }
            return all;
        }
        java.util.Set<RootRoute> set = EnumSet.noneOf(RootRoute.class);
        for (String r : routes) {
            set.add(RootRoute.fromId(r));
        }
        return set;
    }

    private Map<String, Object> report(MatrixFile in, MatrixFile x, boolean isFactor, Precision prec, RootCheck c,
                                       double tol, boolean agree, RootCalibration cal, CalibratedVerdict verdict) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("check", "root");
        r.put("verdict", agree ? "agree" : "disagree");
        r.put(isFactor ? "factor" : "matrix", in.source());
        r.put("root", x.source());
        r.put("rootDtype", x.dtype().numpyName());
        r.put("n", in.rows());
        r.put("p", p);
        r.put("ridge", c.reference().ridge());
        r.put("lambdaMax", c.lambdaMax());
        r.put("lambdaMin", c.lambdaMin());
        r.put("kappa", c.kappa());
        r.put("inputAsymmetry", c.asymmetry());
        r.put("rootAsymmetry", c.rootAsymmetry());
        r.put("nre", c.discrepancy().nre());
        r.put("aeDegrees", c.discrepancy().aeDegrees());
        r.put("aeRadians", c.discrepancy().aeRadians());
        r.put("residual", c.residual());
        r.put("referenceResidual", c.reference().residual());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("value", tol);
        t.put("source", tolerance != null ? "given (--tolerance)" : "derived");
        t.put("formula", "c·n·(κ/p + 1)·(u + u64) + u_store");
        t.put("derived", c.tolerance().value());
        t.put("c", c.tolerance().safety());
        t.put("precision", prec.id());
        t.put("u", c.tolerance().unitRoundoff());
        t.put("u64", RootTolerance.U64);
        t.put("uStore", c.tolerance().storageRoundoff());
        t.put("why", "a backward-stable root in unit roundoff u is the exact root of A + rI + E, ‖E‖ ≲ c·n·u·‖A + rI‖;"
                + " the Fréchet derivative of x^(-1/p) amplifies that by at most κ/p in relative terms; forming X adds"
                + " c·n·u; the float64 reference adds the same with u64; storing X rounds each element by u_store");
        r.put("tolerance", t);
        r.put("largestDeviations", c.largest());
        if (verdict != null) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("factor", factor);
            k.put("decidedBy", verdict.decidedBy().name());
            k.put("tests", verdict.tests());
            List<Map<String, Object>> rs = new ArrayList<>();
            for (RootCalibration.Route rt : cal.routes()) {
                rs.add(JsonReport.object("route", rt.route().id(), "description", rt.route().description(),
                        "nre", rt.nre(), "residual", rt.residual()));
            }
            k.put("routes", rs);
            k.put("nreSpread", cal.nreSpread());
            k.put("residualSpread", cal.residualSpread());
            k.put("residualFloor", cal.residualFloor());
            k.put("residualFloorFormula", "c·n·κ^(1/p)·(u + u_store)");
            k.put("largestScaledDeviation", JsonReport.object("row", verdict.row(), "col", verdict.col(),
                    "theirs", verdict.theirs(), "reference", verdict.reference(), "spread", verdict.scale()));
            r.put("calibration", k);
        }
        return r;
    }
}
