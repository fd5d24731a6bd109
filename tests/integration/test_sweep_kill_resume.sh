# A sweep killed with SIGKILL at random points, or stopped by a full disk,
# keeps its finished runs and `--resume` continues it — whatever state HDF5's
# "open for write" superblock flag was left in — to the same file as a sweep
# that was never interrupted (SWEEP_KILL_TRIALS=N for more trials than 3).
# A sweep being written is locked: a second
# `--resume` of it is refused while the first runs. Files torn the ways a
# kill inside a flush tears them are rebuilt from their intact runs.
source "$(dirname "$0")/lib.sh"
# The model-v1 shop (no population feedback, 5 variants): the mechanics tested
# here do not depend on the model, and it runs several times faster.
scenario="$TEST_DATA/legacy/checkout_what_if_v1.yaml"
grid=(--set touchpoints.checkout.checkout.steps=1:3:1 --set stages.intent.dropout=0.1,0.2,0.3 -r 2 -n 20000 --threads 2)
RANDOM=14 # reproducible kill points

same_as_full() { # same_as_full FILE — identical content to $WORK/full.h5
  "$PYTHON" - "$WORK/full.h5" "$1" <<'PY'
import sys, h5py, numpy as np
def content(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()].tolist() if obj.dtype.kind in "OV" else obj[()].tobytes()
            for k, v in obj.attrs.items():
                a = np.array(v)
                out[name + "@" + k] = v if isinstance(v, str) else a.tolist() if a.dtype.kind == "O" else a.tobytes()
        f.visititems(visit)
        for k in ("complete", "sweep_definition", "seed", "population"):
            out["@" + k] = np.array(f.attrs[k]).tolist()
    return out
a, b = content(sys.argv[1]), content(sys.argv[2])
assert a.keys() == b.keys(), sorted(set(a) ^ set(b))[:5]
diff = [k for k in a if a[k] != b[k]]
assert not diff, diff[:5]
PY
}

t0=$(date +%s%N)
"$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/full.h5" --quiet
full_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "uninterrupted sweep: $full_ms ms"

# 1. SIGKILL at random points; after each, --resume (killed again at random
#    points) until one finishes.
kills=0 attempts=0
for trial in $(seq 1 "${SWEEP_KILL_TRIALS:-3}"); do
  out="$WORK/k$trial.h5"
  args=()
  tries=0
  while :; do
    attempts=$((attempts + 1)) tries=$((tries + 1))
    "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$out" --quiet "${args[@]}" 2>"$WORK/err" &
    pid=$!
    delay_ms=$((RANDOM % (full_ms / 2 + 1) + 50))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    if kill -KILL "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      kills=$((kills + 1))
      if [ ! -e "$out" ]; then args=(); continue; fi # killed before the file existed
      args=(--resume)
      ((tries < 60)) || { fail "trial $trial: no resume finished after $tries attempts"; break; }
      continue
    fi
    code=0; wait "$pid" || code=$?
    # The kill can land after the sweep was complete, before it exited.
    [ "$code" = 2 ] && grep -q "is a complete sweep; nothing to resume" "$WORK/err" && break
    [ "$code" = 0 ] || { fail "trial $trial: sweep ${args[*]} exit $code:"; sed 's/^/  /' "$WORK/err" >&2; }
    break
  done
  same_as_full "$out" || fail "trial $trial: the sweep resumed after SIGKILLs differs from the uninterrupted one"
done
echo "SIGKILL: $kills kills over $attempts starts; every resumed sweep equals the uninterrupted one"
# Each trial's first start is a whole sweep killed before half its measured
# time, so it is killed even if the machine got twice as fast meanwhile; the
# resumed ones are shorter and may finish first.
((kills >= ${SWEEP_KILL_TRIALS:-3})) || fail "only $kills kills in ${SWEEP_KILL_TRIALS:-3} trials (sweeps too short?)"

# 1b. Kills early in the start, in 10 ms steps through the writing of the
#     new file: the target is never there without its identity (a file a
#     kill left before its first flush could not be resumed, nor replaced by
#     --force); it is absent, its temporary removed by the next start, or it
#     is a sweep that --resume continues.
early=0
for delay_ms in $(seq 0 10 200); do
  rm -f "$WORK/early.h5"
  "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/early.h5" --quiet 2>/dev/null &
  pid=$!
  sleep "$(printf '0.%03d' "$delay_ms")"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -e "$WORK/early.h5" ]; then
    early=$((early + 1))
    cp "$WORK/early.h5" "$WORK/early_$delay_ms.h5"
  fi
done
partials=$(ls "$WORK" | grep -c "early.h5.partial" || true)
((partials <= 1)) || fail "$partials temporary files of killed sweeps are left (each start removes earlier ones)"
# The earliest target a kill left is the likeliest to be torn (an old build
# left one of only a superblock there): --resume continues it.
first_early=$(ls "$WORK" | grep -E '^early_[0-9]+\.h5$' | sort -t_ -k2 -n | head -1)
if [ -n "$first_early" ]; then
  expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/$first_early" --quiet --resume
  same_as_full "$WORK/$first_early" || fail "a sweep killed early ($first_early) and resumed differs from the uninterrupted one"
