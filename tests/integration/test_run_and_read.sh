# run writes a complete results file that h5py and pandas read as OUTPUT.md says.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/checkout_what_if.yaml"

expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$WORK/r.h5" --agents 20000 --threads 2
expect_in "$WORK/out" "simplified_checkout"
expect_in "$WORK/out" "conversion"
expect_exit 0 "$PYTHON" "$SOURCE_DIR/tests/python/check_results_layout.py" "$WORK/r.h5"
expect_in "$WORK/out" "results layout OK"

# Never overwrite without --force; with it, the new file replaces the old.
expect_exit 2 "$JOURNEYSIM" run "$scenario" -o "$WORK/r.h5" --agents 1000
expect_in "$WORK/err" "--force"
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$WORK/r.h5" --agents 1000 --force --quiet
[ ! -s "$WORK/out" ] || fail "--quiet printed to stdout"
ls "$WORK" | grep -q partial && fail "a partial file was left behind"

# Only the requested variants (plus the baseline), and summary-only output.
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$WORK/s.h5" --agents 3000 --variant cart_discount --summary-only
"$PYTHON" - "$WORK/s.h5" <<'PY' || fail "summary-only / --variant layout"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    assert sorted(f["variants"]) == ["baseline", "cart_discount"], list(f["variants"])
    assert "agents" not in f["variants/baseline"]
    assert f["variants/cart_discount/summary"].attrs["agents"] == 3000
    assert f.attrs["complete"] == 1
PY
# --stats: where the time and the memory went; compression only when asked.
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$WORK/t.h5" --agents 3000 --threads 2 --stats --quiet
grep -Eq '^  peak memory +[0-9.]+ MiB resident \([1-5] of at most 5 chunk buffers in flight\)$' "$WORK/out" ||
  fail "--stats: no peak memory with its chunk buffers"
grep -q 'compressing' "$WORK/out" && fail "--stats: compression shown for an uncompressed run"
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$WORK/t.h5" --agents 3000 --threads 1 --stats --quiet --compress --force
expect_in "$WORK/out" "(1 of at most 3 chunk buffers in flight)"
expect_in "$WORK/out" "compressing"
finish
