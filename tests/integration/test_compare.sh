# journeysim compare: the paired comparison run stores, shown as a table, CSV
# and JSON; breakdowns; another baseline recomputed from per-agent columns;
# every what-if scenario validates, runs and compares; bad files exit 2 with
# one clear line.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/checkout_what_if.yaml"

expect_exit 0 "$JOURNEYSIM" run "$scenario" -n 20000 -q -o "$WORK/r.h5"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5"
for text in "== simplified_checkout vs baseline" "conversion rate" "cost per conversion" "cart abandon rate" \
            "time to convert, median" "mean mood" "95 % CI" " pp *" "* p < 0.05" "verdict:" \
            "simplified_checkout: +" "proactive_chat: " "profit per agent" "ROI (on profit)" \
            "referral arrival rate" "social_to_search: " "marketing spend"; do
  expect_in "$WORK/out" "$text"
done

expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --format json --by persona
"$PYTHON" - "$WORK/out" <<'PY' || fail "compare --format json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["baseline"] == "baseline" and d["agents"] == 20000
names = [c["variant"] for c in d["comparisons"]]
assert names == ["simplified_checkout", "cart_remarketing", "cart_discount", "proactive_chat",
                 "social_to_search", "referral_programme"], names
for c in d["comparisons"]:
    metrics = [r["metric"] for r in c["summary"]]
    assert metrics == ["conversion_rate", "conversions", "purchases_per_agent", "revenue_per_agent",
                       "marketing_cost", "cost_per_conversion", "roi", "cart_abandon_rate",
                       "time_to_convert_median", "time_to_convert_p90", "mean_mood",
                       "profit_per_agent", "profit", "clv_per_agent", "referral_arrival_rate"], metrics
    for r in c["summary"]:
        assert r["method"], r
        if r["ci_low"] is not None:
            assert r["ci_low"] <= r["difference"] <= r["ci_high"], r
    conv = c["summary"][0]
    assert abs(conv["difference"] - (conv["variant"] - conv["baseline"])) < 1e-12
    assert len(c["by_persona"]) == 4 * 3
    assert c["verdict"].startswith(c["variant"] + ": ")
PY

expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --format csv --by stage --variant cart_discount
"$PYTHON" - "$WORK/out" <<'PY' || fail "compare --format csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert {r["variant"] for r in rows} == {"cart_discount"}
assert sum(r["table"] == "summary" for r in rows) == 15  # 11 + profit, per agent, CLV, referrals
stage = [r for r in rows if r["table"] == "by_stage"]
assert len(stage) == 7 * 2 and {r["metric"] for r in stage} == {"reach", "drop_off"}
conv = next(r for r in rows if r["metric"] == "conversion_rate")
assert float(conv["ci_low"]) < float(conv["difference"]) < float(conv["ci_high"])
assert "McNemar" in conv["method"]
# Numbers are the shortest text that reads back exactly: a rate of n/agents prints as such,
# not as 0.017999999999999999 (the repr Python gives is the shortest one too).
for r in rows:
    for k in ("baseline", "variant_value", "difference", "ci_low", "ci_high", "p_value"):
        if r[k]:
            assert len(r[k]) <= len(repr(float(r[k]))), (k, r[k], repr(float(r[k])))
PY

expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --format json --by stage --variant proactive_chat
"$PYTHON" - "$WORK/out" <<'PY' || fail "compare --format json --by stage (journey map)"
import json, sys
c = json.load(open(sys.argv[1]))["comparisons"][0]
jm = c["journey_map"]
assert len(jm) == 7 * 6, len(jm)
intent = {r["metric"]: r for r in jm if r["group"] == "intent"}
# the proactive chat is a success point acting in the cart
assert intent["touches_success_point"]["variant"] > intent["touches_success_point"]["baseline"], intent
assert -1 <= intent["mood_in"]["baseline"] <= 1
PY

for by in persona stage phase touchpoint; do
  expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --by "$by" --variant simplified_checkout
  expect_in "$WORK/out" "by $by:"
