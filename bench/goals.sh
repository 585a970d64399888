#!/usr/bin/env bash
# Every measurable goal of the performance work (bench/RESULTS.md, "Performance goals in one run") measured in one
# run on this machine, then one table of goal, measurement and verdict (bench/goals.py).
#
#   bench/goals.sh OUT_DIR [ROUNDS]     # ROUNDS: quantizer rounds per JDK (default 3); about 20 minutes in all
#
# Steps, one after the other, each timed as the section of bench/RESULTS.md it repeats; `uptime` before and after
# each step goes to OUT_DIR/load.txt, since other work on a 2-core machine moves every figure:
#   build     the bench and cli jars on JDK 25 (the quant jar then carries its Vector API kernel for JDK 25)
#   kernels   KernelBackendsBench on OpenBLAS, then bench/numpy/dense_kernels.py (numpy/scipy), 1 thread each
#   step      ShampooStepBench (steady and refresh steps, FP32, CQ+EF, EIGEN4, n = 1024), then shampoo_step.py
#   quant     QuantizeBenchmark's copy, quantize and dequantize on JDK 17 and JDK 25, alternating, ROUNDS rounds
#   train     ./qshampoo train with AdamW, then with Shampoo fp32 (separate runs, each with its own JIT warm-up),
#             then scikit-learn's MLPClassifier (bench/fashion_mnist_sklearn.py): 5 epochs of Fashion-MNIST each;
#             and fp32 once more at the official T1 = 100, T2 = 500 (train's defaults are 10 and 50), for comparison
#   tables    ./qshampoo tables at its full default on every core
#   wholemodel only when WHOLE_MODEL_DIR names a directory of traces (bench/wholemodel.sh writes llama-130m's, 6 GB):
#             ./qshampoo check trace WHOLE_MODEL_DIR on every core, OpenBLAS
# Needs: JDK 17 as `java` (or JAVA17), Temurin 25 (JDK25, default below), python3 with numpy and scipy (PYTHON),
# /usr/bin/python3 with Debian's python3-sklearn (SKPYTHON) and the Debian package dataset-fashion-mnist.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the numpy commands alone, as bench/RESULTS.md says.
# STEPS="kernels step" runs some steps only; bench/goals.py OUT_DIR reprints the table from the files.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: bench/goals.sh OUT_DIR [ROUNDS]" >&2
  exit 2
fi
mkdir -p "$1"
out="$(cd "$1" && pwd)"
rounds="${2:-3}"
if ! [[ "$rounds" =~ ^[1-9][0-9]?$ ]]; then
  echo "bench/goals.sh: ROUNDS is '$rounds'; expected an integer from 1 to 99" >&2
  exit 2
fi
java17="${JAVA17:-java}"
jdk25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
python="${PYTHON:-python3}"
skpython="${SKPYTHON:-/usr/bin/python3}"
steps="${STEPS:-build kernels step quant train tables wholemodel}"
java17_home="$(dirname "$(dirname "$(readlink -f "$(command -v "$java17" || echo "$java17")")")")"
jar="$here/bench/target/benchmarks.jar"
numpy_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1)
cd "$here"

for need in "$java17" "$jdk25/bin/java" "$python" "$skpython"; do
  command -v "$need" >/dev/null || { echo "bench/goals.sh: '$need' not found (see the header for JAVA17, JDK25, PYTHON, SKPYTHON)" >&2; exit 2; }
done
"$java17" -version 2>&1 | grep -q 'version "17' \
  || { echo "bench/goals.sh: '$java17' is not a JDK 17 (set JAVA17)" >&2; exit 2; }

load() { echo "$(date -u +%H:%M:%S) $1: $(uptime | sed 's/.*load average: //')" | tee -a "$out/load.txt"; }
has() { [[ " $steps " == *" $1 "* ]]; }
trap 'echo "bench/goals.sh: a command failed (line $LINENO); its output is in $out" >&2' ERR
: > "$out/load.txt"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "cpu: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
  echo "java17: $("$java17" -version 2>&1 | head -1)"
  echo "java25: $("$jdk25/bin/java" -version 2>&1 | head -1)"
  echo "python: $("${numpy_env[@]}" "$python" -c 'import sys, numpy, scipy; print(sys.version.split()[0], "numpy", numpy.__version__, "scipy", scipy.__version__)')"
  echo "sklearn python: $("$skpython" -c 'import sys, numpy, sklearn; print(sys.version.split()[0], "numpy", numpy.__version__, "sklearn", sklearn.__version__)')"
  echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-} (unset for the numpy commands)"
} > "$out/env.txt"
cat "$out/env.txt"

