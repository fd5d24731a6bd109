# observe: a generated REES46-layout clickstream gives exactly the known
# funnel; calibrate: a fit end to end, its file, Ctrl-C, and bad inputs (exit 2).
source "$(dirname "$0")/lib.sh"
scenario="$TEST_DATA/exact/single_persona.yaml"

# 300 customers who view; 120 of them cart; 45 of those buy, 10 of them twice;
# 5 buy with no recorded view or cart; 50 only remove from a cart (unmapped);
# three bad rows. Segment: even customers mobile, odd desktop.
"$PYTHON" - "$WORK/events.csv" <<'PY'
import sys
rows = ["event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session,device"]
def ev(t, kind, user, price="10.0"):
    dev = "mobile" if user % 2 == 0 else "desktop"
    rows.append(f"2019-10-01 {t}:00:00 UTC,{kind},1,2,,acme,{price},{user},s{user},{dev}")
for u in range(300):
    ev("08", "view", u)
    if u < 120: ev("09", "cart", u)
    if u < 45: ev("10", "purchase", u)
    if u < 10: ev("11", "purchase", u)
for u in range(300, 305):
    ev("12", "purchase", u)
for u in range(400, 450):
    ev("12", "remove_from_cart", u)
rows.insert(50, "not,enough,fields")
rows.insert(100, "2019-10-01 08:00:00 UTC,view,1,2,,acme,10.0,,s,mobile")
rows.insert(150, "2019-13-45 08:00:00 UTC,view,1,2,,acme,10.0,7,s,mobile")
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY

expect_exit 0 "$JOURNEYSIM" observe "$WORK/events.csv" --map view=interest,cart=intent,purchase=purchase \
  --by device --segment mobile=everyone -o "$WORK/observed.csv"
"$PYTHON" - "$WORK/observed.csv" <<'PY' || fail "observed funnel"
import sys
text = open(sys.argv[1]).read()
stages = {}
section = None
for line in text.splitlines():
    if not line or line.startswith("#"): continue
    if line in ("persona,stage,reached", "persona,metric,value"): section = line; continue
    p, name, v = line.split(",")
    if section.endswith("reached"): stages[(p, name)] = int(v)
want = {("", "interest"): 305, ("", "intent"): 125, ("", "purchase"): 50,
        ("everyone", "interest"): 153, ("everyone", "intent"): 63, ("everyone", "purchase"): 26,
        ("desktop", "interest"): 152, ("desktop", "intent"): 62, ("desktop", "purchase"): 24}
assert stages == want, stages
assert "cart_abandon_rate,0.6\n" in text, text
assert "repeat_purchase_rate,0.2\n" in text, text
assert ",order_value_mean,10\n" in text, text
PY
expect_in "$WORK/err" "3 bad row(s) of"
expect_in "$WORK/err" "events.csv:51: expected 10 fields, found 3"
expect_in "$WORK/err" "events.csv:101: empty user_id"
expect_in "$WORK/err" "events.csv:151: event_time '2019-13-45 08:00:00 UTC' is not a date-time"
expect_in "$WORK/out" "remove_from_cart (50)"
grep -q "^note: " "$WORK/out" && fail "a note although the cart and purchase events are mapped"
head -1 "$WORK/observed.csv" | grep -qF -- "--by device --segment mobile=everyone -o $WORK/observed.csv" ||
  fail "the comment line is not the whole command: $(head -1 "$WORK/observed.csv")"
# Metrics left out because their events are not mapped are named.
expect_exit 0 "$JOURNEYSIM" observe "$WORK/events.csv" --map view=interest -o "$WORK/o_views.csv"
expect_in "$WORK/out" "note: the cart event 'cart' is not in --map: no cart_abandon_rate"
expect_in "$WORK/out" "note: the purchase event 'purchase' is not in --map"

# Shopify's and GA4's times are read; a purchase without a price is kept, a repeated one dropped,
# both said on stdout and in the file; an event type with mostly bad rows writes nothing (exit 2).
printf 'Email,Paid at,Event,Total\nx,2026-10-01 12:34:56 +0200,view,\nx,2026-10-01 13:34:56 +0200,purchase,\n%s\n%s\n' \
  'y,1790836496000000,view,' 'y,2026-10-01T12:34:56+0200,purchase,5' >"$WORK/shop.csv"
