# journeysim sweep: grid × replications in one file that pandas reads in one
# call; each run equals the single `run` of its parameters and seed, bit for
# bit; an interrupted sweep resumes to the same file; mistakes exit 2.
source "$(dirname "$0")/lib.sh"
# The model-v1 shop (no population feedback, 5 variants): the mechanics tested
# here do not depend on the model, and it runs several times faster.
scenario="$TEST_DATA/legacy/checkout_what_if_v1.yaml"
grid=(--set touchpoints.checkout.checkout.steps=1:4:1 --set stages.intent.dropout=0.1,0.3)

expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -r 3 -n 4000 -o "$WORK/s.h5" --dry-run
expect_in "$WORK/out" "8 grid point(s) × 3 replication(s) = 24 run(s)"
[ ! -e "$WORK/s.h5" ] || fail "--dry-run wrote a file"
# The grid as values, not as truncated digits (0.00316228, not 0.00316227).
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout=1e-3:1e-1:log5 -n 4000 --dry-run
expect_in "$WORK/out" "stages.intent.dropout (5): 0.001 0.00316228 0.01 0.0316228 0.1"
# A path given twice is one mistake, said as such (not as a YAML duplicate key with 17 digits).
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout=0.1 --set stages.intent.dropout=0.2 --dry-run
expect_in "$WORK/err" "--set stages.intent.dropout: given twice"

expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${grid[@]}" -r 3 -n 4000 -o "$WORK/s.h5" --quiet
"$PYTHON" - "$WORK/s.h5" <<'PY' || fail "sweep file layout"
import sys, h5py, numpy as np, pandas as pd
with h5py.File(sys.argv[1]) as f:
    assert f.attrs["complete"] == 1 and f.attrs["kind"] == "sweep"
    df = pd.DataFrame(f["runs/index"][()])              # one call
    assert len(df) == 8 * 3 * 5, len(df)                 # points × replications × variants
    for c in ("run", "point", "replication"):
        assert df[c].dtype == np.int64, (c, df[c].dtype)
    assert df["seed"].dtype == np.uint64
    for c in ("touchpoints.checkout.checkout.steps", "stages.intent.dropout", "conversion_rate", "roi"):
        assert df[c].dtype == np.float64, c
    assert sorted(df["run"]) == list(range(len(df)))
    assert set(df["touchpoints.checkout.checkout.steps"]) == {1, 2, 3, 4}
    # every point of one replication shares the seed; replications differ
    assert df.groupby("replication")["seed"].nunique().eq(1).all() and df["seed"].nunique() == 3
    # fewer checkout steps convert more (averaged over replications and the dropout values)
    base = df[df.variant == b"baseline"].groupby("touchpoints.checkout.checkout.steps")["conversion_rate"].mean()
    assert base.is_monotonic_decreasing, base
    s = pd.DataFrame(f["runs/summary"][()])
    assert len(s) == 8 * 5 and (s.replications == 3).all()
    row = s.iloc[0]
    assert row.conversion_rate_ci_low <= row.conversion_rate_mean <= row.conversion_rate_ci_high
    for rid in df.run[:3]:
        g = f[f"runs/{rid}"]
        assert g["funnel/reached"].shape == (7,) and g["summary"].attrs["agents"] == 4000
PY

# One run of the sweep equals `run` with the same parameters and seed.
read -r rid variant steps dropout seed < <("$PYTHON" - "$WORK/s.h5" <<'PY'
import sys, h5py, pandas as pd
df = pd.DataFrame(h5py.File(sys.argv[1])["runs/index"][()])
r = df[(df.variant == b"cart_discount") & (df.replication == 2)].iloc[5]
print(r.run, r.variant.decode(), repr(r["touchpoints.checkout.checkout.steps"]), repr(r["stages.intent.dropout"]), r.seed)
PY
)
expect_exit 0 "$JOURNEYSIM" run "$scenario" --set touchpoints.checkout.checkout.steps="$steps" \
  --set stages.intent.dropout="$dropout" --seed "$seed" -n 4000 --summary-only -o "$WORK/one.h5" --quiet
"$PYTHON" - "$WORK/s.h5" "$rid" "$WORK/one.h5" "$variant" <<'PY' || fail "sweep run differs from the single run"
import sys, h5py, numpy as np
sweep, one = h5py.File(sys.argv[1]), h5py.File(sys.argv[3])
a, b = sweep[f"runs/{sys.argv[2]}"], one[f"variants/{sys.argv[4]}"]
n = 0
for name in ("funnel/reached", "funnel/by_persona", "daily/in_stage", "daily/lost",
             "touchpoints/exposures", "touchpoints/advances", "touchpoints/cost"):
    assert a[name][()].tobytes() == b[name][()].tobytes(), name
    n += 1
for k, v in b["summary"].attrs.items():
    assert np.array(a["summary"].attrs[k]).tobytes() == np.array(v).tobytes() or (np.isnan(v) and np.isnan(a["summary"].attrs[k])), k
