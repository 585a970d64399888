/**
 * JMH benchmarks of the linalg module: the Frequent Directions update and factored inverse root
 * ({@code FrequentDirectionsBench}) and the Kronecker sandwich L·G·R ({@code KroneckerBench}), on the
 * float64 reference kernels.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar 'linalg' -f 1 -wi 2 -i 3 -w 1 -r 2}.
 * The numpy baseline for the same operations, timed with {@code timeit} (prefix
 * {@code OPENBLAS_NUM_THREADS=1} for one thread):
 * <pre>
 *   np.linalg.svd(np.hstack([np.sqrt(beta) * B, G]), full_matrices=False)   # update, B n×ℓ, G n×k
 *   U @ (f[:, None] * (U.T @ X)) + c * X                                     # applyInverseRoot, X n×n
 *   L @ G @ R                                                                # sandwich, all n×n
 * </pre>
 * numpy's SVD also computes the right singular vectors, which FD does not need.
 */
package io.qshampoo.bench.linalg;
