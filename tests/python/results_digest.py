"""SHA-256 of every dataset and attribute of a results file, one line each.

Pins what a model-v1 scenario produces (issue: old scenarios keep their
results bit for bit). `check` compares a file with a reference: every entry
of the reference must be present and equal; entries the reference does not
know (new datasets of a later format) are allowed.

    results_digest.py write FILE.h5 > reference.txt
    results_digest.py check FILE.h5 reference.txt
"""
import hashlib
import sys

import h5py
import numpy as np

# Attributes that describe the run, not its results.
IGNORED = {"created_utc", "journeysim_version", "threads", "seconds", "path",
           "chunk_agents", "complete", "format_version"}


def value_digest(v):
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, str):
        return hashlib.sha256(v.encode()).hexdigest()
    a = np.asarray(v)
    if a.dtype.kind == "O":
        return hashlib.sha256("\x1f".join(
            x.decode() if isinstance(x, bytes) else str(x) for x in a.ravel()).encode()).hexdigest()
    return hashlib.sha256(str(a.dtype).encode() + str(a.shape).encode() + a.tobytes()).hexdigest()


def digest(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for k, v in obj.attrs.items():
                if k not in IGNORED:
                    out[f"{name}@{k}"] = value_digest(v)
            if isinstance(obj, h5py.Dataset):
                out[name] = value_digest(obj[()])
        visit("/", f)
        f.visititems(visit)
    return out


def main():
    mode, path = sys.argv[1], sys.argv[2]
    d = digest(path)
    if mode == "write":
        for k in sorted(d):
            print(k, d[k])
        return 0
    ref = dict(line.split() for line in open(sys.argv[3]) if line.strip())
    bad = [k for k in sorted(ref) if d.get(k) != ref[k]]
    for k in bad[:20]:
        print(f"differs: {k}", "(missing)" if k not in d else "")
    print(f"{len(ref) - len(bad)} of {len(ref)} pinned entries equal")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