done
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --by stage
expect_in "$WORK/out" "journey map"
expect_in "$WORK/out" "moments of truth"

# Another baseline: recomputed from the per-agent columns.
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --baseline simplified_checkout --variant cart_discount
expect_in "$WORK/out" "cart_discount vs simplified_checkout (recomputed from per-agent columns)"

# The stored tables: layout of docs/OUTPUT.md, read by the python reader.
PYTHONPATH="$SOURCE_DIR/python" "$PYTHON" - "$WORK/r.h5" <<'PY' || fail "/comparison layout"
import sys, h5py, numpy as np, journeysim
with h5py.File(sys.argv[1]) as f:
    g = f["comparison/cart_discount"]
    for c in ("metric", "baseline", "variant", "difference", "ci_low", "ci_high", "p_value", "method"):
        assert c in g, c
    for b in ("by_persona", "by_stage", "by_phase", "by_touchpoint"):
        assert "group" in g[b] and len(g[b]["metric"]) == len(g[b]["group"]), b
    assert len(g["by_touchpoint/metric"]) == 4 * len(f["touchpoints/name"])
    assert "baseline" not in f["comparison"]
r = journeysim.open_results(sys.argv[1])
c = r.comparison()
assert len(c) == 6 * 15 and set(c.variant) == {"simplified_checkout", "cart_remarketing", "cart_discount",
                                               "proactive_chat", "social_to_search", "referral_programme"}
bp = r.comparison(variant="cart_discount", by="persona")
assert list(bp.columns[:3]) == ["variant", "group", "metric"] and len(bp) == 4 * 3, bp
conv = bp[bp.metric == "conversions"]
summary = c[(c.variant == "cart_discount") & (c.metric == "conversions")]
assert conv.variant_value.sum() == summary.variant_value.iloc[0]      # personas add up
assert len(r.comparison(by="stage")) == 6 * 7 * 2
PY

# Every ready-made what-if scenario validates, runs and compares.
for s in "$SOURCE_DIR"/scenarios/checkout_what_if.yaml "$SOURCE_DIR"/scenarios/what_if_journey.yaml; do
  expect_exit 0 "$JOURNEYSIM" validate "$s"
  expect_exit 0 "$JOURNEYSIM" run "$s" -n 3000 -q -o "$WORK/w.h5" --force
  expect_exit 0 "$JOURNEYSIM" compare "$WORK/w.h5"
  expect_in "$WORK/out" "verdict:"
done
for v in simplified_checkout cart_remarketing dwell_discount proactive_chat fewer_awareness_channels \
         personalised_loyalty review_requests; do
  expect_in "$WORK/out" "  $v: "
done

