#!/usr/bin/env bash
# The whole-model check of docs/oracle.md ("Checking a whole model"): one qshampoo-trace/1 trace per parameter of
# the llama-130m preset (12 layers × q, k, v, o 768×768, gate/up 2048×768, down 768×2048, embedding and LM head
# 32000×768, 25 RMSNorm weights of 768: 111 traces), written by qshampoo itself (cli test class WholeModelTraces,
# through the test fixture TraceFixture, on OpenBLAS), then `qshampoo check trace DIR` timed on 2 and 1 threads.
#
#   bench/wholemodel.sh [OUT_DIR] [KERNELS] [THREADS…]   # default /tmp/qshampoo-llama130m, openblas, 2 1
#
# Steps: 4 of CQ+EF 4-bit (T1 = 1, T2 = 2: roots refreshed at steps 2 and 4), every state, record and the
# parameter dumped after step 4; seeded Gaussian gradients; about 6.0 GB of files. PHASE=gen or PHASE=check runs
# one phase. Each run's text, JSON report and `/usr/bin/time -v` output are written beside OUT_DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-/tmp/qshampoo-llama130m}"
kernels="${2:-openblas}"
shift $(( $# < 2 ? $# : 2 ))
threads_list=("${@:-2 1}")
phase="${PHASE:-all}"
cd "$here"
if [ "$phase" = all ] || [ "$phase" = gen ]; then
  ./mvnw -B -o -q package -pl cli -am -DskipTests -Dmaven.javadoc.skip=true
  ./mvnw -B -o -q test-compile -pl cli -am -Dmaven.javadoc.skip=true
  rm -rf "$out"
  uptime
  /usr/bin/time -v java -Xms6g -Xmx6g -cp cli/target/test-classes:cli/target/qshampoo.jar \
      io.qshampoo.cli.WholeModelTraces --preset llama-130m --out "$out" --steps 4 --t2 2 --dump 4 \
      --kernels openblas 2> "$out.gen.log"
  uptime
  grep -E "Elapsed|User time|System time|Maximum resident" "$out.gen.log"
  du -sh "$out"
fi
if [ "$phase" = all ] || [ "$phase" = check ]; then
  for threads in ${threads_list[*]}; do
    uptime
    rc=0
    QSHAMPOO_JAVA_OPTS="-Xmx10g" /usr/bin/time -v ./qshampoo check trace "$out" --threads "$threads" \
        --kernels "$kernels" --json "$out.$kernels.t$threads.json" > "$out.$kernels.t$threads.txt" \
        2> "$out.$kernels.t$threads.time" || rc=$?
    uptime
    echo "exit code $rc"
    tail -4 "$out.$kernels.t$threads.txt"
    grep -E "Elapsed|User time|System time|Maximum resident" "$out.$kernels.t$threads.time"
  done
  if [ -f "$out.$kernels.t2.json" ] && [ -f "$out.$kernels.t1.json" ]; then
    cmp "$out.$kernels.t2.json" "$out.$kernels.t1.json" && echo "the JSON reports of 2 and 1 threads are identical"
  fi
fi