if has build; then
  load "build, before"
  JAVA_HOME="$jdk25" ./mvnw -B -q -Pbench -DskipTests -Dmaven.javadoc.skip=true package -pl bench,cli -am
  load "build, after"
fi

if has kernels; then
  load "kernels, before"
  "$java17" -jar "$jar" 'KernelBackendsBench' -p backend=openblas -wi 1 -i 2 -w 2 -r 2 \
      -rf json -rff "$out/kernels.json" > "$out/kernels.log" 2>&1
  "${numpy_env[@]}" "$python" bench/numpy/dense_kernels.py 2 > "$out/kernels-numpy.txt"
  load "kernels, after"
fi

if has step; then
  load "step, before"
  "$java17" -jar "$jar" 'ShampooStepBench' -wi 1 -i 3 -w 2 -r 3 -rf json -rff "$out/step.json" > "$out/step.log" 2>&1
  "${numpy_env[@]}" "$python" bench/numpy/shampoo_step.py 4 > "$out/step-numpy.txt"
  load "step, after"
fi

if has quant; then
  rm -f "$out"/quant-*   # rounds of an earlier run in this directory would be counted with these
  for r in $(seq 1 "$rounds"); do
    for v in 17 25; do
      load "quant JDK $v round $r, before"
      if [ "$v" = 17 ]; then j="$java17"; else j="$jdk25/bin/java"; fi
      "$j" -jar "$jar" 'quant.QuantizeBenchmark.(copy|quantize|dequantize)$' -p layout=ROW_SEGMENTS \
          -f 1 -wi 3 -i 6 -w 1 -r 1 -rf json -rff "$out/quant-$v-$r.json" > "$out/quant-$v-$r.log" 2>&1
      grep -m1 -o 'quantizer kernel: .*' "$out/quant-$v-$r.log" > "$out/quant-$v-$r.kernel" || true
    done
  done
  load "quant, after"
fi

if has train; then
  for opt in adamw fp32; do
    load "train $opt, before"
    rm -rf "$out/train-$opt"
    JAVA_HOME="$java17_home" ./qshampoo train --dataset fashion-mnist --optimizers "$opt" --epochs 5 --progress none \
      --out "$out/train-$opt" > "$out/train-$opt.txt" 2>&1
  done
  load "train fp32 at T1 = 100, T2 = 500, before"
  rm -rf "$out/train-fp32-official"
  JAVA_HOME="$java17_home" ./qshampoo train --dataset fashion-mnist --optimizers fp32 --epochs 5 --progress none \
    --t1 100 --t2 500 --out "$out/train-fp32-official" > "$out/train-fp32-official.txt" 2>&1
  load "sklearn, before"
  OPENBLAS_NUM_THREADS=1 "$skpython" bench/fashion_mnist_sklearn.py > "$out/sklearn.txt" 2>&1
  load "train, after"
fi

if has tables; then
  load "tables, before"
  rm -rf "$out/tables"
  JAVA_HOME="$java17_home" /usr/bin/time -f "time: %e s wall, %U s user, %S s sys" ./qshampoo tables --out "$out/tables" > "$out/tables.txt" 2>&1
  load "tables, after"
fi

if has wholemodel && [ -n "${WHOLE_MODEL_DIR:-}" ]; then
  [ -d "$WHOLE_MODEL_DIR" ] || { echo "bench/goals.sh: WHOLE_MODEL_DIR '$WHOLE_MODEL_DIR' is not a directory" >&2; exit 2; }
  load "whole model, before"
  rc=0
  JAVA_HOME="$java17_home" QSHAMPOO_JAVA_OPTS="-Xmx10g" /usr/bin/time -f "time: %e s wall, %U s user, %S s sys" \
    ./qshampoo check trace "$WHOLE_MODEL_DIR" --threads "$(nproc)" --kernels openblas \
    --json "$out/wholemodel.json" > "$out/wholemodel.txt" 2>&1 || rc=$?
  echo "exit code: $rc" >> "$out/wholemodel.txt"
  load "whole model, after"
fi

"$python" bench/goals.py "$out" | tee "$out/goals.md"
