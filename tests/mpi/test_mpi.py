#!/usr/bin/python3
"""The MPI build against the serial one (docs/SCALING.md).

Every results file written by 1, 2 and 3 ranks (mpirun, oversubscribed)
must equal the serial build's file dataset for dataset and attribute for
attribute, except the creation time; a sweep farmed out to 3 ranks must
equal the serial sweep; a rank killed mid-run, or SIGTERM to the job, must
end every rank with a message and leave no complete-looking file.

usage: test_mpi.py SERIAL_BINARY MPI_BINARY [--only NAME]
"""
import argparse
import glob
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IGNORED_ATTRIBUTES = {"created_utc"}  # the run's time: the only thing allowed to differ
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl_vader_single_copy_mechanism="none", OMPI_MCA_rmaps_base_oversubscribe="1")


def mpirun(ranks):
    return ["mpirun", "-np", str(ranks), "--oversubscribe", "--bind-to", "none"]


def scenario(path):
    return os.path.join(ROOT, path)


def run(cmd, **kw):
    p = subprocess.run(cmd, env=MPI_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "O" or a.dtype.names:
        return a.tolist() == b.tolist() or repr(a.tolist()) == repr(b.tolist())
    return a.tobytes() == b.tobytes()  # bit for bit (NaN == NaN, -0 != +0)


def differences(path_a, path_b):
    """Every dataset, attribute and link of two files that differ."""
    out = []
    with h5py.File(path_a, "r") as fa, h5py.File(path_b, "r") as fb:
        def walk(ga, gb, where):
            for name in sorted(set(ga.attrs) | set(gb.attrs)):
                if name in IGNORED_ATTRIBUTES:
                    continue
                if name not in ga.attrs or name not in gb.attrs:
                    out.append(f"{where}@{name}: only in one file")
                elif not same_value(ga.attrs[name], gb.attrs[name]):
                    out.append(f"{where}@{name}: {ga.attrs[name]!r} != {gb.attrs[name]!r}")
            if not isinstance(ga, h5py.Group):
                return
            for name in sorted(set(ga) | set(gb)):
                child = f"{where.rstrip('/')}/{name}"
                if name not in ga or name not in gb:
                    out.append(f"{child}: only in one file")
                    continue
                a, b = ga[name], gb[name]
                if isinstance(a, h5py.Dataset) != isinstance(b, h5py.Dataset):
                    out.append(f"{child}: a group in one file, a dataset in the other")
                    continue
                if isinstance(a, h5py.Dataset) and not same_value(a[()], b[()]):
                    out.append(f"{child}: values differ")
                walk(a, b, child)
        walk(fa, fb, "/")
    return out


def assert_same(serial, other, what):
    diff = differences(serial, other)
    if diff:
        raise AssertionError(f"{what} differs from the serial file:\n  " + "\n  ".join(diff[:20]))


# ---------------------------------------------------------------- run

RUNS = [
    # name, scenario, arguments (threads fixed: the file records them)
    ("variants", "tests/data/good/small_with_variants.yaml", ["-n", "70000"]),
    ("variants_compressed", "tests/data/good/small_with_variants.yaml", ["-n", "70000", "--compress"]),
    ("feedback", "tests/data/good/model_v2.yaml", ["-n", "40000"]),
    ("legacy_uneven_chunks", "scenarios/what_if_journey.yaml", ["-n", "100001", "--chunk", "1024"]),
    ("fewer_agents_than_ranks", "tests/data/good/small_with_variants.yaml", ["-n", "2"]),
    ("summary_only", "tests/data/legacy/checkout_what_if_v1.yaml", ["-n", "50000", "--summary-only"]),
]


def test_runs(serial_bin, mpi_bin, tmp, only):
    for name, path, args in RUNS:
        if only and only != name:
            continue
        start = time.monotonic()
        common = ["run", scenario(path), "-q", "-t", "1", "--seed", "7"] + args
        reference = os.path.join(tmp, f"{name}.serial.h5")
        run([serial_bin] + common + ["-o", reference])
        for ranks in (1, 2, 3):
            out = os.path.join(tmp, f"{name}.np{ranks}.h5")
            run(mpirun(ranks) + [mpi_bin] + common + ["-o", out])
            assert_same(reference, out, f"run '{name}' on {ranks} rank(s)")
        # The MPI build started without mpirun is the serial program.
        plain = os.path.join(tmp, f"{name}.plain.h5")
        run([mpi_bin] + common + ["-o", plain])
        assert_same(reference, plain, f"run '{name}' of the MPI build without mpirun")
        print(f"ok run {name}: 1, 2, 3 ranks and no mpirun equal the serial file ({time.monotonic() - start:.1f} s)")


# ---------------------------------------------------------------- sweep

def test_sweep(serial_bin, mpi_bin, tmp, only):
    if only and only != "sweep":
        return
    start = time.monotonic()
    common = ["sweep", scenario("tests/data/good/small_with_variants.yaml"), "-q", "-t", "1", "-n", "3000",
              "-r", "2", "--set", "stages.intent.dropout=0.05,0.1,0.2"]
    reference = os.path.join(tmp, "sweep.serial.h5")
    run([serial_bin] + common + ["-o", reference])
    out = os.path.join(tmp, "sweep.np3.h5")
    run(mpirun(3) + [mpi_bin] + common + ["-o", out])
    assert_same(reference, out, "sweep on 3 ranks")
    print(f"ok sweep: 3 ranks equal the serial sweep ({time.monotonic() - start:.1f} s)")


# ---------------------------------------------------------------- failures

def rank_pids(mpirun_pid):
    """{rank: pid} of the job's processes (children of mpirun)."""
    pids = {}
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            with open(status) as f:
                ppid = next(int(l.split()[1]) for l in f if l.startswith("PPid:"))
            if ppid != mpirun_pid:
                continue
            pid = int(status.split("/")[2])
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
            if b"OMPI_COMM_WORLD_RANK" in env:
                pids[int(env[b"OMPI_COMM_WORLD_RANK"])] = pid
        except (OSError, StopIteration, ValueError):
            continue
    return pids


def no_complete_file(tmp, target):
    assert not os.path.exists(target), f"{target} exists after a failed run"
    for path in glob.glob(os.path.join(tmp, "*")):
        if os.path.basename(path).startswith(os.path.basename(target)):
            with h5py.File(path, "r") as f:
                assert f.attrs.get("complete", 0) != 1, f"{path} looks complete"


def interrupted_job(mpi_bin, tmp, name, stop):
    """Start a 3-rank run long enough to be stopped, stop it with `stop(proc)`."""
    target = os.path.join(tmp, f"{name}.h5")
    cmd = mpirun(3) + [mpi_bin, "run", scenario("scenarios/bench_large.yaml"), "--variant", "baseline", "-q",
                       "-t", "1", "-n", "20000000", "-o", target]
    proc = subprocess.Popen(cmd, env=MPI_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(rank_pids(proc.pid)) < 3 or not glob.glob(target + "*"):
        assert proc.poll() is None, f"the job ended before it was stopped: {proc.communicate()}"
        assert time.monotonic() < deadline, "the job did not start within 60 s"
        time.sleep(0.2)
    time.sleep(1.0)  # well inside the simulation (several seconds at 3 ranks)
    start = time.monotonic()
    stop(proc)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"{name}: the other ranks did not stop within 60 s (hang)")
    assert proc.returncode != 0, f"{name}: the job exited 0"
    no_complete_file(tmp, target)
    return err, time.monotonic() - start


def test_failures(mpi_bin, tmp, only):
    if not only or only == "killed_rank":
        err, took = interrupted_job(mpi_bin, tmp, "killed_rank",
                                    lambda p: os.kill(rank_pids(p.pid)[1], signal.SIGKILL))
        assert "rank" in err and ("signal 9" in err or "Killed" in err or "killed" in err), err
        print(f"ok killed rank: every rank stopped {took:.1f} s after rank 1 was killed; no complete file")
    if not only or only == "sigterm":
        err, took = interrupted_job(mpi_bin, tmp, "sigterm", lambda p: p.send_signal(signal.SIGTERM))
        print(f"ok SIGTERM to mpirun: every rank stopped in {took:.1f} s; no complete file")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("serial_bin")
    parser.add_argument("mpi_bin")
    parser.add_argument("--only")
    a = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journeysim-mpi-") as tmp:
        test_runs(a.serial_bin, a.mpi_bin, tmp, a.only)
        test_sweep(a.serial_bin, a.mpi_bin, tmp, a.only)
        test_failures(a.mpi_bin, tmp, a.only)
    print("all MPI tests passed")


if __name__ == "__main__":
    sys.exit(main())