tail -1 "$WORK/shop.csv" >>"$WORK/shop.csv"
shop=(--map view=interest,purchase=purchase --user-column Email --time-column 'Paid at' --type-column Event --price-column Total)
expect_exit 0 "$JOURNEYSIM" observe "$WORK/shop.csv" "${shop[@]}" -o "$WORK/shop_obs.csv"
expect_in "$WORK/shop_obs.csv" "# 5 rows, 0 bad rows skipped, 2 customers, 1 purchases without a value, 1 duplicate purchases dropped"
expect_in "$WORK/shop_obs.csv" "purchase,2"
expect_in "$WORK/out" "note: 1 purchase(s) had no usable value (empty, not a number, negative or above 1e12; the first, $WORK/shop.csv:3: Total '')"
expect_in "$WORK/out" "note: 1 duplicate purchase(s) dropped (a customer's purchase row repeated field for field; the first, $WORK/shop.csv:6)"
sed 's/2026-10-01T12:34:56+0200/01.10.2026 12:34/' "$WORK/shop.csv" >"$WORK/shop_eu.csv"
expect_exit 2 "$JOURNEYSIM" observe "$WORK/shop_eu.csv" "${shop[@]}" -o "$WORK/shop_eu_obs.csv"
expect_in "$WORK/err" "shop_eu.csv: 2 of the 3 'purchase' rows are bad (the first, $WORK/shop_eu.csv:5: Paid at '01.10.2026 12:34' is not a date-time"
[ -e "$WORK/shop_eu_obs.csv" ] && fail "a funnel written although most purchases were bad rows"

# A wrong column name lists the columns present; an existing output needs --force.
expect_exit 2 "$JOURNEYSIM" observe "$WORK/events.csv" --map view=interest --user-column customer -o "$WORK/o2.csv"
expect_in "$WORK/err" "no column 'customer' (--user-column); the columns are: event_time, event_type"
expect_exit 2 "$JOURNEYSIM" observe "$WORK/events.csv" --map view=interest -o "$WORK/observed.csv"
expect_in "$WORK/err" "exists; use --force"

# calibrate end to end: one free parameter, a small population.
cat > "$WORK/target.csv" <<'CSV'
stage,reached
interest,5000
intent,340
purchase,180
CSV
expect_exit 0 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 --agents 20000 -o "$WORK/cal.yaml"
expect_in "$WORK/out" "goodness of fit: deviance"
expect_in "$WORK/out" "95 % interval (method: docs/CALIBRATION.md)"
expect_in "$WORK/out" "evaluations (fit "
expect_in "$WORK/out" "interest -> intent"
expect_in "$WORK/err" "fit #1: deviance"
head -1 "$WORK/cal.yaml" | grep -q "^# Calibrated by journeysim calibrate on " || fail "no header comment"
expect_in "$WORK/cal.yaml" "target: $WORK/target.csv"
expect_exit 0 "$JOURNEYSIM" validate "$WORK/cal.yaml"
# A run of the calibrated scenario gets an "observed vs simulated" section in its report.
expect_exit 0 "$JOURNEYSIM" run "$WORK/cal.yaml" --agents 20000 --summary-only -q -o "$WORK/cal.h5"
expect_exit 0 "$JOURNEYSIM" report "$WORK/cal.h5" -o "$WORK/cal.html"
expect_in "$WORK/cal.html" '<section id="observed">'
expect_in "$WORK/cal.html" "<td>interest → intent</td><td>5,000</td><td>0.06800</td>"
# Same command, same fit (common random numbers, fixed seed).
expect_exit 0 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 --agents 20000 -o "$WORK/cal2.yaml" --quiet
diff <(grep -v "^# Calibrated" "$WORK/cal.yaml" | grep -v "evaluations in") \
     <(grep -v "^# Calibrated" "$WORK/cal2.yaml" | grep -v "evaluations in") >/dev/null || fail "two fits differ"
expect_exit 2 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 -o "$WORK/cal.yaml"
expect_in "$WORK/err" "exists; use --force"
grep -q "CAUTION" "$WORK/cal.yaml" && fail "a caution without a variant that sets the fitted parameter"
# A variant that sets a fitted parameter itself keeps its value: its what-if is
# another change on the fitted baseline, and calibrate says so (even --quiet).
{ cat "$scenario"; printf 'variants:\n  - name: easier\n    set: {touchpoints.checkout.checkout.step_abandon: 0.05}\n'
  printf '  - name: easier_too\n    base: easier\n'; } >"$WORK/with_variant.yaml"