# Mistakes: one line on stderr, exit 2, no HDF5 diagnostics.
check_error() { # check_error TEXT COMMAND...
  local text=$1; shift
  expect_exit 2 "$@"
  expect_in "$WORK/err" "$text"
  [ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "more than one line on stderr: $*"
  ! grep -q "HDF5-DIAG" "$WORK/err" || fail "HDF5 diagnostics printed: $*"
}
echo "not hdf5" >"$WORK/text.h5"
check_error "is not a readable HDF5 file" "$JOURNEYSIM" compare "$WORK/text.h5"
head -c 100000 "$WORK/r.h5" >"$WORK/truncated.h5"
check_error "truncated" "$JOURNEYSIM" compare "$WORK/truncated.h5"
check_error "no such file" "$JOURNEYSIM" compare "$WORK/missing.h5"
cp "$WORK/r.h5" "$WORK/incomplete.h5"
"$PYTHON" -c "import h5py, sys; h5py.File(sys.argv[1], 'r+').attrs['complete'] = 0" "$WORK/incomplete.h5"
check_error "is incomplete" "$JOURNEYSIM" compare "$WORK/incomplete.h5"
"$PYTHON" -c "import h5py, sys; h5py.File(sys.argv[1], 'w')['x'] = [1, 2]" "$WORK/foreign.h5"
check_error "is not a journeysim results file" "$JOURNEYSIM" compare "$WORK/foreign.h5"
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" --set touchpoints.checkout.checkout.steps=2,3 -r 1 -n 1000 -o "$WORK/s.h5" --quiet
check_error "is a sweep file" "$JOURNEYSIM" compare "$WORK/s.h5"
check_error "did you mean 'cart_discount'" "$JOURNEYSIM" compare "$WORK/r.h5" --variant cart_discout
check_error "no variant 'nope'" "$JOURNEYSIM" compare "$WORK/r.h5" --baseline nope
check_error "--by" "$JOURNEYSIM" compare "$WORK/r.h5" --by funnel
check_error "--format" "$JOURNEYSIM" compare "$WORK/r.h5" --format xml
expect_exit 0 "$JOURNEYSIM" run "$scenario" -n 3000 -q -o "$WORK/summary.h5" --summary-only
expect_exit 0 "$JOURNEYSIM" compare "$WORK/summary.h5"
check_error "--summary-only" "$JOURNEYSIM" compare "$WORK/summary.h5" --baseline cart_discount

# Few customers: where the conversion interval excludes 0 but the exact test is not significant
# (or the reverse), the verdict says they disagree instead of printing both as if they agreed.
expect_exit 0 "$JOURNEYSIM" run "$scenario" -n 500 -s 3 -q -o "$WORK/few.h5" --summary-only
expect_exit 0 "$JOURNEYSIM" compare "$WORK/few.h5" --format json
"$PYTHON" - "$WORK/out" <<'PY' || fail "compare: the verdict of a small run"
import json, sys
said = 0
for c in json.load(open(sys.argv[1]))["comparisons"]:
    conv = next(r for r in c["summary"] if r["metric"] == "conversion_rate")
    excludes_zero = conv["ci_low"] > 0 or conv["ci_high"] < 0
    disagree = excludes_zero != (conv["p_value"] < 0.05)
    assert ("disagrees with the interval" in c["verdict"]) == disagree, (c["verdict"], conv)
    said += disagree
assert said >= 1, "no variant of 500 customers shows the case this checks"
# Time to convert of a handful of converters: the estimate, no interval
# (it was ±235 days on a 90-day horizon from two converters).
for c in json.load(open(sys.argv[1]))["comparisons"]:
    t = next(r for r in c["summary"] if r["metric"] == "time_to_convert_median")
    conv = next(r for r in c["summary"] if r["metric"] == "conversions")
    assert min(conv["baseline"], conv["variant"]) < 100, conv
    assert t["ci_low"] is None and t["p_value"] is None, t
PY
expect_exit 0 "$JOURNEYSIM" report "$WORK/few.h5" -o "$WORK/few.html" --quiet
# Verdict wording: marketing spend is marked (n.s.) like every other item;
# a change that moves nobody's conversion says so (not "acts after the first
# purchase", which a budget or margin change does not); the A/B line prints
# the α and the daily traffic given, not rounded ones.
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --format json
"$PYTHON" - "$WORK/out" <<'PY' || fail "marketing spend (n.s.)"
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["comparisons"]:
    spend = next(r for r in c["summary"] if r["metric"] == "marketing_cost")
    part = c["verdict"].split("marketing spend ")[1].split(",")[0]
    assert part.endswith("(n.s.)") == (spend["p_value"] is None or spend["p_value"] >= 0.05), (part, spend)
PY
sed 's/^variants:.*//' "$TEST_DATA/exact/single_persona.yaml" > "$WORK/same.yaml"
cat >> "$WORK/same.yaml" <<'YAML'
variants:
  - {name: same, set: {touchpoints.social_ads.cost: 0.01}}
  - {name: short, set: {touchpoints.checkout.checkout.steps: 2}}
YAML
expect_exit 0 "$JOURNEYSIM" run "$WORK/same.yaml" -n 3000 -q -o "$WORK/same.h5"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/same.h5" --alpha 0.005 --power 0.825 --daily-traffic 1.5
expect_in "$WORK/out" "same: conversion unchanged: no customer converted differently"
expect_in "$WORK/out" "% power at α = 0.005"
expect_in "$WORK/out" "82.5 % power"
expect_in "$WORK/out" "at 1.5 customers a day"
! grep -q "did not converge" "$WORK/err" || fail "a run without feedback was said not to converge"

# Budgets whose fixed point did not settle: compare says so before its numbers.
expect_exit 0 "$JOURNEYSIM" run "$TEST_DATA/good/model_v2.yaml" -n 3000 --set feedback.max_passes=1 -q -o "$WORK/unsettled.h5"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/unsettled.h5"
expect_in "$WORK/err" "caution: the population feedback of 'baseline', 'move_social_to_search', 'no_cart_email' did not converge"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/unsettled.h5" -v no_cart_email
expect_in "$WORK/err" "caution: the population feedback of 'baseline', 'no_cart_email' did not converge"

# A budget that can reach nobody (reach 0, as a paused calendar or an
# affinity of 0 would) is named with what it left unspent: it was silent.
expect_exit 0 "$JOURNEYSIM" run "$scenario" -n 3000 -v baseline --set touchpoints.social_ads.reach=0 -o "$WORK/paused.h5"
expect_in "$WORK/out" "social_ads spent 0 of its 90 budget (100 % unspent): on every day it could reach none"
expect_exit 0 "$JOURNEYSIM" run "$scenario" -n 3000 -v baseline -o "$WORK/paused.h5" --force
! grep -q "social_ads spent" "$WORK/out" || fail "a budget spent as planned was named: $(grep spent "$WORK/out")"

# A run's --set is kept in the file (the stored text alone is not what ran)
# and named by compare and report; a file without one says nothing.
expect_exit 0 "$JOURNEYSIM" compare "$WORK/unsettled.h5"
expect_in "$WORK/out" "scenario as run with --set feedback.max_passes=1"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/unsettled.h5" --format json
"$PYTHON" -c 'import json,sys; s=json.load(open(sys.argv[1]))["set"]; assert s == ["feedback.max_passes=1"], s' "$WORK/out" ||
  fail "compare JSON: no set"
"$PYTHON" - "$WORK/unsettled.h5" "$WORK/r.h5" <<'PY' || fail "the /scenario set attribute"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert f["scenario"].attrs["set"] == "feedback.max_passes=1\n", f["scenario"].attrs["set"]
with h5py.File(sys.argv[2], "r") as f:
    assert f["scenario"].attrs["set"] == "", f["scenario"].attrs["set"]
PY
expect_exit 0 "$JOURNEYSIM" report "$WORK/unsettled.h5" -o "$WORK/unsettled.html"
expect_in "$WORK/unsettled.html" "<code>--set feedback.max_passes=1</code>"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5"
! grep -q "scenario as run with" "$WORK/out" || fail "a run without --set named one"

# A variant with other persona shares gives agent i another persona: no
# by-persona rows under the baseline's labels, stored or recomputed.
{ cat "$scenario"; printf '  - name: more_gen_z\n    set: {personas.gen_z_mobile.share: 0.8}\n'; } >"$WORK/shares.yaml"
expect_exit 0 "$JOURNEYSIM" run "$WORK/shares.yaml" -n 5000 -v more_gen_z -q -o "$WORK/shares.h5"
for extra in "" "--baseline more_gen_z"; do
  # shellcheck disable=SC2086
  expect_exit 0 "$JOURNEYSIM" compare "$WORK/shares.h5" --by persona $extra
  expect_in "$WORK/out" "draws its customers from other persona shares"
  ! grep -q "^gen_z_mobile" "$WORK/out" || fail "compare $extra: by-persona rows for other persona shares"
done
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --by persona
expect_in "$WORK/out" "gen_z_mobile"
expect_exit 0 "$JOURNEYSIM" report "$WORK/shares.h5" -o "$WORK/shares.html" --quiet
expect_in "$WORK/shares.html" "Not shown: more_gen_z — its customers are drawn from other persona shares"

finish