print("identical:", n, "datasets and the summary")
PY

# Interrupt a sweep, resume it: the same file as an uninterrupted one.
# The interrupt comes a fixed share of the uninterrupted sweep's time after
# its file appears, so it lands mid-sweep on a fast or a loaded machine.
big=(--set touchpoints.checkout.checkout.steps=1:6:1 --set stages.intent.dropout=0.1,0.3 -r 2 -n 20000)
t0=$(date +%s%N)
"$JOURNEYSIM" sweep "$scenario" "${big[@]}" -o "$WORK/full.h5" --quiet
full_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
"$JOURNEYSIM" sweep "$scenario" "${big[@]}" -o "$WORK/cut.h5" --quiet 2>"$WORK/err" &
pid=$!
for _ in $(seq 1 400); do [ -e "$WORK/cut.h5" ] && break; sleep 0.01; done
delay_ms=$((full_ms * 2 / 5))
sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
kill -INT "$pid"
code=0; wait "$pid" || code=$?
[ "$code" = 130 ] || fail "interrupted sweep exit $code, wanted 130"
expect_in "$WORK/err" "--resume"
kept=$("$PYTHON" -c "import h5py,sys; f=h5py.File(sys.argv[1]); print(f.attrs['complete'], len(f['runs/index']))" "$WORK/cut.h5")
[[ "$kept" == 0\ * ]] || fail "interrupted file should be incomplete: $kept"
rows=${kept#* }
((rows > 0 && rows < 6 * 2 * 2 * 5)) || fail "the interrupt should land mid-sweep: $rows of 120 index rows kept"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" "${big[@]}" -o "$WORK/cut.h5" --quiet
expect_in "$WORK/err" "--resume"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" "${big[@]}" --seed 99 -o "$WORK/cut.h5" --resume --quiet
expect_in "$WORK/err" "different sweep"
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${big[@]}" -o "$WORK/cut.h5" --resume --quiet
"$PYTHON" - "$WORK/full.h5" "$WORK/cut.h5" "$kept" <<'PY' || fail "resumed sweep differs from an uninterrupted one"
import sys, h5py, numpy as np
def content(path):
    out = {}
    with h5py.File(path) as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()].tobytes() if obj.dtype.kind != "O" else obj[()].tolist()
            for k, v in obj.attrs.items():
                a = np.array(v)  # string arrays (e.g. touches_by_kind@kinds) compare as lists
                out[name + "@" + k] = v if isinstance(v, str) else a.tolist() if a.dtype.kind == "O" else a.tobytes()
        f.visititems(visit)
        out["@complete"] = int(f.attrs["complete"])
    return out
full, cut = content(sys.argv[1]), content(sys.argv[2])
assert full.keys() == cut.keys(), set(full) ^ set(cut)
diff = [k for k in full if full[k] != cut[k] and not k.startswith("runs/index") and not k.startswith("runs/summary")]
assert not diff, diff[:5]
with h5py.File(sys.argv[1]) as a, h5py.File(sys.argv[2]) as b:   # compound tables: compare values
    for t in ("runs/index", "runs/summary"):
        assert a[t][()].tolist() == b[t][()].tolist(), t
print("resumed after", sys.argv[3].split()[1], "index rows: identical to the uninterrupted sweep")
PY

# --resume refuses a file made under another random stream, naming it: a
# stream draws other customers, so its runs cannot be mixed with this one's. The stream is
# in the sweep definition (`;stream=N`, none for stream 1); the scenario's
# text is too, so each file is made under its own stream and its definition
# then rewritten to another stream's, as a binary whose scenario resolved to
# that stream (another default, or one made before stream 2) recorded it.
restream() { # restream FILE N: marks FILE incomplete, as made under stream N
  "$PYTHON" - "$@" <<'PY'
import re, sys, h5py
path, n = sys.argv[1], int(sys.argv[2])
with h5py.File(path, "r+") as f:
    d = re.sub(r";stream=\d+", "", f.attrs["sweep_definition"])
    if n != 1:
        d = re.sub(r"(;seed=[^;]*)", rf"\1;stream={n}", d, count=1)
    f.attrs.modify("sweep_definition", d)
    f.attrs.modify("complete", 0)
PY
}
streams=(1 2 3 4) # every value random_stream takes
small=(--set stages.intent.dropout=0.1,0.2 -n 2000 --quiet)
for s in "${streams[@]}"; do
  sed "s/^seed: /random_stream: $s\nseed: /" "$scenario" > "$WORK/stream$s.yaml"
  expect_exit 0 "$JOURNEYSIM" sweep "$WORK/stream$s.yaml" "${small[@]}" -o "$WORK/own$s.h5"
  restream "$WORK/own$s.h5" "$s" || fail "restream own$s.h5"
  for t in "${streams[@]}"; do
    [ "$t" != "$s" ] || continue
    cp "$WORK/own$s.h5" "$WORK/made$t.h5"
    restream "$WORK/made$t.h5" "$t" || fail "restream made$t.h5"
    cp "$WORK/made$t.h5" "$WORK/made$t.before.h5"
    expect_exit 2 "$JOURNEYSIM" sweep "$WORK/stream$s.yaml" "${small[@]}" -o "$WORK/made$t.h5" --resume
    expect_in "$WORK/err" "was made under random stream $t, this command draws by stream $s; resume it with --random-stream $t"
    [ "$(wc -l < "$WORK/err")" = 1 ] || fail "stream $s, file of stream $t: the refusal is not one line"
    cmp -s "$WORK/made$t.h5" "$WORK/made$t.before.h5" || fail "stream $s: the refused file of stream $t changed"
  done
  # The same file under its own stream resumes, and completes.
  expect_exit 0 "$JOURNEYSIM" sweep "$WORK/stream$s.yaml" "${small[@]}" -o "$WORK/own$s.h5" --resume
  "$PYTHON" -c "import h5py, sys; assert h5py.File(sys.argv[1]).attrs['complete'] == 1" "$WORK/own$s.h5" ||
    fail "stream $s: the resumed sweep is not complete"
