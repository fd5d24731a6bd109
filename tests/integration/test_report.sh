# journeysim report: one self-contained HTML page (no scripts, nothing from the
# network, names escaped) that headless Chromium renders without console
# errors into a screenshot that is not blank; bad inputs exit 2, and an
# existing page is never replaced without --force.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/checkout_what_if.yaml"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

# A scenario whose name and description try to inject markup.
sed -e 's/^name: .*/name: "shop <script>alert(1)<\/script> \& co"/' \
    -e 's/^description: >/description: >\n  <img src=x onerror=alert(2)> evil \& "quoted"/' \
    "$scenario" >"$WORK/hostile.yaml"

expect_exit 0 "$JOURNEYSIM" run "$WORK/hostile.yaml" -o "$WORK/r.h5" --agents 20000 --threads 2 --quiet
expect_exit 0 "$JOURNEYSIM" report "$WORK/r.h5" -o "$WORK/report.html"
expect_in "$WORK/out" "report.html"
html="$WORK/report.html"

# Self-contained and escaped: no scripts, no links, nothing fetched.
grep -Eqi 'https?://|<script|<link|<img|<iframe|@import|url\(' "$html" && fail "the report loads or runs something"
expect_in "$html" "shop &lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
expect_in "$html" "&lt;img src=x onerror=alert(2)&gt; evil &amp; &quot;quoted&quot;"
# What the page must show, with values from the file.
for text in 'id="summary"' 'id="funnel"' 'id="lift"' 'id="journey"' '20,000' 'simplified_checkout' \
            'cart_remarketing' 'gen_z_mobile' 'moments of truth' 'pre purchase' 'id="recommendation"' \
            'id="personas"' 'id="spend"' 'Stage-to-stage conversion' 'class="tpname"' 'minus baseline'; do
  expect_in "$html" "$text"
done
"$PYTHON" - "$WORK/r.h5" "$html" <<'PY' || fail "report values"
import sys, h5py, numpy as np, html as H
f = h5py.File(sys.argv[1]); page = open(sys.argv[2], encoding="utf-8").read()
# funnel, forest, one map per variant and one mood difference per non-baseline variant
assert page.count("<svg") == 2 + 2 * len(f["variants"]) - 1, page.count("<svg")
for v in f["variants"]:
    s = f["variants"][v]["summary"].attrs
    assert f"{100 * s['conversion_rate']:.2f} %" in page, (v, s["conversion_rate"])
    reached = f["variants"][v]["funnel/reached"][()]
    assert f"{v} — purchase: {reached[4]:,} customers" in page, v
    jm = f["variants"][v]["journey_map"]          # means per persona: everyone enters with the persona's mood
    assert np.allclose(jm["mood_in"][:, 0], [0.1, 0.0, -0.05, 0.0]), jm["mood_in"][:, 0]
    assert jm["touches_by_kind"].shape == (7, 4)
    assert jm["touches_by_kind"][()].sum() == f["variants"][v]["agents/touches"][()].sum()
# The forest plot shows each variant's conversion lift and 95 % CI from /comparison (pp).
def pp(x):
    t = f"{100 * x:.2f}"
    return t.replace("-", "−") if t.strip("-0.") else t.lstrip("-")
def signed(x):
    t = pp(x)
    return "+" + t if x > 0 and t.strip("0.") else t
assert "comparison" in f and 'id="no-comparison"' not in page
for v in list(f["variants"])[1:]:
    g = f["comparison"][v]
    i = [m.decode() if isinstance(m, bytes) else m for m in g["metric"][()]].index("conversion_rate")
    d, lo, hi = (g[c][i] for c in ("difference", "ci_low", "ci_high"))
    text = f"{signed(d)} pp  [{signed(lo)}, {signed(hi)}]"
    assert H.escape(text, quote=False) in page, (v, text)
PY

# Hand-made /comparison values (layout of docs/OUTPUT.md) appear as written.
cp "$WORK/r.h5" "$WORK/c.h5"
"$PYTHON" - "$WORK/c.h5" <<'PY' || fail "could not add /comparison"
import sys, h5py, numpy as np, html as H
with h5py.File(sys.argv[1], "a") as f:
    if "comparison" in f:
        del f["comparison"]
    for i, v in enumerate(list(f["variants"])[1:]):
        g = f.create_group(f"comparison/{v}")
        str_t = h5py.string_dtype()
        g["metric"] = np.array(["conversion_rate", "revenue"], dtype=object).astype(str_t)
        for col, vals in {"baseline": [0.05, 100.0], "variant": [0.06, 90.0], "difference": [0.01 + i / 1000, -10.0],
                          "ci_low": [0.0025, -12.5], "ci_high": [0.0175 + i / 1000, -7.5], "p_value": [0.0004, 0.2]}.items():
            g[col] = np.array(vals, dtype=np.float64)
        g["method"] = np.array(["paired test", "paired <mean>"], dtype=object).astype(str_t)
PY
expect_exit 0 "$JOURNEYSIM" report "$WORK/c.h5" -o "$WORK/c.html" --quiet
expect_in "$WORK/c.html" "+1.00 pp  [+0.25, +1.75]"
expect_in "$WORK/c.html" "paired &lt;mean&gt;"
grep -q 'id="no-comparison"' "$WORK/c.html" && fail "the no-comparison note is shown although /comparison exists"
# A file without /comparison (older runs): the differences of the summaries, and a note.
cp "$WORK/r.h5" "$WORK/n.h5"
"$PYTHON" -c 'import sys, h5py; del h5py.File(sys.argv[1], "a")["comparison"]' "$WORK/n.h5"
expect_exit 0 "$JOURNEYSIM" report "$WORK/n.h5" -o "$WORK/n.html" --quiet
expect_in "$WORK/n.html" 'id="no-comparison"'

