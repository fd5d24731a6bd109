# What summary and optimize say about their decisions, on small runs:
# --customers scales totals only (a rate stays a rate), change costs need a
# total, and the refusals and special cases read as what happened.
source "$(dirname "$0")/lib.sh"
checkout="$SOURCE_DIR/scenarios/checkout_what_if.yaml"
journey="$SOURCE_DIR/scenarios/what_if_journey.yaml"
STEPS=touchpoints.checkout.checkout.steps

# ---------------------------------------------------------------- --customers scales totals only
expect_exit 0 "$JOURNEYSIM" sweep "$checkout" --set "$STEPS=2,5" -r 3 -n 3000 -t 1 -o "$WORK/s.h5" --quiet
for metric in "--maximize conversion_rate" "--minimize cost_per_conversion" "--maximize profit"; do
  # shellcheck disable=SC2086
  expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" $metric --customers 1000000 --format json
  cp "$WORK/out" "$WORK/${metric#--*imize }.json"
done
"$PYTHON" - "$WORK/s.h5" "$WORK" <<'PY' || fail "summary --customers"
import sys, json, h5py, pandas as pd
s = pd.DataFrame(h5py.File(sys.argv[1])["runs/summary"][()]); s = s[s.variant == b"baseline"]
agents = h5py.File(sys.argv[1]).attrs["population"]
for metric, scale, pick in (("conversion_rate", 1, max), ("cost_per_conversion", 1, min),
                            ("profit", 1e6 / agents, max)):
    d = json.load(open(f"{sys.argv[2]}/{metric}.json"))["decision"]
    want = pick(s[metric + "_mean"]) * scale
    assert abs(d["best_objective"] - want) <= 1e-9 * abs(want), (metric, d["best_objective"], want)
PY
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize conversion_rate --customers 1000000
grep -Eq "conversion_rate [0-9]\.[0-9]{3} %" "$WORK/out" || fail "summary: conversion_rate not a per-cent: $(tail -1 "$WORK/out")"
# Change costs are money: refused for a rate, in one line naming it.
expect_exit 2 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize conversion_rate --change-cost "$STEPS=20000"
expect_in "$WORK/err" "--change-cost: conversion_rate is not a total"
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "not one line: $(cat "$WORK/err")"
expect_exit 2 "$JOURNEYSIM" report "$WORK/s.h5" -o "$WORK/s.html" --minimize roi --change-cost "$STEPS=20000"
expect_in "$WORK/err" "--change-cost: roi is not a total"
# Change costs set against a run's totals say so (money for the shop against a sample's profit).
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize profit --change-cost "$STEPS=20000"
expect_in "$WORK/out" "give --customers for the customers the change would serve"
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize profit --change-cost "$STEPS=20000" --customers 1e6
! grep -qF "give --customers" "$WORK/out" || fail "--customers given, yet told to give it"
# A variant that sets the lever's path itself is not moved by it: every setting would be the same.
expect_exit 2 "$JOURNEYSIM" summary "$WORK/s.h5" -v simplified_checkout --maximize profit
expect_in "$WORK/err" "--variant simplified_checkout: it sets $STEPS itself"
[ ! -s "$WORK/out" ] || fail "summary printed a table before refusing its variant"
expect_exit 2 "$JOURNEYSIM" optimize "$checkout" -v simplified_checkout --lever "$STEPS=2,5" --maximize profit -r 2 -n 1000 -t 1
expect_in "$WORK/err" "does not change it there: every setting is the same"
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" -v cart_discount --maximize profit

# A cost per unit moved either way cannot be negative: it would pay for any move.
expect_exit 2 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize profit --change-cost "$STEPS=-20000"
expect_in "$WORK/err" "cannot be negative"

expect_exit 0 "$JOURNEYSIM" optimize "$journey" --lever "$STEPS=1,3,5" --maximize conversion_rate --customers 100000 \
  -r 2 -n 1000 -t 1 --format json
cp "$WORK/out" "$WORK/rate.json"
expect_exit 0 "$JOURNEYSIM" optimize "$journey" --lever "$STEPS=1,3,5" --maximize conversion_rate -r 2 -n 1000 -t 1 \
  --format json
