# Same seed ⇒ the same datasets, bit for bit, for any thread count and chunk size,
# compressed or not (h5py decodes the workers' libdeflate chunks and, with --chunk off
# the grid, HDF5's own zlib ones, to the same values); and --compress stores the same
# chunks for any thread count.
source "$(dirname "$0")/lib.sh"
scenario="$SOURCE_DIR/scenarios/checkout_what_if.yaml"
"$JOURNEYSIM" run "$scenario" -o "$WORK/a.h5" --agents 30000 --threads 1 --quiet
"$JOURNEYSIM" run "$scenario" -o "$WORK/b.h5" --agents 30000 --threads 2 --chunk 1024 --quiet
"$JOURNEYSIM" run "$scenario" -o "$WORK/c.h5" --agents 30000 --threads 7 --chunk 5000 --quiet
"$JOURNEYSIM" run "$scenario" -o "$WORK/d.h5" --agents 30000 --variant cart_remarketing --threads 1 --compress --quiet
"$JOURNEYSIM" run "$scenario" -o "$WORK/e.h5" --agents 30000 --variant cart_remarketing --threads 2 --compress --quiet
"$JOURNEYSIM" run "$scenario" -o "$WORK/f.h5" --agents 30000 --variant cart_remarketing --threads 2 --chunk 5000 --compress --quiet
"$PYTHON" - "$WORK/a.h5" "$WORK/b.h5" "$WORK/c.h5" "$WORK/d.h5" "$WORK/e.h5" "$WORK/f.h5" <<'PY' || fail "files differ"
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
def same_datasets(paths):
    ref = datasets(paths[0])
    assert len(ref) > 40, len(ref)
    for other in paths[1:]:
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
same_datasets(sys.argv[1:4])
same_datasets(sys.argv[4:7])

def stored(path):  # per chunked dataset: filters, and each chunk as stored
    out = {}
    with h5py.File(path) as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.chunks and name.startswith("variants/"):
                plist = obj.id.get_create_plist()
                filters = [plist.get_filter(i)[:3] for i in range(plist.get_nfilters())]
                chunks = []
                for i in range(obj.id.get_num_chunks()):
                    offset = obj.id.get_chunk_info(i).chunk_offset
                    chunks.append((offset,) + obj.id.read_direct_chunk(offset))
                out[name] = (filters, chunks)
        f.visititems(visit)
    return out
ref = stored(sys.argv[4])
assert len(ref) > 30 and all(len(f) == 2 for f, _ in ref.values()), len(ref)
for other in sys.argv[5:6]:  # f: off the grid, HDF5's filters compressed every chunk
    assert stored(other) == ref, other
print("identical stored chunks:", len(ref), "compressed datasets")
PY
finish