fi
echo "early kills: $early of 21 left a target; the earliest, $first_early, resumed"

# 2. A second writer of a sweep being written is refused.
"$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/busy.h5" --quiet 2>/dev/null &
pid=$!
for _ in $(seq 1 400); do [ -e "$WORK/busy.h5" ] && break; sleep 0.025; done
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/busy.h5" --quiet --resume
expect_in "$WORK/err" "is writing"
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true

# 3. A full disk (the file size limit, which always works; a tmpfs where we may
#    mount): exit 1, one line; --resume with room finishes it.
size=$(stat -c %s "$WORK/full.h5")
limit_kb=$((size / 1024 / 2))
code=0
(ulimit -f "$limit_kb"; exec "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/full_disk.h5" --quiet) 2>"$WORK/err" || code=$?
[ "$code" = 1 ] || fail "sweep past the file size limit: exit $code, wanted 1"
[ "$(wc -l < "$WORK/err")" = 1 ] || fail "sweep past the file size limit: not one line of error"
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/full_disk.h5" --quiet --resume
same_as_full "$WORK/full_disk.h5" || fail "the sweep resumed after a full disk differs from the uninterrupted one"
if [ "$(id -u)" = 0 ] && mkdir -p "$WORK/tiny" && mount -t tmpfs -o size=$((size / 2)) tmpfs "$WORK/tiny" 2>/dev/null; then
  trap 'umount "$WORK/tiny" 2>/dev/null; rm -rf "$WORK"' EXIT
  expect_exit 1 "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/tiny/s.h5" --quiet --no-space-check
  cp "$WORK/tiny/s.h5" "$WORK/from_tmpfs.h5"
  expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$WORK/from_tmpfs.h5" --quiet --resume
  same_as_full "$WORK/from_tmpfs.h5" || fail "the sweep resumed after a full tmpfs differs from the uninterrupted one"
  echo "full tmpfs: resumed"
fi

# Torn files (what a kill inside a flush leaves), made by hand from a sweep
# stopped by the file size limit after some runs: --resume rebuilds each from
# its intact runs and finishes the uninterrupted sweep.
stopped_sweep() { # stopped_sweep FILE
  local code=0
  (ulimit -f $((size / 1024 * 2 / 5 + 1024)); exec "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$1" --quiet) 2>/dev/null || code=$?
  [ "$code" = 1 ] || fail "sweep past the file size limit ($1): exit $code, wanted 1"
}
resumes_rebuilt() { # resumes_rebuilt FILE WHAT
  expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -o "$1" --quiet --resume
  expect_in "$WORK/err" "was torn by a kill inside a write; rebuilt from its"
  same_as_full "$1" || fail "the sweep resumed $2 differs from the uninterrupted one"
  if ls "$WORK" | grep -q "$(basename "$1").partial"; then fail "the rebuild of $1 left a partial file"; fi
}

# 4. Rows past the index's length in its chunk, their strings pointing into
#    heap space the file may not hold: appending over such a row made HDF5
#    free the string it points to (here a copy of the last row's: the last
#    finished run's variant name was silently overwritten).
stopped_sweep "$WORK/stale.h5"
expect_exit 0 "$PYTHON" - "$WORK/stale.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    index = f["runs/index"]
    n = index.shape[0]
    assert n >= 1 and index.shape[0] < index.chunks[0], (index.shape, index.chunks)
    mask, chunk = index.id.read_direct_chunk((0,))
    width = len(chunk) // index.chunks[0]
    index.id.write_direct_chunk((0,), chunk[: n * width] + chunk[(n - 1) * width : n * width] + chunk[(n + 1) * width :], mask)
PY
resumes_rebuilt "$WORK/stale.h5" "over stale index rows"

# 5. An object that does not verify (the object header of the last finished
#    run's last group overwritten): that run does not copy and is run again.
stopped_sweep "$WORK/torn.h5"
expect_exit 0 "$PYTHON" - "$WORK/torn.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    last = int(f["runs/index"]["run"].max())
    header = h5py.h5o.get_info(f[f"runs/{last}"].id).addr
with open(sys.argv[1], "r+b") as raw:
    raw.seek(header + 8)
    raw.write(b"\xff" * 8)
PY
resumes_rebuilt "$WORK/torn.h5" "after an overwritten object header"

# 6. A file shorter than its superblock records (the superblock reached the
#    disk, the last writes did not), which HDF5 refuses to open: padded.
stopped_sweep "$WORK/short.h5"
truncate -s -5000 "$WORK/short.h5"
resumes_rebuilt "$WORK/short.h5" "from a short file"
finish