# Rendered by headless Chromium: a screenshot that is not blank, and no console errors.
render() { # render HTML PNG LOG
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$WORK/profile" \
    --enable-logging=stderr --v=0 --hide-scrollbars --window-size=1200,3000 --screenshot="$2" "file://$1" \
    >"$3" 2>&1 || fail "chromium failed on $1: $(tail -3 "$3")"
}
console_errors() { grep -E 'CONSOLE|Uncaught|Failed to load resource' "$1"; }
if [ -z "$CHROMIUM" ]; then
  fail "chromium not found (scripts/setup installs Debian's chromium)"
else
  render "$html" "$WORK/shot.png" "$WORK/chrome.log"
  console_errors "$WORK/chrome.log" && fail "console messages while rendering the report"
  "$PYTHON" - "$WORK/shot.png" <<'PY' || fail "the screenshot looks blank"
import sys, numpy as np, matplotlib.image as mpimg
img = mpimg.imread(sys.argv[1])[:, :, :3]
h, w, _ = img.shape
assert (w, h) == (1200, 3000), (w, h)
dark = (img.mean(axis=2) < 0.5).mean()            # text, axes, bars
assert dark > 0.01, f"only {dark:.2%} dark pixels"
def has(hex_):                                     # a variant colour of the charts is on screen
    c = np.array([int(hex_[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return (np.abs(img - c).max(axis=2) < 0.03).sum()
for colour in ("#2563eb", "#ea580c", "#64748b"):
    assert has(colour) > 200, (colour, has(colour))
print(f"screenshot {w}x{h}: {dark:.1%} dark pixels")
PY
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$WORK/profile" \
    --dump-dom "file://$html" >"$WORK/dom.html" 2>/dev/null || fail "chromium --dump-dom failed"
  for text in '<section id="summary">' '<section id="funnel">' '<section id="lift">' '<section id="journey">' \
              '<svg viewBox' '<table>'; do
    expect_in "$WORK/dom.html" "$text"
  done
  # The console check itself: a page with a script error is caught.
  printf '<!DOCTYPE html><p>x</p><script>no_such_function();</script>\n' >"$WORK/broken.html"
  render "$WORK/broken.html" "$WORK/broken.png" "$WORK/broken.log"
  console_errors "$WORK/broken.log" >/dev/null || fail "a script error did not show up in chromium's log"
fi

# Bad inputs: exit 2 with one line naming the problem, nothing written.
refused() { # refused FILE TEXT
  expect_exit 2 "$JOURNEYSIM" report "$1" -o "$WORK/x.html"
  expect_in "$WORK/err" "$2"
  [ "$(wc -l <"$WORK/err")" = 1 ] || fail "the error for $1 is not one line: $(cat "$WORK/err")"
  [ ! -e "$WORK/x.html" ] || fail "a failed report on $1 left x.html"
}
refused "$WORK/missing.h5" "no such file"
echo "not hdf5 at all" >"$WORK/text.h5"
refused "$WORK/text.h5" "HDF5"
head -c 20000 "$WORK/r.h5" >"$WORK/truncated.h5"
refused "$WORK/truncated.h5" "truncated.h5"
cp "$WORK/r.h5" "$WORK/incomplete.h5"
"$PYTHON" -c 'import sys, h5py; h5py.File(sys.argv[1], "a").attrs["complete"] = 0' "$WORK/incomplete.h5"
refused "$WORK/incomplete.h5" "incomplete"
"$PYTHON" -c 'import sys, h5py; h5py.File(sys.argv[1], "w").attrs["format"] = "something-else"' "$WORK/other.h5"
refused "$WORK/other.h5" "not a journeysim results file"
expect_exit 0 "$JOURNEYSIM" sweep "$scenario" --set touchpoints.checkout.checkout.steps=2 -n 1000 -o "$WORK/s.h5" --quiet
"$PYTHON" -c 'import sys, h5py; h5py.File(sys.argv[1], "a").attrs["complete"] = 0' "$WORK/s.h5"
refused "$WORK/s.h5" "unfinished sweep"   # a finished one has its own report (test_decisions)

# Never overwrite without --force; with it, replace (via a temporary file).
before=$(sha256sum <"$html")
expect_exit 2 "$JOURNEYSIM" report "$WORK/c.h5" -o "$html"
expect_in "$WORK/err" "--force"
[ "$(sha256sum <"$html")" = "$before" ] || fail "the existing report was changed without --force"
expect_exit 0 "$JOURNEYSIM" report "$WORK/c.h5" -o "$html" --force --quiet
cmp -s "$html" "$WORK/c.html" || fail "--force did not replace the report"
ls "$WORK" | grep -q partial && fail "a partial file was left behind"
# A page whose writer was killed (Ctrl-C ends report at once) left a
# partial: the next report to that target removes it.
echo "half a page" >"$WORK/again.html.partial-999999"
expect_exit 0 "$JOURNEYSIM" report "$WORK/r.h5" -o "$WORK/again.html" --quiet
[ ! -e "$WORK/again.html.partial-999999" ] || fail "a killed report's partial page was left"
finish
