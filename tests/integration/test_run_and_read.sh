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
# A touchpoint that exposes nobody is named (here: an e-mail triggered by a
# purchase but placed on the stage before it); the shipped scenario has none.
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$WORK/n.h5" --agents 10000 --summary-only
grep -q "^note: " "$WORK/out" && fail "a 'reached no customer' note on the shipped scenario: $(grep '^note' "$WORK/out")"
cat >"$WORK/dead_email.yaml" <<'YAML'
name: dead_email
horizon_days: 60
population: 10000
stages:
  - {name: awareness, dropout: 0.03}
  - {name: intent, dropout: 0.1}
  - {name: purchase, purchase: true}
personas: [{name: all, share: 1}]
touchpoints:
  - {name: ads, channel: social, stages: [awareness], reach: 0.3, advance: 0.2, cost: 0.01}
  - {name: cart_email, channel: email, stages: [intent], trigger: purchase, reach: 0.5, advance: 0.1, cost: 0.05}
  - {name: checkout, channel: website, stages: [intent], reach: 0.3, checkout: {steps: 3, step_abandon: 0.1}}
YAML
expect_exit 0 "$JOURNEYSIM" run "$WORK/dead_email.yaml" -o "$WORK/d.h5" --summary-only
expect_in "$WORK/out" "note: cart_email reached no customer in baseline although many stood in its stages: check its stages against its trigger"
# A paused channel (budget 0) and an e-mail that can act are no map mistakes: no note.
sed 's/trigger: purchase/trigger: cart_abandoned/' "$WORK/dead_email.yaml" >"$WORK/live_email.yaml"
cat >>"$WORK/live_email.yaml" <<'YAML'
  - {name: search, channel: search, stages: [awareness], reach: 0.1, advance: 0.1, budget: {total: 100, cost_per_exposure: 0.01}}
variants:
  - name: pause_search
    set: {touchpoints.search.budget.total: 0}
YAML
expect_exit 0 "$JOURNEYSIM" run "$WORK/live_email.yaml" -o "$WORK/l.h5" --summary-only
grep -q "^note: " "$WORK/out" && fail "a note on a paused channel or a live e-mail: $(grep '^note' "$WORK/out")"
finish