"$PYTHON" - "$WORK/rate.json" "$WORK/out" <<'PY' || fail "optimize --customers on a rate"
import sys, json
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert [e["objective"] for e in a["evaluations"]] == [e["objective"] for e in b["evaluations"]], (a, b)
assert all(0 <= e["objective"] <= 1 for e in a["evaluations"]), a
PY
expect_exit 2 "$JOURNEYSIM" optimize "$journey" --lever "$STEPS=1,3,5" --maximize conversion_rate \
  --change-cost "$STEPS=100@5" -r 2 -n 1000 -t 1
expect_in "$WORK/err" "--change-cost: conversion_rate is not a total"
[ ! -s "$WORK/out" ] || fail "optimize ran before refusing --change-cost"

# The limits of --customers are the real ones.
for bad in 1e20 0.5; do
  expect_exit 2 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize profit --customers $bad
  expect_in "$WORK/err" "--customers: expected a number of customers from 1 to 1e15, got "
  expect_exit 2 "$JOURNEYSIM" optimize "$journey" --lever "$STEPS=1,3" --maximize profit --customers $bad -n 500
  expect_in "$WORK/err" "--customers: expected a number of customers from 1 to 1e15, got "
done
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" --maximize profit --customers 1e15

# One replication: the table's footer and the decision advise the same replications.
expect_exit 0 "$JOURNEYSIM" sweep "$checkout" --set "$STEPS=2,5" -r 1 -n 1000 -t 1 -o "$WORK/s1.h5" --quiet
expect_exit 0 "$JOURNEYSIM" summary "$WORK/s1.h5" --maximize profit
expect_in "$WORK/out" "sweep with --replications 3 or more)"
expect_in "$WORK/out" "run the sweep with -r 3 or more"

