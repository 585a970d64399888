/**
 * JMH benchmarks of qshampoo's kernels, each beside a baseline measured in the same run.
 * Build with {@code ./mvnw -B -Pbench -DskipTests package}; run {@code java -jar bench/target/benchmarks.jar}.
 */
package io.qshampoo.bench;