expect_exit 0 "$JOURNEYSIM" calibrate "$WORK/with_variant.yaml" --target "$WORK/target.csv" --quiet --no-intervals \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 --agents 20000 -o "$WORK/cal_v.yaml"
expect_in "$WORK/err" "caution: variant 'easier' sets touchpoints.checkout.checkout.step_abandon itself: it keeps that value"
expect_in "$WORK/err" "caution: variant 'easier_too' (through its base 'easier') sets"
expect_in "$WORK/cal_v.yaml" "# CAUTION: variant 'easier' sets touchpoints.checkout.checkout.step_abandon itself"
expect_exit 0 "$JOURNEYSIM" validate "$WORK/cal_v.yaml"
# --random-stream N fits as the scenario's `random_stream: N` would, and the header says so.
expect_in "$WORK/cal.yaml" ", random stream 4, "
expect_exit 0 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" --random-stream 1 \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 --agents 20000 -o "$WORK/cal2s.yaml" --quiet --no-intervals
expect_in "$WORK/cal2s.yaml" ", random stream 1, "
{ echo "random_stream: 1"; cat "$scenario"; } >"$WORK/keyed2.yaml"
expect_exit 0 "$JOURNEYSIM" calibrate "$WORK/keyed2.yaml" --target "$WORK/target.csv" \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 --agents 20000 -o "$WORK/cal2k.yaml" --quiet --no-intervals
fitted() { grep "^# fitted:" "$1"; }
[ -n "$(fitted "$WORK/cal2s.yaml")" ] && [ "$(fitted "$WORK/cal2s.yaml")" = "$(fitted "$WORK/cal2k.yaml")" ] ||
  fail "calibrate --random-stream 1 fits otherwise than random_stream: 1: $(fitted "$WORK/cal2s.yaml") / $(fitted "$WORK/cal2k.yaml")"
[ "$(fitted "$WORK/cal2s.yaml")" != "$(fitted "$WORK/cal.yaml")" ] || fail "calibrate --random-stream 1 fits as stream 4"
for bad in "--seed -1" "--random-stream 0"; do
  expect_exit 2 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" $bad \
    --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 -o "$WORK/bad.yaml"
done
expect_in "$WORK/err" "--random-stream: expected 1, 2, 3 or 4, got 0"

# Metric rows: the cart-abandonment rate gives the purchase stage's row (a transition); the
# repeat rate and order value are shown, not fitted: step_abandon acts before the first purchase.
printf 'stage,reached\ninterest,5000\nintent,340\n\nmetric,value\ncart_abandon_rate,0.47\nrepeat_purchase_rate,0.2\norder_value_mean,40\n' \
  > "$WORK/target_m.csv"
expect_exit 0 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target_m.csv" \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 --agents 20000 -o "$WORK/cal_m.yaml" --quiet
expect_in "$WORK/out" "intent -> purchase                               340         180"
expect_in "$WORK/out" "not fitted: fitted as the transition it is part of (above)"
expect_in "$WORK/out" "not fitted: no free parameter acts on the stages it measures"
expect_in "$WORK/out" "not fitted: no free parameter is a discount or a persona's"
expect_exit 2 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target_m.csv" --fit-metrics repeat,bogus \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 -o "$WORK/bad.yaml"
expect_in "$WORK/err" "--fit-metrics: unknown metric 'repeat'"

# With persona rows, the overall rows are shown (at the fit), not fitted, in the table and the header.
printf 'persona,stage,reached\neveryone,interest,5000\neveryone,purchase,180\n,interest,5000\n,intent,340\n,purchase,180\n' \
  > "$WORK/target_p.csv"
expect_exit 0 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target_p.csv" \
  --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 --agents 2000 -t 1 -o "$WORK/cal_p.yaml" --quiet --no-intervals
expect_in "$WORK/out" "everyone: interest -> purchase                 5,000         180"
grep -q "^interest -> intent  *5,000  *340 .*shown, not fitted$" "$WORK/out" || fail "overall row not shown: $(cat "$WORK/out")"
grep -q "^intent -> purchase  *340  *180 .*shown, not fitted$" "$WORK/out" || fail "overall row not shown"
grep -q "^# interest -> intent  *5,000  *340 .*shown, not fitted$" "$WORK/cal_p.yaml" || fail "overall row not in the header"

# A parameter with no effect on the likelihood keeps the scenario's value (cost: 0.01), not where
# BOBYQA's first step left it (0.1); the table says it was kept.
expect_exit 0 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" \
  --free touchpoints.social_ads.cost=0:1 --agents 2000 -t 1 -o "$WORK/cal_dead.yaml" --quiet --no-intervals
expect_in "$WORK/out" "no effect on the observed stages near the fit"
expect_in "$WORK/out" "touchpoints.social_ads.cost                         0.01      kept"
expect_in "$WORK/cal_dead.yaml" "fitted: touchpoints.social_ads.cost kept (range 0:1)"
grep -q "name: social_ads.*cost: 0.01}" "$WORK/cal_dead.yaml" || fail "the kept cost changed: $(grep social_ads "$WORK/cal_dead.yaml")"

