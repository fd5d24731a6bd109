# Faults while writing results: a full disk (a tiny tmpfs, and `ulimit -f`),
# a read-only directory, a missing directory, an output path that is a
# directory, too little space for the estimated size. Each: exit 1, one clear
# line, no HDF5 error stack, no file left that looks complete, and a previous
# results file (with --force) survives unchanged.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/bench_large.yaml"
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# fault_ok WHAT TEXT — the last command failed cleanly: exit 1 (checked by
# expect_exit), one line naming the problem, no HDF5 diagnostics.
fault_ok() {
  local what=$1 text=$2
  [ "$(wc -l < "$WORK/err")" = 1 ] || { fail "$what: expected one line of error, got:"; head -5 "$WORK/err" | sed 's/^/  /' >&2; }
  grep -q "HDF5-DIAG\|#00\|H5F\|H5D" "$WORK/err" && fail "$what: HDF5 error stack printed"
  expect_in "$WORK/err" "$text"
}

# no_leftovers DIR — nothing but what the test put there.
no_leftovers() {
  local left
  left=$(ls -A "$1" | grep -v '^prev\.h5$' || true)
  [ -z "$left" ] || fail "left in $1: $left"
}

# 1. Missing directory, output path that is a directory.
expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/nowhere/r.h5" --agents 1000 --quiet
fault_ok "missing directory" "does not exist"
mkdir "$WORK/dir.h5"
expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/dir.h5" --agents 1000 --quiet --force
fault_ok "output is a directory" "is a directory"
expect_exit 1 "$JOURNEYSIM" sweep "$scenario" --set stages.consideration.dropout=0.1,0.2 -o "$WORK/dir.h5" --agents 1000 --quiet
fault_ok "sweep output is a directory" "is a directory"
# --paths where it cannot be written is refused before the run, not after it.
expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/p.h5" --paths "$WORK/nowhere/p.txt" --agents 1000 --quiet
fault_ok "--paths in a missing directory" "--paths: cannot create '$WORK/nowhere/p.txt.partial-"
[ ! -e "$WORK/p.h5" ] || fail "--paths in a missing directory: the run went ahead"
expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/p.h5" --paths "$WORK/dir.h5" --agents 1000 --quiet
fault_ok "--paths is a directory" "--paths: '$WORK/dir.h5' is a directory"
# So are optimize's and calibrate's outputs: one line, before any evaluation (nothing on stdout).
expect_exit 1 "$JOURNEYSIM" optimize "$scenario" --lever stages.intent.dropout=0.1,0.2 --maximize profit -r 2 \
  --agents 1000 -o "$WORK/nowhere/o.h5"
fault_ok "optimize -o in a missing directory" "--output: cannot create '$WORK/nowhere/o.h5.partial-"
[ ! -s "$WORK/out" ] || fail "optimize -o in a missing directory: it optimised first"
printf 'stage,reached\nawareness,1000\ninterest,300\n' >"$WORK/funnel.csv"
expect_exit 1 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/funnel.csv" --free stages.interest.dropout=0.01:0.5 \
  --agents 1000 -o "$WORK/dir.h5"
fault_ok "calibrate -o a directory" "--output: '$WORK/dir.h5' is a directory"

# 2. The space check: more than the file system has is refused before anything is written.
mkdir "$WORK/small"
if mount -t tmpfs -o size=4m tmpfs "$WORK/small" 2>/dev/null; then
  mounts+=("$WORK/small")
  have_tmpfs=1
else
  echo "note: cannot mount a tmpfs here (not root?); disk full is tested with ulimit -f only"
  have_tmpfs=0
fi

