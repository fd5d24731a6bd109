# Same seed ⇒ the same datasets, bit for bit, for any thread count and chunk size.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/checkout_what_if.yaml"
"$JOURNEYSIM" run "$scenario" -o "$WORK/a.h5" --agents 30000 --threads 1 --quiet
"$JOURNEYSIM" run "$scenario" -o "$WORK/b.h5" --agents 30000 --threads 2 --chunk 1024 --quiet
"$JOURNEYSIM" run "$scenario" -o "$WORK/c.h5" --agents 30000 --threads 7 --chunk 5000 --quiet
"$PYTHON" - "$WORK/a.h5" "$WORK/b.h5" "$WORK/c.h5" <<'PY' || fail "files differ"
import sys, h5py, numpy as np
def datasets(path):
    out = {}
    with h5py.File(path) as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
            for k, v in obj.attrs.items():
                if k not in ("created_utc", "threads", "chunk_agents"):
                    out[name + "@" + k] = v
        f.visititems(visit)
    return out
ref = datasets(sys.argv[1])
assert len(ref) > 40, len(ref)
for other in sys.argv[2:]:
    d = datasets(other)
    assert d.keys() == ref.keys(), set(d) ^ set(ref)
    for k in ref:
        a, b = np.asarray(ref[k]), np.asarray(d[k])
        assert a.dtype == b.dtype and a.shape == b.shape, k
        if a.dtype == object:  # strings: compare values, not pointers
            assert a.tolist() == b.tolist(), k
        else:
            assert a.tobytes() == b.tobytes(), k
print("identical:", len(ref), "datasets and attributes")
PY
finish
