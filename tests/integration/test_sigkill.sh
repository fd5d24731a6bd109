# SIGKILL (nothing can be cleaned up) at random points of 20 runs: afterwards
# the target is either absent or a complete results file — the previous one,
# unchanged, or (if the run had finished) the new one; never a partial file.
# The .partial-<PID> files the killed runs leave are removed by the next run.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/bench_large.yaml"
target="$WORK/r.h5"
RANDOM=6 # reproducible kill points

complete() { # complete FILE — an HDF5 results file with complete == 1
  "$PYTHON" - "$1" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert int(f.attrs["complete"]) == 1, "complete != 1"
    assert "variants" in f.attrs
PY
}

"$JOURNEYSIM" run "$scenario" -o "$WORK/prev.h5" --agents 5000 --quiet
previous=$(sha256sum < "$WORK/prev.h5")
# Kill points spread over a whole run, whatever this machine's speed.
t0=$(date +%s%N)
"$JOURNEYSIM" run "$scenario" -o "$WORK/timing.h5" --agents 200000 --quiet
run_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rm -f "$WORK/timing.h5"
echo "one run: $run_ms ms"
kills=0 absent=0 kept=0 finished=0
for i in $(seq 1 20); do
  # Even runs replace an existing file (--force), odd ones start from nothing.
  rm -f "$target"
  force=()
  if ((i % 2 == 0)); then cp "$WORK/prev.h5" "$target"; force=(--force); fi
  "$JOURNEYSIM" run "$scenario" -o "$target" --agents 200000 --quiet "${force[@]}" 2>/dev/null &
  pid=$!
  # Up to 70 % of the timed run: under ctest -j the load (hence the run
  # time) changes between the timing run and these.
  delay_ms=$((RANDOM % (run_ms * 7 / 10 + 1) + 5))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
  wait "$pid" 2>/dev/null || true
  if [ ! -e "$target" ]; then
    absent=$((absent + 1))
    ((i % 2 == 1)) || fail "run $i (killed at ${delay_ms} ms): the previous file disappeared"
  elif [ "$(sha256sum < "$target")" = "$previous" ]; then
    kept=$((kept + 1))
  elif complete "$target" 2>"$WORK/py"; then
    finished=$((finished + 1)) # the run had finished and renamed its complete file
  else
    fail "run $i (killed at ${delay_ms} ms): '$target' is neither absent, the previous file nor complete"
    sed 's/^/  /' "$WORK/py" | tail -2 >&2
  fi
  ((i % 2 == 1)) && [ -e "$target" ] && [ "$(sha256sum < "$target")" = "$previous" ] &&
    fail "run $i: a fresh run produced the previous file?"
done
echo "20 runs: $kills killed; afterwards $absent absent, $kept previous file kept, $finished finished"
((kills >= 10)) || fail "only $kills of 20 runs were still running when killed (runs too short?)"

# Killed runs leave their temporary files; the next run removes them (no
# process holds their lock) and says so. The PID in a name proves nothing (it
# may be another PID namespace's): a file named after a live PID but not
# locked is stale too. (A locked one is kept: cli.test_concurrent_runs.)
# (Each run of the loop above already removed its predecessors' files, so one
# more run is killed here once its temporary file certainly exists.)
"$JOURNEYSIM" run "$scenario" -o "$target" --agents 2000000 --quiet --force 2>/dev/null &
pid=$!
for _ in $(seq 1 400); do [ -e "$target.partial-$pid" ] && break; sleep 0.025; done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null || true
[ -e "$target.partial-$pid" ] || fail "the run killed while writing left no temporary file"
sleep 30 &
live=$!
: > "$target.partial-$live"
rm -f "$target"
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$target" --agents 1000 --quiet
expect_in "$WORK/err" "left by a run that was killed"
# A run killed after its file was complete but before the rename (e.g. in
# fsync) leaves a complete file: it is kept on purpose (a failed rename says
# "the complete results were left in …"). Anything else must be gone.
for f in $(ls "$WORK" | grep '^r\.h5\.partial-' || true); do
  [ "$f" = "r.h5.partial-$live" ] && continue
  complete "$WORK/$f" 2>/dev/null || fail "stale incomplete partial file not cleaned up: $f"
done
[ ! -e "$target.partial-$live" ] || fail "an unlocked partial file was kept because its PID is alive"
kill "$live"
complete "$target" || fail "the run after the kills did not produce a complete file"
finish