if ((have_tmpfs)); then
  expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/small/r.h5" --agents 1e6 --quiet
  fault_ok "space check" "not enough disk space"
  no_leftovers "$WORK/small"
  expect_exit 1 "$JOURNEYSIM" sweep "$scenario" --set stages.consideration.dropout=0.1,0.2 --per-agent -o "$WORK/small/s.h5" --agents 1e6 --quiet
  fault_ok "sweep space check" "not enough disk space"
  no_leftovers "$WORK/small"

  # 3. Disk really full (the check skipped): the write fails cleanly, the
  #    temporary file is removed, and a previous file survives (--force).
  "$JOURNEYSIM" run "$scenario" -o "$WORK/small/prev.h5" --agents 1000 --quiet
  before=$(sha256sum < "$WORK/small/prev.h5")
  expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/small/r.h5" --agents 1e6 --quiet --no-space-check
  fault_ok "disk full" "No space left on device"
  no_leftovers "$WORK/small"
  expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/small/prev.h5" --agents 1e6 --quiet --no-space-check --force
  fault_ok "disk full, --force" "No space left on device"
  [ "$(sha256sum < "$WORK/small/prev.h5")" = "$before" ] || fail "disk full: the previous file changed"
  no_leftovers "$WORK/small"
  # A sweep writing in place keeps what it has, marked incomplete (complete =
  # 0): it does not start a run that might not fit (a write failing half-way
  # would leave HDF5's metadata inconsistent), so it stops between runs.
  expect_exit 1 "$JOURNEYSIM" sweep "$scenario" --set stages.consideration.dropout=0.1,0.2,0.3 --per-agent -o "$WORK/small/s.h5" --agents 2e5 --quiet --no-space-check
  fault_ok "sweep, disk full" "no room for run 1 of the sweep"
  if [ -e "$WORK/small/s.h5" ]; then
    "$PYTHON" - "$WORK/small/s.h5" <<'PY' || fail "sweep, disk full: the file left looks complete"
import sys, h5py
try:
    f = h5py.File(sys.argv[1], "r")
except OSError:
    sys.exit(0)  # not even readable: cannot pass for complete either
assert int(f.attrs.get("complete", 0)) == 0
PY
    rm -f "$WORK/small/s.h5"
  fi

  # 4. A read-only directory (root ignores permissions: a read-only mount).
  mount -o remount,ro "$WORK/small"
  expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/small/r.h5" --agents 1000 --quiet
  fault_ok "read-only directory" "Read-only file system"
  expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/small/prev.h5" --agents 1000 --quiet --force
  fault_ok "read-only directory, --force" "Read-only file system"
  [ "$(sha256sum < "$WORK/small/prev.h5")" = "$before" ] || fail "read-only: the previous file changed"
elif [ "$(id -u)" != 0 ]; then
  mkdir "$WORK/ro" && chmod a-w "$WORK/ro"
  expect_exit 1 "$JOURNEYSIM" run "$scenario" -o "$WORK/ro/r.h5" --agents 1000 --quiet
  fault_ok "read-only directory" "Permission denied"
else
  mkdir "$WORK/ro" && chmod a-w "$WORK/ro" && chmod a+x "$WORK"
  expect_exit 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$JOURNEYSIM" run "$scenario" -o "$WORK/ro/r.h5" --agents 1000 --quiet
  fault_ok "read-only directory" "Permission denied"
fi

# 5. A file size limit (ulimit -f, EFBIG; SIGXFSZ is ignored so the process
#    is not killed): same clean failure as a full disk. Works everywhere.
mkdir "$WORK/lim"
"$JOURNEYSIM" run "$scenario" -o "$WORK/lim/prev.h5" --agents 1000 --quiet
before=$(sha256sum < "$WORK/lim/prev.h5")
expect_exit 1 bash -c 'ulimit -f 2048; exec "$@"' _ "$JOURNEYSIM" run "$scenario" -o "$WORK/lim/r.h5" --agents 1e5 --quiet
fault_ok "ulimit -f" "File too large"
no_leftovers "$WORK/lim"
expect_exit 1 bash -c 'ulimit -f 2048; exec "$@"' _ "$JOURNEYSIM" run "$scenario" -o "$WORK/lim/prev.h5" --agents 1e5 --quiet --force
fault_ok "ulimit -f, --force" "File too large"
[ "$(sha256sum < "$WORK/lim/prev.h5")" = "$before" ] || fail "ulimit -f: the previous file changed"
no_leftovers "$WORK/lim"
finish
