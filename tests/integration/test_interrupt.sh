# Ctrl-C (SIGINT) and SIGTERM stop a run promptly, leave no file behind, and
# exit 130 / 143; an existing results file survives an interrupted --force run.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/bench_large.yaml"
# A run stops in well under a second on a quiet machine (70–160 ms in CI);
# the bound leaves room for a CI host busy with other work (a run took 1.2 s
# with two builds beside it), so that a slow machine never fails the test.
STOP_MS=2500

interrupt() { # interrupt SIGNAL WANT_CODE EXTRA_ARGS...
  local sig=$1 want=$2; shift 2
  "$JOURNEYSIM" run "$scenario" -o "$WORK/big.h5" --agents 1e8 --quiet "$@" 2>"$WORK/err" &
  local pid=$!
  sleep 1.5
  local t0=$(date +%s%N)
  kill -"$sig" "$pid"
  local code=0
  wait "$pid" || code=$?
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$code" = "$want" ] || fail "SIGNAL $sig: exit $code, wanted $want"
  ((ms < STOP_MS)) || fail "SIGNAL $sig: took $ms ms to stop"
  expect_in "$WORK/err" "interrupted"
  ls "$WORK" | grep -q partial && fail "partial file left after $sig"
  return 0
}

interrupt INT 130
[ ! -e "$WORK/big.h5" ] || fail "an interrupted run left a results file"
interrupt TERM 143

# A complete previous file survives an interrupted --force run untouched.
"$JOURNEYSIM" run "$scenario" -o "$WORK/big.h5" --agents 2000 --quiet
before=$(sha256sum < "$WORK/big.h5")
interrupt INT 130 --force
[ "$(sha256sum < "$WORK/big.h5")" = "$before" ] || fail "the previous results file was changed"
expect_in "$WORK/err" "still holds the previous results, unchanged"
[ "$(wc -l < "$WORK/err")" = 1 ] || fail "more than one line after an interrupt: $(cat "$WORK/err")"

# sweep --force: the previous sweep file stays as it was, the new one's
# temporary file goes; one line says so.
grid=(--set stages.consideration.dropout=0.01:0.3:0.01 --agents 200000 --quiet)
"$JOURNEYSIM" sweep "$scenario" --set stages.consideration.dropout=0.1 --agents 1000 -o "$WORK/s.h5" --quiet
before=$(sha256sum < "$WORK/s.h5")
"$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/s.h5" --force 2>"$WORK/err" &
pid=$!
sleep 1.5
kill -INT "$pid"
code=0
wait "$pid" || code=$?
[ "$code" = 130 ] || fail "sweep --force: exit $code, wanted 130"
[ "$(sha256sum < "$WORK/s.h5")" = "$before" ] || fail "sweep --force: the previous sweep file was changed"
expect_in "$WORK/err" "still holds the previous sweep, unchanged"
[ "$(wc -l < "$WORK/err")" = 1 ] || fail "sweep: more than one line after an interrupt: $(cat "$WORK/err")"
ls "$WORK" | grep -q partial && fail "sweep --force: partial file left"

# 1000 variants (a block of agents is 1000 simulations long: the workers
# check between variants too) and --threads 1024 (capped at 4 × the cores,
# so that no thousand blocks are in flight): stopped in < 1 s as well.
"$PYTHON" - "$TEST_DATA/good/small_with_variants.yaml" "$WORK/v1000.yaml" <<'PY'
import sys
base = open(sys.argv[1]).read()
head = base[:base.index("variants:")]
lines = "".join(f"  - {{name: v{k}, set: {{touchpoints.ads.reach: {0.1 + k * 0.0005:.4f}}}}}\n" for k in range(999))
open(sys.argv[2], "w").write(head + "variants:\n" + lines)
PY
for args in "$WORK/v1000.yaml --summary-only" "$scenario --threads 1024 --summary-only"; do
  # shellcheck disable=SC2086
  "$JOURNEYSIM" run $args --agents 1e8 -o "$WORK/many.h5" --quiet 2>"$WORK/err" &
  pid=$!
  sleep 3
  t0=$(date +%s%N)
  kill -INT "$pid"
  code=0; wait "$pid" || code=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$code" = 130 ] || fail "run $args: exit $code, wanted 130"
  ((ms < STOP_MS)) || fail "run $args: took $ms ms to stop"
  echo "run $args: stopped in $ms ms"
done

# A reading command has no handler it would not look at: Ctrl-C ends it at
# once (exit 130). Recomputing the comparison against another baseline from
# 10^6 agents' columns takes seconds (≈ 1 s on this 2-core machine, well
# past the 0.3 s wait); were it done before the signal, there is nothing
# to check.
"$JOURNEYSIM" run "$SOURCE_DIR/scenarios/checkout_what_if.yaml" -n 1e6 -q -o "$WORK/cmp.h5"
"$JOURNEYSIM" compare "$WORK/cmp.h5" --baseline simplified_checkout --by persona >/dev/null 2>&1 &
pid=$!
sleep 0.3
if kill -0 "$pid" 2>/dev/null; then
  t0=$(date +%s%N)
  kill -INT "$pid"
  code=0; wait "$pid" || code=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$code" = 130 ] || fail "compare: exit $code after SIGINT, wanted 130"
  ((ms < STOP_MS)) || fail "compare: took $ms ms to stop"
  echo "compare: stopped in $ms ms"
fi
finish
