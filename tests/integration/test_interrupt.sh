# Ctrl-C (SIGINT) and SIGTERM stop a run promptly, leave no file behind, and
# exit 130 / 143; an existing results file survives an interrupted --force run.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/bench_large.yaml"

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
  ((ms < 1000)) || fail "SIGNAL $sig: took $ms ms to stop"
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
finish