done

# --random-stream: the same runs as the scenario's own `random_stream:`, and
# the way to resume a sweep made under another stream (another binary's
# default): the refusal says which to give.
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${small[@]}" --random-stream 3 -o "$WORK/opt3.h5"
"$PYTHON" - "$WORK/opt3.h5" "$WORK/own3.h5" <<'PY' || fail "--random-stream 3 differs from random_stream: 3"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
assert a.attrs["random_stream"] == 3, a.attrs["random_stream"]
ia, ib = a["runs/index"][()], b["runs/index"][()]
assert len(ia) == len(ib) > 0, (len(ia), len(ib))
for name in ia.dtype.names:
    assert np.array_equal(ia[name], ib[name]), name
PY
restream "$WORK/opt3.h5" 3 || fail "restream opt3.h5"
cp "$WORK/opt3.h5" "$WORK/opt3.before.h5"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" "${small[@]}" -o "$WORK/opt3.h5" --resume
expect_in "$WORK/err" "was made under random stream 3, this command draws by stream 4; resume it with --random-stream 3"
cmp -s "$WORK/opt3.h5" "$WORK/opt3.before.h5" || fail "the refused stream-3 sweep changed"
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" "${small[@]}" -o "$WORK/opt3.h5" --resume --random-stream 3
"$PYTHON" -c "import h5py, sys; assert h5py.File(sys.argv[1]).attrs['complete'] == 1" "$WORK/opt3.h5" ||
  fail "--resume --random-stream 3 did not complete the sweep"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" "${small[@]}" --random-stream 5 -o "$WORK/e.h5"
expect_in "$WORK/err" "--random-stream: expected 1, 2, 3 or 4, got 5"

# Mistakes: clear, exit 2, naming the path.
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" --set touchpoints.chekout.reach=0.1,0.2 -o "$WORK/e.h5"
expect_in "$WORK/err" "did you mean 'checkout'"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout=0.1,,0.3 -o "$WORK/e.h5"
expect_in "$WORK/err" "stages.intent.dropout"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout=0:1 -o "$WORK/e.h5"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout=0.5,1.5 -o "$WORK/e.h5"
expect_in "$WORK/err" "dropout=1.5"
expect_exit 2 "$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout -o "$WORK/e.h5"
[ ! -e "$WORK/e.h5" ] || fail "a file was written for a bad sweep"

# --per-agent: each run also has its per-agent columns, consistent with its funnel.
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" --set stages.intent.dropout=0.1,0.2 -n 3000 -o "$WORK/p.h5" --per-agent --quiet
"$PYTHON" - "$WORK/p.h5" <<'PY' || fail "per-agent sweep columns"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    for rid in range(10):
        g = f[f"runs/{rid}"]
        sd = g["agents/stage_day"][()]
        assert sd.shape == (3000, 7)
        assert ((sd >= 0).sum(axis=0) == g["funnel/reached"][()]).all(), rid
PY

# A sweep declared in the scenario file.
sed 's/^variants:/sweep:\n  set:\n    stages.intent.dropout: [0.1, 0.2]\n    touchpoints.checkout.reach: "0.05:0.15:0.05"\n  replications: 2\nvariants:/' \
  "$scenario" > "$WORK/declared.yaml"
expect_exit 0 "$JOURNEYSIM" sweep "$WORK/declared.yaml" -n 2000 -o "$WORK/d.h5" --quiet
"$PYTHON" -c "
import h5py, sys; f = h5py.File(sys.argv[1])
assert len(f['runs/index']) == 2 * 3 * 2 * 5, len(f['runs/index'])" "$WORK/d.h5" || fail "scenario-declared sweep"
finish
