# Decisions without code (docs/USER_GUIDE.md "Decisions"): the A/B test size
# in compare (table, CSV, JSON) against the published formula; CSV that a
# Polish Excel opens; a sweep's summary (table, CSV, JSON) equal to the file,
# the cheapest setting for a target with change costs, recomputed here
# independently; the sweep report rendered by headless Chromium; a sweep of
# a touchpoint only a variant adds is refused with how to do it.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/checkout_what_if.yaml"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

# ---------------------------------------------------------------- compare: A/B test size
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$WORK/r.h5" --agents 20000 --threads 2 --quiet
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --daily-traffic 1000
expect_in "$WORK/out" "to confirm in a real A/B test"
expect_in "$WORK/out" "simplified_checkout: a real A/B test needs"
expect_in "$WORK/out" "days at 1,000 customers a day"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --format json --daily-traffic 1000
cp "$WORK/out" "$WORK/cmp.json"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --format csv
cp "$WORK/out" "$WORK/cmp.csv"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/r.h5" --format csv --decimal-comma
cp "$WORK/out" "$WORK/cmp_pl.csv"
"$PYTHON" - "$WORK/r.h5" "$WORK/cmp.json" "$WORK/cmp.csv" "$WORK/cmp_pl.csv" <<'PY' || fail "A/B test sizes"
import sys, json, math, csv, h5py
from statistics import NormalDist
f = h5py.File(sys.argv[1]); js = json.load(open(sys.argv[2]))
za, zb = NormalDist().inv_cdf(0.975), NormalDist().inv_cdf(0.80)
def n(p1, p2):   # Fleiss, Levin & Paik (2003) eq. 4.14 and 4.15, written out again here
    d = abs(p2 - p1); pb = (p1 + p2) / 2
    n0 = (za * math.sqrt(2 * pb * (1 - pb)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / d ** 2
    return math.ceil(n0 / 4 * (1 + math.sqrt(1 + 4 / (n0 * d))) ** 2)
rows = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
checked = 0
for c in js["comparisons"]:
    v = c["variant"]
    p1 = f["variants/baseline/summary"].attrs["conversion_rate"]; p2 = f[f"variants/{v}/summary"].attrs["conversion_rate"]
    ab = c["ab_test"]
    if p1 == p2:
        assert ab["per_arm"] is None, ab; continue
    assert ab["per_arm"] == n(p1, p2), (v, ab["per_arm"], n(p1, p2))
    assert ab["days"] == math.ceil(2 * ab["per_arm"] / 1000), ab
    row = [r for r in rows if r["variant"] == v and r["table"] == "ab_test"][0]
    assert float(row["difference"]) == ab["per_arm"] and float(row["baseline"]) == p1, row
    checked += 1
assert checked >= 3, checked
# Polish Excel: a BOM, ';' between fields, decimal commas, the same numbers.
raw = open(sys.argv[4], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
pl = list(csv.DictReader(raw[3:].decode().splitlines(), delimiter=";"))
assert len(pl) == len(rows) and len(pl[0]) == len(rows[0]), (len(pl), len(rows))
for a, b in zip(rows, pl):
    for k in a:
        assert b[k] == a[k].replace(".", ",") or (k in ("method", "variant", "group", "baseline_variant", "metric", "table") and b[k] == a[k]), (k, a[k], b[k])
assert any("," in r["difference"] for r in pl)
print("checked", checked, "A/B sizes")
PY
expect_exit 2 "$JOURNEYSIM" compare "$WORK/r.h5" --power 1.5
expect_in "$WORK/err" "--power"
expect_exit 2 "$JOURNEYSIM" compare "$WORK/r.h5" --format csv --csv-sep , --decimal-comma
expect_in "$WORK/err" "--decimal-comma"

# The report shows the A/B test size.
expect_exit 0 "$JOURNEYSIM" report "$WORK/r.h5" -o "$WORK/r.html" --quiet
expect_in "$WORK/r.html" 'id="ab-test"'
expect_in "$WORK/r.html" "Customers per arm"

# ---------------------------------------------------------------- run --attribution
expect_exit 0 "$JOURNEYSIM" run "$scenario" -o "$WORK/a.h5" --agents 20000 --threads 2 --summary-only --attribution \
  --paths "$WORK/paths.csv"
expect_in "$WORK/out" "what each touchpoint is worth"
# The increment of live_chat equals two separate runs' difference, bit for bit.
"$PYTHON" - "$scenario" "$WORK/no_chat.yaml" <<'PY'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
s["touchpoints"] = [t for t in s["touchpoints"] if t["name"] != "live_chat"]
s.pop("variants", None)
yaml.safe_dump(s, open(sys.argv[2], "w"), sort_keys=False)
PY
expect_exit 0 "$JOURNEYSIM" run "$WORK/no_chat.yaml" -o "$WORK/no_chat.h5" --agents 20000 --seed 7 --threads 1 --summary-only --quiet
expect_exit 0 "$JOURNEYSIM" compare "$WORK/a.h5" --format csv
cp "$WORK/out" "$WORK/a.csv"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/a.h5" --by attribution
expect_in "$WORK/out" "what each touchpoint is worth in 'baseline'"
expect_in "$WORK/out" "markov"
# A baseline-only run's attribution in CSV and JSON too (they refused:
# "nothing to compare"); --by attribution of a file without it is an error.
expect_exit 0 "$JOURNEYSIM" run "$scenario" -v baseline --attribution -n 2000 -q -o "$WORK/a_base.h5"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/a_base.h5" --by attribution --format csv
expect_in "$WORK/out" ",baseline,attribution,live_chat,conversions,"
expect_exit 0 "$JOURNEYSIM" compare "$WORK/a_base.h5" --by attribution --format json
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["comparisons"] == [] and any(r["group"] == "live_chat" for r in d["attribution"]), d' "$WORK/out" || fail "attribution in JSON"
expect_exit 2 "$JOURNEYSIM" compare "$WORK/no_chat.h5" --by attribution
expect_in "$WORK/err" "has no /attribution: run the scenario with --attribution"
expect_exit 0 "$JOURNEYSIM" report "$WORK/a.h5" -o "$WORK/a.html" --quiet
expect_in "$WORK/a.html" 'id="touchpoint-value"'
expect_in "$WORK/a.html" '<th>Incremental profit [95 % CI]</th>'
"$PYTHON" - "$WORK/a.h5" "$WORK/no_chat.h5" "$WORK/a.csv" "$WORK/paths.csv" <<'PY' || fail "attribution vs two separate runs"
import sys, csv, h5py
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
assert a.attrs["seed"] == b.attrs["seed"] == 7
g = a["attribution"]
dec = lambda x: x.decode() if isinstance(x, bytes) else x
rows = {(dec(t), dec(m)): i for i, (t, m) in enumerate(zip(g["group"][()], g["metric"][()]))}
with_ = a["variants/baseline/summary"].attrs; without = b["variants/baseline/summary"].attrs
for metric, key in (("conversions", "conversions"), ("revenue", "revenue"), ("marketing_cost", "cost"), ("profit", "profit")):
    i = rows[("live_chat", metric)]
    assert g["baseline"][i] == with_[key], (metric, g["baseline"][i], with_[key])
    assert g["variant"][i] == without[key], (metric, g["variant"][i], without[key])
    assert g["difference"][i] == with_[key] - without[key], metric
    assert g["ci_low"][i] <= g["difference"][i] <= g["ci_high"][i]
n_tp = len({t for t, _ in rows})                 # the baseline's touchpoints (not the variants' own)
assert n_tp == 18 and len(g["metric"][()]) == 10 * n_tp, (n_tp, len(g["metric"][()]))
# Every rule hands out exactly the baseline's conversions (every converter was moved by a touch).
for rule in ("last_touch", "first_touch", "linear", "markov"):
    credited = sum(g["difference"][i] for (t, m), i in rows.items() if m == rule)
    assert abs(credited - with_["conversions"]) < 1e-6 * with_["conversions"], (rule, credited)
att = [r for r in csv.DictReader(open(sys.argv[3], encoding="utf-8")) if r["table"] == "attribution"]
assert len(att) == 10 * n_tp and float([r for r in att if r["group"] == "live_chat" and r["metric"] == "revenue"][0]["difference"]) == with_["revenue"] - without["revenue"]
# The ChannelAttribution path file: every converter on some path.
lines = open(sys.argv[4], encoding="utf-8").read().splitlines()
assert lines[0] == "path;total_conversions;total_conversion_value;total_null", lines[0]
cells = [l.split(";") for l in lines[1:]]
assert sum(int(c[1]) for c in cells) == with_["conversions"]
assert abs(sum(float(c[2]) for c in cells) - with_["revenue"]) < 1e-6 * with_["revenue"]
assert any(" > " in c[0] for c in cells) and all(c[0] for c in cells)
print("live_chat: +%d conversions, +%.2f revenue" % (with_["conversions"] - without["conversions"], with_["revenue"] - without["revenue"]))
PY

# ---------------------------------------------------------------- a touchpoint only a variant adds
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" --set touchpoints.cart_remarketing.reach=0.1,0.2 -n 1000 -o "$WORK/x.h5"
expect_in "$WORK/err" "exists only in variant 'cart_remarketing'"
expect_in "$WORK/err" "from that add: to the scenario's touchpoints:"
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "the message is not one line"
[ ! -e "$WORK/x.h5" ] || fail "a refused sweep left a file"
expect_exit 2 "$JOURNEYSIM" optimize "$scenario" --lever touchpoints.cart_remarketing.reach=0:0.3 --minimize cost
expect_in "$WORK/err" "exists only in variant 'cart_remarketing'"

# ---------------------------------------------------------------- sweeps: summary, decision, report
STEPS=touchpoints.checkout.checkout.steps
REACH=touchpoints.checkout.reach
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" --set "$STEPS=2,3,5" --set "$REACH=0.2,0.3" -r 4 -n 4000 \
  -o "$WORK/s.h5" --quiet --threads 2
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5"
expect_in "$WORK/out" "6 grid points × 4 replications"
expect_in "$WORK/out" "$STEPS"
expect_in "$WORK/out" "conversion_rate"
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --format csv
cp "$WORK/out" "$WORK/sum.csv"
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --format csv --decimal-comma
cp "$WORK/out" "$WORK/sum_pl.csv"
# The cheapest setting whose conversion CI lies above a target: marketing cost
# plus 500 per checkout step removed from today's 5 (read from the scenario).
# The target is the median of the settings' CI lows (rounded down), so half
# of them reach it whatever the draws: the decision is a real choice.
target=$("$PYTHON" -c '
import sys, math, h5py, pandas as pd
s = pd.DataFrame(h5py.File(sys.argv[1])["runs/summary"][()]); s = s[s.variant == b"baseline"]
print(f"{math.floor(s.conversion_rate_ci_low.median() * 1e6) / 1e6:.6f}")' "$WORK/s.h5")
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --format json --target "conversion_rate>=$target" \
  --change-cost "$STEPS=500"
cp "$WORK/out" "$WORK/sum.json"
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --target "conversion_rate>=$target" --change-cost "$STEPS=500"
expect_in "$WORK/out" "cheapest setting that reaches conversion_rate"
expect_in "$WORK/out" "+ change cost"
# Maximising: the best, not the cheapest, setting, with change costs subtracted.
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --target "conversion_rate>=$target" --maximize profit \
  --change-cost "$STEPS=500"
expect_in "$WORK/out" "best setting that reaches conversion_rate"
expect_in "$WORK/out" "(largest profit minus change costs)"
expect_in "$WORK/out" " − change cost "
grep -q "one replication per setting" "$WORK/out" && fail "4 replications taken for one"
# One replication has no interval: the decision says it rests on point estimates.
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" --set "$REACH=0.2,0.3" -r 1 -n 2000 -o "$WORK/s1.h5" --quiet
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s1.h5" --maximize profit
expect_in "$WORK/out" "on one replication per setting, so without any interval"
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s1.h5" --target "conversion_rate>=0.001"
grep -q "CI —" "$WORK/out" && fail "one replication printed an empty interval: $(tail -1 "$WORK/out")"
"$PYTHON" - "$WORK/s.h5" "$WORK/sum.csv" "$WORK/sum_pl.csv" "$WORK/sum.json" "$target" <<'PY' || fail "sweep summary values"
import sys, csv, json, h5py, numpy as np, pandas as pd
STEPS, REACH = "touchpoints.checkout.checkout.steps", "touchpoints.checkout.reach"
s = pd.DataFrame(h5py.File(sys.argv[1])["runs/summary"][()]); s["variant"] = s.variant.str.decode("utf-8")
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert len(rows) == len(s), (len(rows), len(s))
for r in rows:
    m = s[(s.point == int(r["point"])) & (s.variant == r["variant"])].iloc[0]
    for col in (STEPS, REACH, "conversion_rate_mean", "conversion_rate_ci_low", "cost_mean", "roi_sd"):
        assert float(r[col]) == m[col], (col, r[col], m[col])         # all 17 digits
raw = open(sys.argv[3], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf")
pl = list(csv.DictReader(raw[3:].decode().splitlines(), delimiter=";"))
assert [float(r["cost_mean"].replace(",", ".")) for r in pl] == [float(r["cost_mean"]) for r in rows]
# The decision, recomputed: reaches = CI low ≥ target; objective = cost + 500 × |steps − 5|.
target = float(sys.argv[5]); d = json.load(open(sys.argv[4]))["decision"]
b = s[s.variant == "baseline"].copy()
b["objective"] = b.cost_mean + 500 * (b[STEPS] - 5).abs()
ok = b[b.conversion_rate_ci_low >= target].sort_values("objective")
if ok.empty:
    assert d["best_point"] is None, d
else:
    assert d["best_point"] == int(ok.iloc[0].point), (d, ok.head())
    assert d["best_objective"] == ok.iloc[0].objective, (d["best_objective"], ok.iloc[0].objective)
    assert d["best_change_cost"] == 500 * abs(ok.iloc[0][STEPS] - 5)
# Each point carries what the CSV's last columns say: its change cost, objective, whether it reaches, its rank.
points = {p["point"]: p for p in json.load(open(sys.argv[4]))["points"] if p["variant"] == "baseline"}
for _, r in b.iterrows():
    p = points[int(r.point)]
    assert p["change_cost"] == 500 * abs(r[STEPS] - 5) and p["objective"] == r.objective, (p, r)
    assert p["reaches_target"] == bool(r.conversion_rate_ci_low >= target), p
if not ok.empty:
    assert points[int(ok.iloc[0].point)]["rank"] == 1
    # Each point against the best, paired over the 4 replications (the same customers), from /runs/index.
    ix = pd.DataFrame(h5py.File(sys.argv[1])["runs/index"][()]); ix = ix[ix.variant == b"baseline"]
    ix["objective"] = ix.cost + 500 * (ix[STEPS] - 5).abs()
    per = ix.pivot(index="replication", columns="point", values="objective")
    best = per[int(ok.iloc[0].point)]
    for point, p in points.items():
        diff = best - per[point]
        half = 3.182446305284263 * diff.std(ddof=1) / np.sqrt(len(diff))   # t(0.975, 3)
        assert abs(p["diff_from_best"] - diff.mean()) <= 1e-9 * max(1, abs(diff.mean())), (p, diff.mean())
        assert abs(p["diff_ci_low"] - (diff.mean() - half)) <= 1e-6 * max(1, half), (p, diff.mean() - half)
        assert p["equivalent"] == (p["reaches_target"] and p["diff_ci_low"] <= 0 <= p["diff_ci_high"]), p
    assert points[int(ok.iloc[0].point)]["equivalent"]
print("decision:", d["text"])
PY
# The runner-up is said to be behind the best significantly or not, never left to be guessed.
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize profit
grep -Eq "runner-up: .*(, significantly behind: the best is ahead of it by|, not significantly behind: the best is ahead of it by .* as good as the best within sampling error)" "$WORK/out" ||
  fail "summary: the runner-up's gap is not tested: $(tail -1 "$WORK/out")"
# A rate's gap is in percentage points, not per cent.
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize conversion_rate
grep -Eq "ahead of it by -?[0-9.]+ pp \(95 % CI -?[0-9.]+ pp … -?[0-9.]+ pp" "$WORK/out" ||
  fail "summary: a conversion-rate gap not in pp: $(tail -1 "$WORK/out")"
# Runs whose population feedback ran out of passes: summary, the sweep's report and optimize say so, as compare does.
{ cat "$scenario"; echo "feedback: {tolerance: 0.00001, max_passes: 2}"; } >"$WORK/unsettled.yaml"
expect_exit 0 "$JOURNEYSIM" sweep "$WORK/unsettled.yaml" --set "$REACH=0.2,0.3" -r 2 -n 3000 -o "$WORK/unsettled.h5" --quiet
unsettled='the population feedback did not converge in [0-9]+ of the sweep.s runs'
expect_exit 0 "$JOURNEYSIM" summary "$WORK/unsettled.h5" --maximize profit
grep -Eq "caution: $unsettled" "$WORK/err" || fail "summary: no caution on stderr: $(cat "$WORK/err")"
grep -Eq "caution: the population feedback did not converge in [0-9]+ of baseline.s runs, so their figures" "$WORK/out" ||
  fail "summary: no caution in the decision: $(tail -1 "$WORK/out")"
expect_exit 0 "$JOURNEYSIM" report "$WORK/unsettled.h5" -o "$WORK/unsettled.html" --quiet
grep -Eq "<b>Caution:</b> $unsettled" "$WORK/unsettled.html" || fail "the sweep's report has no caution"
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize profit
grep -q "caution" "$WORK/err" "$WORK/out" && fail "a caution for a sweep whose feedback converged"
expect_exit 0 "$JOURNEYSIM" optimize "$WORK/unsettled.yaml" --lever "$REACH=0.2,0.3" --maximize profit -r 2 -n 3000
grep -Eq "caution: the population feedback did not converge in [0-9]+ of the runs" "$WORK/err" ||
  fail "optimize: no caution: $(cat "$WORK/err")"
# The same change cost stated in the scenario (change_costs:) gives the same decision.
cp "$scenario" "$WORK/costed.yaml"
printf 'change_costs:\n  %s: 500\n' "$STEPS" >>"$WORK/costed.yaml"
expect_exit 0 "$JOURNEYSIM" validate "$WORK/costed.yaml"
expect_exit 0 "$JOURNEYSIM" sweep "$WORK/costed.yaml" --set "$STEPS=2,3,5" --set "$REACH=0.2,0.3" -r 4 -n 4000 \
  -o "$WORK/costed.h5" --quiet --threads 2
expect_exit 0 "$JOURNEYSIM" summary "$WORK/costed.h5" --format json --target "conversion_rate>=$target"
"$PYTHON" - "$WORK/sum.json" "$WORK/out" <<'PY' || fail "change_costs in the scenario"
import sys, json
a, b = json.load(open(sys.argv[1]))["decision"], json.load(open(sys.argv[2]))["decision"]
assert (a["best_point"], a.get("best_objective"), a.get("best_change_cost")) == \
       (b["best_point"], b.get("best_objective"), b.get("best_change_cost")), (a, b)
PY
# ... also in SCENARIO.md's form {per_unit, today}: a lever moved by the sweep,
# --set or optimize is not "another today" (each of them was refused).
cp "$scenario" "$WORK/today.yaml"
printf 'change_costs:\n  %s: {per_unit: 500, today: 5}\n' "$STEPS" >>"$WORK/today.yaml"
expect_exit 0 "$JOURNEYSIM" sweep "$WORK/today.yaml" --set "$STEPS=2,5" -r 2 -n 1000 -o "$WORK/today.h5" --quiet
expect_exit 0 "$JOURNEYSIM" summary "$WORK/today.h5" --maximize profit --format json
"$PYTHON" -c '
import json, sys
pts = [p for p in json.load(open(sys.argv[1]))["points"] if p["variant"] == "baseline"]
cost = {p["values"]["touchpoints.checkout.checkout.steps"]: p["change_cost"] for p in pts}
assert cost == {2: 1500, 5: 0}, cost' "$WORK/out" || fail "change_costs {per_unit, today} in a sweep"
expect_exit 0 "$JOURNEYSIM" run "$WORK/today.yaml" --set "$STEPS=3" -n 500 -q -o "$WORK/today_run.h5"
expect_exit 0 "$JOURNEYSIM" optimize "$WORK/today.yaml" --lever "$STEPS=2,5" --maximize profit -r 2 -n 1000
sed -i "s/today: 5}/today: 4}/" "$WORK/today.yaml" # the file writes 5: a today of 4 is still refused
expect_exit 2 "$JOURNEYSIM" validate "$WORK/today.yaml"
expect_in "$WORK/err" "today's value is what it writes; leave out today"

# Bad decision options: one line, exit 2.
for bad in "--target conversion_rate=0.1" "--target no_such_metric>=1" "--minimize costs" \
           "--change-cost touchpoints.checkout.reach" "--change-cost stages.intent.dropout=10@0.2 --minimize cost" \
           "--variant nope"; do
  # shellcheck disable=SC2086
  expect_exit 2 "$JOURNEYSIM" summary "$WORK/s.h5" $bad
  [ "$(wc -l <"$WORK/err")" = 1 ] || fail "summary $bad: not one line: $(cat "$WORK/err")"
done
expect_exit 2 "$JOURNEYSIM" summary "$WORK/s.h5" --minimize costs
expect_in "$WORK/err" "did you mean 'cost'"
expect_exit 2 "$JOURNEYSIM" summary "$WORK/r.h5"
expect_in "$WORK/err" "not a journeysim sweep file"
expect_exit 2 "$JOURNEYSIM" compare "$WORK/s.h5"
expect_in "$WORK/err" "journeysim summary"

# The sweep report: self-contained, every section, values from the file.
expect_exit 0 "$JOURNEYSIM" report "$WORK/s.h5" -o "$WORK/s.html" --target "conversion_rate>=$target" \
  --change-cost "$STEPS=500"
html="$WORK/s.html"
grep -Eqi 'https?://|<script|<link|<img|<iframe|@import|url\(' "$html" && fail "the sweep report loads or runs something"
for text in 'id="decision"' 'id="curves"' 'id="heatmap"' 'id="points"' 'conversion_rate' 'cost_per_conversion' \
            '<polygon' "$STEPS"; do
  expect_in "$html" "$text"
done
"$PYTHON" - "$WORK/s.h5" "$html" <<'PY' || fail "sweep report values"
import sys, h5py, pandas as pd
s = pd.DataFrame(h5py.File(sys.argv[1])["runs/summary"][()]); page = open(sys.argv[2], encoding="utf-8").read()
# 2 parameters × 5 metrics response charts (conversion, revenue, cost, profit, ROI) + the heat map.
assert page.count("<svg") == 2 * 5 + 1, page.count("<svg")
for _, r in s.iterrows():
    assert f"{100 * r.conversion_rate_mean:.3f} %" in page, r.conversion_rate_mean
PY
expect_exit 0 "$JOURNEYSIM" report "$WORK/s.h5" -o "$WORK/s2.html" --quiet --metric revenue
expect_in "$WORK/s2.html" "revenue"
grep -q 'id="decision"' "$WORK/s2.html" && fail "a decision without --target"
cp "$WORK/s.h5" "$WORK/unfinished.h5"
"$PYTHON" -c 'import sys, h5py; h5py.File(sys.argv[1], "a").attrs["complete"] = 0' "$WORK/unfinished.h5"
expect_exit 2 "$JOURNEYSIM" report "$WORK/unfinished.h5" -o "$WORK/u.html"
expect_in "$WORK/err" "--resume"
expect_exit 2 "$JOURNEYSIM" report "$WORK/r.h5" -o "$WORK/y.html" --target "conversion_rate>=0.1"
expect_in "$WORK/err" "only for sweep files"

# ---------------------------------------------------------------- optimize
# The closed-form scenario of tests/unit/experiment/test_optimize.cpp:
# P(convert) = 1 − (1 − q/2)^10; the cheapest reach for 50 % among the list is 0.15.
cat >"$WORK/closed.yaml" <<'YAML'
name: closed-form
horizon_days: 10
population: 5000
seed: 5
mood_effect: 0
stages:
  - {name: awareness, phase: pre_purchase, dropout: 0}
  - {name: purchase, phase: purchase, purchase: true, dropout: 0}
personas:
  - {name: everyone, share: 1, basket: 10}
touchpoints:
  - {name: ad, channel: social, stages: [awareness], reach: 0.2, advance: 0.5, cost: 1}
YAML
expect_exit 0 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.05,0.1,0.15,0.2,0.3 \
  --minimize cost --subject-to 'conversion_rate>=0.5' -r 8 --threads 2 -o "$WORK/opt.h5"
expect_in "$WORK/out" "best: touchpoints.ad.reach = 0.15"
expect_exit 0 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.05,0.1,0.15,0.2,0.3 \
  --minimize cost --subject-to 'conversion_rate>=0.5' -r 8 --threads 1 --format json
cp "$WORK/out" "$WORK/opt.json"
"$PYTHON" - "$WORK/opt.h5" "$WORK/opt.json" <<'PY' || fail "optimize file"
import sys, json, h5py, pandas as pd
f = h5py.File(sys.argv[1]); assert f.attrs["complete"] == 1 and f.attrs["kind"] in (b"optimize", "optimize")
e = pd.DataFrame(f["optimization/evaluations"][()])
best = e[e.best == 1].iloc[0]
assert best["touchpoints.ad.reach"] == 0.15 and best.replications == 8 and best.feasible == 1, best
assert (e.feasible == (e["touchpoints.ad.reach"] >= 0.15)).all(), e
j = json.load(open(sys.argv[2]))                       # the same answer with other threads
assert j["evaluations"][j["best"]]["x"] == [0.15] and j["feasible"]
assert [x["objective"] for x in j["evaluations"]] == list(e.objective_mean)
# What the objective is and what the constraints were, and each setting's constraint mean, as the file has them.
assert j["objective_label"] == "cost" and j["change_costs"] == [] and j["scale"] == 1, j
assert j["constraints"] == [{"metric": "conversion_rate", "at_least": True, "value": 0.5}], j["constraints"]
assert [x["constraint_means"]["conversion_rate"] for x in j["evaluations"]] == list(e.conversion_rate_mean)
PY
# Change costs and --customers are part of what the objective's figures are: the file, JSON and report say so.
expect_exit 0 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.1,0.2 --minimize cost \
  --change-cost touchpoints.ad.reach=1000 --customers 1e6 -r 2 -n 2000 -o "$WORK/opt3.h5" --format json
"$PYTHON" - "$WORK/opt3.h5" "$WORK/out" <<'PY' || fail "optimize: the objective's label"
import sys, json, h5py
label = "cost + change costs, totals for 1000000 customers"
g = h5py.File(sys.argv[1])["optimization"]
assert g.attrs["objective_label"] in (label, label.encode()), g.attrs["objective_label"]
assert [c.decode() if isinstance(c, bytes) else c for c in g.attrs["change_costs"]] == ["touchpoints.ad.reach=1000@0.2"]
j = json.load(open(sys.argv[2]))
assert j["objective_label"] == label and j["change_costs"] == [{"path": "touchpoints.ad.reach", "per_unit": 1000, "today": 0.2}], j
assert j["scale"] == 1e6 / 2000 and j["customers_per_run"] == 2000, j
PY
expect_exit 0 "$JOURNEYSIM" report "$WORK/opt3.h5" -o "$WORK/opt3.html" --quiet
expect_in "$WORK/opt3.html" "cost + change costs, totals for 1000000 customers"
expect_in "$WORK/opt3.html" "touchpoints.ad.reach=1000@0.2"
# A decision's options have nothing to act on in an optimisation file: refused, not ignored.
expect_exit 2 "$JOURNEYSIM" report "$WORK/opt3.h5" -o "$WORK/opt4.html" --maximize profit
expect_in "$WORK/err" "--maximize: only for sweep files"
[ ! -e "$WORK/opt4.html" ] || fail "a refused report wrote a page"
# --random-stream N draws as the scenario's `random_stream: N` would, and the file says so.
expect_exit 0 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.1,0.2 --minimize cost \
  -r 2 -n 2000 --random-stream 1 -o "$WORK/opt2.h5" --format json
cp "$WORK/out" "$WORK/opt2.json"
sed 's/^seed: 5$/seed: 5\nrandom_stream: 1/' "$WORK/closed.yaml" >"$WORK/closed2.yaml"
expect_exit 0 "$JOURNEYSIM" optimize "$WORK/closed2.yaml" --lever touchpoints.ad.reach=0.1,0.2 --minimize cost \
  -r 2 -n 2000 --format json
cp "$WORK/out" "$WORK/opt2k.json"
expect_exit 0 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.1,0.2 --minimize cost \
  -r 2 -n 2000 --format json
"$PYTHON" - "$WORK/opt2.h5" "$WORK/opt2.json" "$WORK/opt2k.json" "$WORK/out" <<'PY' || fail "optimize --random-stream"
import sys, json, h5py
assert h5py.File(sys.argv[1]).attrs["random_stream"] == 1
objective = lambda p: [x["objective"] for x in json.load(open(p))["evaluations"]]
given, keyed, default = (objective(p) for p in sys.argv[2:])
assert given == keyed, (given, keyed)
assert given != default, (given, default)   # stream 1 draws other customers than stream 4
PY
for bad in "--seed -1" "--seed 1x" "--random-stream 5"; do
  expect_exit 2 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.1,0.2 --minimize cost $bad
done
expect_in "$WORK/err" "--random-stream: expected 1, 2, 3 or 4, got 5"
expect_exit 0 "$JOURNEYSIM" report "$WORK/opt.h5" -o "$WORK/opt.html" --quiet
for text in 'id="answer"' 'id="evaluations"' 'Best: touchpoints.ad.reach = 0.15' '<svg'; do
  expect_in "$WORK/opt.html" "$text"
done
expect_exit 2 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.1:0.3 --lever touchpoints.ad.cost=1,2 --minimize cost
expect_in "$WORK/err" "either every lever is a range"
expect_exit 2 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.1:0.3 --lever touchpoints.ad.reach=0.2:0.4 --minimize cost
expect_in "$WORK/err" "--lever touchpoints.ad.reach: given twice"
expect_exit 2 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.1:0.3 --minimize costs
expect_in "$WORK/err" "did you mean 'cost'"
expect_exit 2 "$JOURNEYSIM" optimize "$WORK/closed.yaml" --lever touchpoints.ad.reach=0.1:3 --minimize cost
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "a bad lever value: not one line: $(cat "$WORK/err")"

if [ -z "$CHROMIUM" ]; then
  fail "chromium not found (scripts/setup installs Debian's chromium)"
else
  for page in "$html" "$WORK/r.html" "$WORK/a.html" "$WORK/opt.html"; do
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$WORK/profile" \
      --enable-logging=stderr --v=0 --hide-scrollbars --window-size=1200,3000 --screenshot="$WORK/shot.png" \
      "file://$page" >"$WORK/chrome.log" 2>&1 || fail "chromium failed on $page"
    grep -E 'CONSOLE|Uncaught|Failed to load resource' "$WORK/chrome.log" && fail "console messages on $page"
    "$PYTHON" - "$WORK/shot.png" <<'PY' || fail "the screenshot of $page looks blank"
import sys, matplotlib.image as mpimg
img = mpimg.imread(sys.argv[1])[:, :, :3]
dark = (img.mean(axis=2) < 0.5).mean()
assert dark > 0.003, f"only {dark:.2%} dark pixels"   # a short page (optimize) is mostly background
PY
  done
fi
# Settings successive halving dropped on fewer replications, whose interval
# includes 0, are not "significantly worse" (the closing line said so).
expect_exit 0 "$JOURNEYSIM" optimize "$scenario" --lever touchpoints.social_ads.budget.total=0,3000,6000,12000 \
  --maximize profit --customers 200000 -r 6 -n 5000
expect_in "$WORK/out" "2 setting(s) dropped early on fewer replications are not separated from the best either"
expect_in "$WORK/out" "budgets are amounts for the scenario's population of 200,000 customers: for 200,000 customers the decision spends 1 × the budget named"
! grep -q "every other setting is significantly" "$WORK/out" || fail "optimize: 'significantly worse' beside intervals that include 0"
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" --set touchpoints.social_ads.budget.total=3000,6000 -r 2 -n 2000 \
  -o "$WORK/budget.h5" --quiet
expect_exit 0 "$JOURNEYSIM" summary "$WORK/budget.h5" --maximize profit --customers 1000000
expect_in "$WORK/out" "budgets are amounts for the scenario's population of 200,000 customers: for 1,000,000 customers the decision spends 5 × the budget named"
finish
