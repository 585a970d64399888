package io.qshampoo.verify;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.Ridge;
import io.qshampoo.verify.npy.NpyDtype;
import io.qshampoo.verify.npy.NpyLoader;
import io.qshampoo.verify.oracle.JsonReport;
import io.qshampoo.verify.oracle.MatrixFile;
import io.qshampoo.verify.oracle.Precision;
import io.qshampoo.verify.oracle.RootCheck;
import io.qshampoo.verify.oracle.RootTolerance;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo check root}: the other side's inverse p-th root against the float64 eigen reference
 * ({@link RootCheck}), with the tolerance of {@link RootTolerance}.
 */
@Command(name = "root", mixinStandardHelpOptions = true,
        description = {"Compare another implementation's inverse p-th root X ≈ (A + r·I)^(-1/p) with the float64 eigen reference.",
                "Reports NRE, AE, the residual max|X^p·(A + rI) − I| of both roots, the largest deviations, and a verdict",
                "NRE ≤ c·n·(κ/p + 1)·(u + 2^-53) + u_store, κ the condition number of A + rI, u the stated precision's",
                "unit roundoff, u_store that of the file X came in (2^-24 for float32)."})
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

    @Option(names = "--tolerance", paramLabel = "NRE", description = "Use this NRE tolerance instead of the derived one.")
    Double tolerance;

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
        double tol = tolerance != null ? tolerance : check.tolerance().value();
        boolean agree = check.discrepancy().nre() <= tol;

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
        out.println("verdict: " + (agree ? "AGREE" : "DISAGREE"));
        if (json != null) {
            JsonReport.write(json, report(in, x, isFactor, prec, check, tol, agree));
            out.println("report: " + json);
        }
        return agree ? 0 : 1;
    }

    private Map<String, Object> report(MatrixFile in, MatrixFile x, boolean isFactor, Precision prec, RootCheck c,
                                       double tol, boolean agree) {
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
        return r;
    }
}
