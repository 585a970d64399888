#!/usr/bin/env bash
# Prepares and runs the gpu module's test suite on a GPU machine that has no JDK and no Maven.
#
#   gpu/run-on-device.sh stage   (default; here, with JDK 25 and Maven via ./mvnw)
#       builds the gpu jars and their test class path, makes a minimal jlink runtime, stages both in .device/
#       (git-ignored; with the tracked files it must stay under 64 MiB, the device tool's limit), and prints the device tool call.
#   gpu/run-on-device.sh run     (there, from the repository root, with .device/ carried along)
#       prints nvidia-smi and the backend's own report (gpu-info), then runs every gpu test with the JUnit console
#       launcher on the staged runtime (--enable-native-access=ALL-UNNAMED), writing JUnit XML, the console log and
#       the tests' measurement reports to $OUT (default .device/out).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
stage="$root/.device"
limit_mib=64

stage() {
  local jdk="${JDK_FOR_GPU:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  [ -x "$jdk/bin/jlink" ] || { echo "run-on-device.sh: no JDK 22+ with jlink at $jdk (set JDK_FOR_GPU)" >&2; exit 2; }
  echo "== building the gpu module and its test class path with $jdk"
  (cd "$root" && JAVA_HOME="$jdk" ./mvnw -B -q -pl gpu -am -DskipTests package dependency:copy-dependencies \
      -DincludeScope=test -Dmdep.useRepositoryLayout=false)
  rm -rf "$stage"
  mkdir -p "$stage/lib"
  # the module's jar and its tests jar (not its -sources and -javadoc jars)
  ls "$root"/gpu/target/qshampoo-gpu-*.jar | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' | xargs -I{} cp {} "$stage/lib/"
  cp "$root"/gpu/target/dependency/*.jar "$stage/lib/"
  # For a machine without NVRTC: the same quantize.cu compiled ahead of time (oldest architecture nvcc supports, so
  # the driver can JIT it for any newer GPU). Used only where NVRTC is missing, and reported as such.
  local nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
  if [ -x "$nvcc" ]; then
    local arch
    arch="$("$nvcc" --list-gpu-arch | grep -E '^compute_[0-9]+$' | head -1)"
    "$nvcc" --ptx -arch="$arch" --fmad=false --ftz=false --prec-div=true --prec-sqrt=true \
        -o "$stage/quantize.ptx" "$root/gpu/src/main/resources/io/qshampoo/gpu/quantize.cu"
    echo "== quantize.ptx ($arch, $("$nvcc" --version | grep -o 'release [0-9.]*')) for a device without NVRTC"
  else
    echo "== no nvcc: the device will need NVRTC for the quantizer"
  fi
  echo "== modules the staged jars need (jdeps)"
  local mods
  mods="$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release base --print-module-deps "$stage"/lib/*.jar 2>/dev/null \
      | grep -E '^[a-z][a-z0-9.,]*$' | tail -1)"
  # java.desktop is referenced only by EJML's matrix visualization (DMatrixComponent, DMatrixVisualization) and
  # Commons Math's 2-D geometry (Line), which qshampoo never loads; leaving it out saves ~14 MiB and keeps the
  # staged tree under the limit. The suite run on this very runtime (gpu/run-on-device.sh run, here without a GPU)
  # exercises every other class the device tests load.
  mods="$(echo "$mods" | tr ',' '\n' | grep -vx 'java.desktop' | paste -sd, -)"
  # java.logging: JUnit's logging; jdk.unsupported: sun.misc.Unsafe users; jdk.zipfs: jar file systems
  mods="$mods,java.logging,jdk.unsupported,jdk.zipfs"
  echo "   $mods"
  echo "== jlink"
  "$jdk/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
      --output "$stage/runtime"
  # libjvm.so keeps its symbol table; without it the staged tree is 5 MiB smaller (the tree and the carried .device/
  # together must stay under the device tool's 64 MiB). Stack traces of Java code are unaffected.
  if command -v strip >/dev/null; then strip --strip-unneeded "$stage/runtime/lib/server/libjvm.so"; fi
  "$stage/runtime/bin/java" -version 2>&1 | sed 's/^/   /'
  local rt libs total
  rt=$(du -sk "$stage/runtime" | cut -f1)
  libs=$(du -sk "$stage/lib" | cut -f1)
  total=$(du -sk "$stage" | cut -f1)
  # what travels is the staged tree and the repository's tracked files together
  local tree
  tree=$(( $(cd "$root" && git ls-files -z | du -cb --files0-from=- | tail -1 | cut -f1) / 1024 ))
  printf '== staged .device/: runtime %.1f MiB, jars %.1f MiB (%d files), total %.1f MiB; with the tracked tree %.1f MiB (limit %d MiB)\n' \
      "$(echo "$rt/1024" | bc -l)" "$(echo "$libs/1024" | bc -l)" "$(ls "$stage/lib" | wc -l)" \
      "$(echo "$total/1024" | bc -l)" "$(echo "($total+$tree)/1024" | bc -l)" "$limit_mib"
  if [ $((total + tree)) -gt $((limit_mib * 1024)) ]; then
    echo "run-on-device.sh: .device/ and the tracked tree together are larger than $limit_mib MiB" >&2
    exit 1
  fi
  cat <<'CALL'
== the device tool call (runs the suite there; reports come back under $OUT):
   run(command = "bash gpu/run-on-device.sh run",
       carry   = [".device"],
       timeout_s = 600)
CALL
}

run() {
  local java="$stage/runtime/bin/java"
  [ -x "$java" ] || { echo "run-on-device.sh: $java missing: stage first (gpu/run-on-device.sh stage) and carry .device" >&2; exit 2; }
  local out="${OUT:-$stage/out}"
  mkdir -p "$out/junit"
  { nvidia-smi || echo "nvidia-smi unavailable"; } > "$out/nvidia-smi.txt" 2>&1
  cat "$out/nvidia-smi.txt"
  local cp="$stage/lib/*"
  local tests
  tests="$(ls "$stage"/lib/qshampoo-gpu-*-tests.jar)"
  local jvm=(-Xmx24g --enable-native-access=ALL-UNNAMED "-Dqshampoo.gpu.reportDir=$out")
  [ -f "$stage/quantize.ptx" ] && jvm+=("-Dqshampoo.gpu.ptx=$stage/quantize.ptx")
  "$java" "${jvm[@]}" -cp "$cp" io.qshampoo.gpu.CudaBackend 2>&1 | tee "$out/gpu-info.txt"
  # One JVM per device test class, most important first, each with what is left of the time budget: a class that
  # runs out of time loses only its own JUnit XML (the console log is streamed), not the others'.
  local budget="${SUITE_TIMEOUT_S:-540}" start=$SECONDS rc=0 left
  local classes=(DeviceQuantizerAgreementTest DeviceDenseKernelsTest DeviceQuantizeThroughputTest DeviceShampooStepTest
                 DeviceInverseRootTest)
  for c in "${classes[@]}" REST; do
    left=$((budget - (SECONDS - start)))
    if [ "$left" -le 15 ]; then
      echo "== $c: not run, the time budget (${budget}s) is spent" | tee -a "$out/console.txt"
      rc=1
      continue
    fi
    local select=(--select-class "io.qshampoo.gpu.$c")
    # the rest: every other test class (discovery report, nvcc check, the host-emulated tests where a C++ compiler is)
    [ "$c" = REST ] && select=(--scan-classpath "$tests" --exclude-classname '.*\.Device.*')
    echo "== $c (${left}s left)" | tee -a "$out/console.txt"
    timeout "$left" "$java" "${jvm[@]}" -cp "$cp" org.junit.platform.console.ConsoleLauncher execute \
        "${select[@]}" --reports-dir "$out/junit/$c" --details=tree --disable-banner --disable-ansi-colors \
        2>&1 | tee -a "$out/console.txt" || rc=$?
  done
  echo "== suite exit status $rc (0: every class ran and passed or skipped); reports in $out"
  ls -la "$out"
  return "$rc"
}

case "${1:-stage}" in
  stage) stage ;;
  run) run ;;
  *) echo "usage: $0 [stage|run]" >&2; exit 2 ;;
esac