# The sweep report's heading names the decision as summary's answer does.
for decision in "--target conversion_rate>=0.001 --maximize profit|best setting that reaches" \
                "--target conversion_rate>=0.001 --minimize cost|cheapest setting that reaches" \
                "--maximize profit|best setting (" "--minimize cost|best setting ("; do
  options=${decision%|*} words=${decision#*|}
  # shellcheck disable=SC2086
  expect_exit 0 "$JOURNEYSIM" summary "$WORK/s.h5" $options
  expect_in "$WORK/out" "$words"
  # shellcheck disable=SC2086
  expect_exit 0 "$JOURNEYSIM" report "$WORK/s.h5" -o "$WORK/d.html" -q --force $options
  heading=$(grep -o '<h2>[^<]*setting[^<]*</h2>' "$WORK/d.html")
  want="<h2>${words%% (}</h2>"
  [[ $words != *reaches ]] || want="<h2>$words the target</h2>"
  [ "${heading,,}" = "${want,,}" ] || fail "report $options: heading '$heading', summary says '$words'"
done

# ---------------------------------------------------------------- optimize: what it says
# A whole-number parameter as a range: a --lever error, not a --set one about a value never typed.
expect_exit 2 "$JOURNEYSIM" optimize "$journey" --lever "$STEPS=1:6" --maximize profit -r 2 -n 500 -t 1
expect_in "$WORK/err" "--lever $STEPS=1:6: $STEPS takes whole numbers"
expect_in "$WORK/err" "(e.g. $STEPS=1:6:1)"
grep -q -- "--set" "$WORK/err" && fail "the refusal names --set: $(cat "$WORK/err")"
[ "$(wc -l <"$WORK/err")" = 1 ] || fail "not one line: $(cat "$WORK/err")"
# One setting: nothing to compare, not "every other setting is significantly worse".
expect_exit 0 "$JOURNEYSIM" optimize "$journey" --lever touchpoints.live_chat.reach=0.1 --maximize profit \
  -r 2 -n 500 -t 1 -q -o "$WORK/one.h5"
expect_in "$WORK/out" "one setting only"
grep -q "every other setting" "$WORK/out" && fail "one setting compared with others: $(tail -2 "$WORK/out")"
expect_exit 0 "$JOURNEYSIM" report "$WORK/one.h5" -o "$WORK/one.html" -q
expect_in "$WORK/one.html" "One setting only"
# No feasible setting: said so, every row ✗ (none labelled best), the file's best row has feasible = 0.
expect_exit 0 "$JOURNEYSIM" optimize "$journey" --lever touchpoints.live_chat.reach=0.1,0.2 --maximize profit \
  --subject-to 'conversion_rate>=0.5' -r 2 -n 500 -t 1 -q -o "$WORK/none.h5"
expect_in "$WORK/out" "no evaluated setting meets the constraints"
[ "$(grep -c '^✗ ' "$WORK/out")" = 2 ] || fail "infeasible rows not all ✗: $(cat "$WORK/out")"
grep -q "^best " "$WORK/out" && fail "an infeasible row labelled best"
expect_exit 0 "$JOURNEYSIM" report "$WORK/none.h5" -o "$WORK/none.html" -q
expect_in "$WORK/none.html" "No evaluated setting meets the constraints"
grep -q 'class="best"' "$WORK/none.html" && fail "the report marks an infeasible row best"
[ "$(grep -o '<td>misses a constraint</td>' "$WORK/none.html" | wc -l)" = 2 ] || fail "report rows not marked infeasible"
"$PYTHON" - "$WORK/none.h5" <<'PY' || fail "optimize file without a feasible setting"
import sys, h5py
g = h5py.File(sys.argv[1])["optimization"]; e = g["evaluations"][()]
assert g.attrs["any_feasible"] == 0 and (e["feasible"] == 0).all() and e["best"].sum() == 1, e
assert e["best"][g.attrs["best"]] == 1 and e["diff_from_best"][g.attrs["best"]] == 0, e
PY

# A damaged sweep's sizes are refused before they size anything: a
# replications attribute of 10^6 made summary take 1.8 GB (10^8: the machine).
cp "$WORK/s.h5" "$WORK/reps.h5"
cp "$WORK/s.h5" "$WORK/rows.h5"
"$PYTHON" - "$WORK/reps.h5" "$WORK/rows.h5" <<'PY' || fail "tampering"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["replications"] = 10**6
with h5py.File(sys.argv[2], "r+") as f:
    d = f["runs/index"]; rows = d[()]
    d.resize((len(rows) * 50,)); d[...] = np.resize(rows, len(rows) * 50)
PY
for cmd in summary report; do
  expect_exit 2 "$JOURNEYSIM" $cmd "$WORK/reps.h5"
  expect_in "$WORK/err" "replications = 1000000 is not 1 to 100000: the file is damaged"
  expect_exit 2 "$JOURNEYSIM" $cmd "$WORK/rows.h5"
  expect_in "$WORK/err" "/runs/index has 2100 rows for 14 points and variants × 3 replications: the file is damaged"
done
[ ! -e "$WORK/reps.html" ] && [ ! -e "$WORK/rows.html" ] || fail "a report of a damaged sweep was written"
# A table's extent grown without rows (20 million, 300 KB of file): refused
# before read() allocates 11 GB for it.
cp "$WORK/s.h5" "$WORK/extent.h5"
"$PYTHON" -c 'import sys, h5py; f = h5py.File(sys.argv[1], "r+"); f["runs/summary"].resize((20000000,))' "$WORK/extent.h5"
expect_exit 2 "$JOURNEYSIM" summary "$WORK/extent.h5"
expect_in "$WORK/err" "declares 20000000 rows but stores"
# ... but a compressed table (h5repack -f GZIP) stores fewer bytes than rows: still read.
cp "$WORK/s.h5" "$WORK/gzip.h5"
"$PYTHON" - "$WORK/gzip.h5" <<'PY' || fail "compressing /runs/index"
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    old = f["runs/index"]; data, dtype = old[()], old.dtype
    del f["runs/index"]
    f.create_dataset("runs/index", data=data, dtype=dtype, maxshape=(None,), chunks=(4,), compression="gzip")
PY
expect_exit 0 "$JOURNEYSIM" summary "$WORK/gzip.h5"
# A variant name with an escape sequence is damage, not a label to print.
cp "$WORK/s.h5" "$WORK/esc.h5"
"$PYTHON" - "$WORK/esc.h5" <<'PY' || fail "tampering"
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    d = f["runs/summary"]; rows = d[()]
    rows["variant"][0] = b"\x1b]0;PWNED\x07baseline"
    d[...] = rows
PY
expect_exit 2 "$JOURNEYSIM" summary "$WORK/esc.h5"
expect_in "$WORK/err" "a variant name in /runs/summary has control characters or is far too long: the file is damaged"
finish