# Ctrl-C: the best point so far is written, marked, exit 130.
"$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" --free touchpoints.checkout.checkout.step_abandon=0.01:0.4 \
  --free touchpoints.video.advance=0.01:0.5 --agents 200000 -o "$WORK/int.yaml" >"$WORK/out" 2>"$WORK/err" &
pid=$!
for _ in $(seq 600); do grep -q "fit #2" "$WORK/err" 2>/dev/null && break; sleep 0.2; done
kill -INT "$pid"
code=0; wait "$pid" || code=$?
[ "$code" = 130 ] || fail "interrupted calibrate: exit $code, wanted 130"
expect_in "$WORK/int.yaml" "INTERRUPTED: the best point"
expect_exit 0 "$JOURNEYSIM" validate "$WORK/int.yaml"

# Bad inputs: clear one-line errors, exit 2.
bad_target() { # bad_target TEXT EXPECTED
  printf '%b' "$1" > "$WORK/bad.csv"
  expect_exit 2 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/bad.csv" \
    --free touchpoints.video.advance=0.01:0.5 -o "$WORK/bad.yaml"
  expect_in "$WORK/err" "$2"
  [ "$(wc -l < "$WORK/err")" = 1 ] || fail "more than one line: $(cat "$WORK/err")"
  [ ! -e "$WORK/bad.yaml" ] || fail "a file was written for a bad target"
}
bad_target 'stage,reached\ninterest,100\nintnet,50\n' "bad.csv:3:1: unknown stage 'intnet' — did you mean 'intent'?"
bad_target 'stage,reached\ninterest,100\nintent,150\n' "counts cannot increase down the funnel"
bad_target 'stage,reached\ninterest,100\nintent,-5\n' "bad.csv:3:8: negative count -5"
bad_target 'stage,reached\nview,100\ncart,50\n' "no stage of the target is a stage of the scenario"
# Metric rows: a name that is no metric, a rate outside [0, 1], a negative time, decreasing quantiles.
bad_target 'stage,reached\ninterest,100\nintent,50\n\nmetric,value\ncart_abandon_rat,0.5\n' \
  "bad.csv:6:1: unknown metric 'cart_abandon_rat' — did you mean 'cart_abandon_rate'?"
bad_target 'stage,reached\ninterest,100\nintent,50\n\nmetric,value\nrepeat_purchase_rate,1.5\n' \
  "bad.csv:6:22: repeat_purchase_rate 1.5 is not a rate between 0 and 1"
bad_target 'stage,reached\ninterest,100\nintent,50\n\nmetric,value\nhours_to_first_purchase_p50,-2\n' \
  "bad.csv:6:29: hours_to_first_purchase_p50 -2 is negative"
bad_target 'stage,reached\ninterest,100\nintent,50\n\nmetric,value\nhours_to_first_purchase_p50,9\nhours_to_first_purchase_p75,3\n' \
  "bad.csv:7:1: hours_to_first_purchase_p75 3 is below hours_to_first_purchase_p50 9: quantiles cannot decrease"
bad_target 'stage,reached\ninterest,100\nintent,50\n\nmetric,value\nhours_to_first_purchase_p100,9\n' \
  "unknown metric 'hours_to_first_purchase_p100'"
bad_target 'stage,reached\ninterest,100\nintent,50\n\npersona,metric,value\nnobody,repeat_purchase_rate,0.2\n' \
  "bad.csv:6:1: unknown persona 'nobody'"
expect_exit 2 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" --free touchpoints.nothing.advance=0.1:0.2 -o "$WORK/bad.yaml"
expect_in "$WORK/err" "no touchpoint 'nothing'"
expect_exit 2 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" --free touchpoints.video.advance=0.3:0.1 -o "$WORK/bad.yaml"
expect_in "$WORK/err" "LOW must be less than HIGH"
expect_exit 2 "$JOURNEYSIM" calibrate "$scenario" --target "$WORK/target.csv" -o "$WORK/bad.yaml"
expect_in "$WORK/err" "at least one --free"
[ ! -e "$WORK/bad.yaml" ] || fail "a file was written for bad input"

# A segment value mapped twice is refused, as a --map entry given twice is.
expect_exit 2 "$JOURNEYSIM" observe "$WORK/events.csv" --map view=interest --by device \
  --segment mobile=a --segment mobile=b -o "$WORK/twice.csv"
expect_in "$WORK/err" "--segment: 'mobile' is given twice"
[ ! -e "$WORK/twice.csv" ] || fail "a refused observe wrote its output"
finish
