# Several runs to one output without --force: exactly one wins, the others
# say they lost and exit non-zero, and nothing is clobbered — also when a
# file appears at the target while a run is writing. --force replaces only
# the results file it checked at the start, never the scenario, a device,
# a symbolic link or another file. A temporary file is judged stale by its
# lock, not its PID (a writer in another PID namespace keeps its file).
source "$(dirname "$0")/lib.sh"
# The model-v1 shop (no population feedback, 5 variants): the mechanics tested
# here do not depend on the model, and it runs several times faster.
scenario="$TEST_DATA/legacy/checkout_what_if_v1.yaml"
target="$WORK/r.h5"

complete() { # complete FILE — a results file with complete == 1
  "$PYTHON" -c "import h5py,sys; f=h5py.File(sys.argv[1],'r'); assert int(f.attrs['complete'])==1" "$1"
}
wait_for() { # wait_for PATH — up to 20 s
  for _ in $(seq 1 800); do [ -e "$1" ] && return 0; sleep 0.025; done
  fail "$1 never appeared"
}

# 1. N runs started together: exactly one wins, the others exit 2 ("is
#    writing") or 1 ("lost the race"), each with one clear line.
rounds=5 n=4
for round in $(seq 1 $rounds); do
  rm -f "$target" "$target".partial-*
  pids=()
  for i in $(seq 1 $n); do
    "$JOURNEYSIM" run "$scenario" -o "$target" --agents 50000 --quiet 2>"$WORK/err$i" &
    pids+=($!)
  done
  wins=0
  for i in $(seq 1 $n); do
    code=0; wait "${pids[$((i - 1))]}" || code=$?
    if [ "$code" = 0 ]; then
      wins=$((wins + 1))
    else
      [ "$code" = 1 ] || [ "$code" = 2 ] || fail "round $round run $i: exit $code"
      grep -qE "is writing|lost the race|exists; use --force" "$WORK/err$i" ||
        { fail "round $round run $i lost without saying so:"; sed 's/^/  /' "$WORK/err$i" >&2; }
      [ "$(wc -l < "$WORK/err$i")" = 1 ] || fail "round $round run $i: more than one line"
    fi
  done
  [ "$wins" = 1 ] || fail "round $round: $wins of $n concurrent runs exited 0, wanted exactly 1"
  complete "$target" || fail "round $round: the winner's file is not complete"
done
echo "$rounds rounds of $n concurrent runs: one winner each"

# 2. A file that appears at the target while a run writes is not replaced.
rm -f "$target" "$target".partial-*
"$JOURNEYSIM" run "$scenario" -o "$WORK/other.h5" --agents 1000 --quiet
other=$(sha256sum < "$WORK/other.h5")
"$JOURNEYSIM" run "$scenario" -o "$target" --agents 1000000 --threads 1 --quiet 2>"$WORK/err" &
pid=$!
wait_for "$target.partial-$pid"
cp "$WORK/other.h5" "$WORK/tmp.h5" && mv "$WORK/tmp.h5" "$target" # appears atomically
code=0; wait "$pid" || code=$?
[ "$code" = 1 ] || fail "the run whose target appeared meanwhile: exit $code, wanted 1"
expect_in "$WORK/err" "lost the race"
[ "$(sha256sum < "$target")" = "$other" ] || fail "the file that appeared at the target was replaced"
complete "$target.partial-$pid" || fail "the losing run's complete results are not where it said"

# 3. --force replaces only the file it checked: another file put there
#    meanwhile survives.
rm -f "$target".partial-*
"$JOURNEYSIM" run "$scenario" -o "$WORK/third.h5" --agents 1000 --seed 3 --quiet
third=$(sha256sum < "$WORK/third.h5")
"$JOURNEYSIM" run "$scenario" -o "$target" --agents 1000000 --threads 1 --quiet --force 2>"$WORK/err" &
pid=$!
wait_for "$target.partial-$pid"
mv "$WORK/third.h5" "$target"
code=0; wait "$pid" || code=$?
[ "$code" = 1 ] || fail "--force run whose target was replaced meanwhile: exit $code, wanted 1"
expect_in "$WORK/err" "lost the race"
[ "$(sha256sum < "$target")" = "$third" ] || fail "--force replaced a file it had not checked"
rm -f "$target".partial-*

# 4. What --force never replaces (exit 2, the file unchanged).
cp "$scenario" "$WORK/s.yaml"
refused() { # refused WHAT TEXT FILE ARGS...
  local what=$1 text=$2 file=$3; shift 3
  local before
  before=$(sha256sum < "$file" 2>/dev/null || echo none)
  expect_exit 2 "$JOURNEYSIM" "$@" --quiet --force
  expect_in "$WORK/err" "$text"
  [ "$(sha256sum < "$file" 2>/dev/null || echo none)" = "$before" ] || fail "--force replaced $what"
}
refused "the scenario" "it is the scenario this command reads" "$WORK/s.yaml" run "$WORK/s.yaml" -o "$WORK/s.yaml" -n 100
printf 'notes\n' > "$WORK/notes.txt"
refused "a text file" "not a journeysim results file" "$WORK/notes.txt" run "$scenario" -o "$WORK/notes.txt" -n 100
ln -s "$target" "$WORK/link.h5"
refused "a symbolic link" "symbolic link" "$WORK/link.h5" run "$scenario" -o "$WORK/link.h5" -n 100
mkfifo "$WORK/fifo.h5"
expect_exit 2 timeout 20 "$JOURNEYSIM" run "$scenario" -o "$WORK/fifo.h5" -n 100 --quiet --force
expect_in "$WORK/err" "not a regular file"
"$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout=0.1,0.2 -n 1000 -o "$WORK/sweep.h5" --quiet
refused "a sweep file (by run)" "not a journeysim results file" "$WORK/sweep.h5" run "$scenario" -o "$WORK/sweep.h5" -n 100
refused "a run's file (by sweep)" "not a journeysim sweep file" "$target" sweep "$scenario" --set stages.intent.dropout=0.1 -n 100 -o "$target"
[ -c /dev/null ] && refused "/dev/null" "not a regular file" /dev/null run "$scenario" -o /dev/null -n 100

# 5. A live writer's temporary file is left alone whatever its PID says (here
#    a PID that does not exist in this namespace, locked by a live process,
#    as a writer in another container would); once its lock is gone, the next
#    run removes it.
rm -f "$target" "$target".partial-*
ghost="$target.partial-999999999"
: > "$ghost"
"$PYTHON" - "$ghost" "$WORK/locked" <<'PY' &
import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0))
open(sys.argv[2], "w").close()
time.sleep(60)
PY
holder=$!
wait_for "$WORK/locked"
expect_exit 2 "$JOURNEYSIM" run "$scenario" -o "$target" --agents 1000 --quiet
expect_in "$WORK/err" "is writing"
[ -e "$ghost" ] || fail "a live writer's temporary file (PID not in this namespace) was removed"
[ ! -e "$target" ] || fail "a run wrote the target while another process was writing it"
kill "$holder"; wait "$holder" 2>/dev/null || true
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$target" --agents 1000 --quiet
expect_in "$WORK/err" "left by a run that was killed"
[ ! -e "$ghost" ] || fail "a stale temporary file (no lock) was not removed"
finish
