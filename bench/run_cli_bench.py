#!/usr/bin/python3
"""Timed runs of the journeysim CLI and of the two anchors, for scripts/bench.

Each CLI run is measured by `/usr/bin/time -v` (wall time, peak RSS); the
disk's sustained write bandwidth by `dd … conv=fdatasync` where the results
files go (what per-agent output is measured against). Writes
bench/results/cli_runs.json: {"machine": {...}, "cli_runs": [...], "anchors": [...]}.
"""
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
SCENARIO = os.path.join(ROOT, "scenarios", "bench_large.yaml")
REPEATS = 3  # of each run a target is checked on


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak_rss_kb, stdout)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return seconds, rss, p.stdout


def cli_run(agents, threads, summary_only=False, compress=False):
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        out = os.path.join(tmp, "r.h5")
        cmd = [os.path.join(BUILD, "journeysim"), "run", SCENARIO, "-o", out, "--agents", str(agents),
               "--threads", str(threads), "--variant", "baseline", "--quiet", "--stats"]
        cmd += ["--summary-only"] if summary_only else []
        cmd += ["--compress"] if compress else []
        seconds, rss, stdout = timed(cmd)
        size = os.path.getsize(out)
    # Where the time went, from `run --stats` (thread-seconds per phase).
    phases = {name: float(re.search(name + r" +([\d.]+)", stdout).group(1))
              for name in ("generating", "simulating", "writing")}
    rec = {"agents": agents, "threads": threads, "seconds": round(seconds, 3),
           "agents_per_second": round(agents / seconds, 1), "peak_rss_kb": rss,
           "summary_only": summary_only, "compress": compress, "file_bytes": size,
           "thread_seconds": phases,
           # What peak memory is made of: chunk buffers held at once (of 2·threads + 1).
           "chunk_buffers": int(re.search(r"\((\d+) of at most \d+ chunk buffers", stdout).group(1)),
           "command": " ".join(["journeysim", "run", "scenarios/bench_large.yaml", "--agents", f"{agents:.0e}",
                                "--threads", str(threads), "--variant", "baseline"]
                               + (["--summary-only"] if summary_only else [])
                               + (["--compress"] if compress else []))}
    print(json.dumps(rec), flush=True)
    return rec


def disk_write_bandwidth():
    """Bytes/s of a 1 GiB sequential write, flushed to the disk, where BENCH_TMP points."""
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        p = subprocess.run(["dd", "if=/dev/zero", f"of={os.path.join(tmp, 'dd')}", "bs=1M", "count=1024",
                            "conv=fdatasync"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"dd failed: {p.stderr}")
    copied = re.search(r"(\d+) bytes .* copied, ([\d.]+) s", p.stderr)
    rec = {"disk_write_bytes_per_second": round(int(copied.group(1)) / float(copied.group(2))),
           "command": "dd if=/dev/zero of=$BENCH_TMP/dd bs=1M count=1024 conv=fdatasync"}
    print(json.dumps(rec), flush=True)
    return rec


def main():
    quick = os.environ.get("BENCH_QUICK") == "1"
    disk = disk_write_bandwidth()
    pops = [10**5, 10**6] if quick else [10**5, 10**6, 10**7]
    runs = []
    for n in pops[:-1]:
        for t in (1, 2):
            runs.append(cli_run(n, t))
            runs.append(cli_run(n, t, summary_only=True))
    # The runs the targets compare: interleaved rounds, each configuration's
    # median run kept (the host's other load moves single runs by ±10 %).
    configs = [dict(threads=t, **kind) for t in (1, 2)
               for kind in ({}, {"summary_only": True}, {"compress": True})]
    rounds = [[cli_run(pops[-1], **c) for c in configs] for _ in range(REPEATS)]
    for i in range(len(configs)):
        tries = sorted((r[i] for r in rounds), key=lambda rec: rec["seconds"])
        median = dict(tries[len(tries) // 2], repeats=[rec["seconds"] for rec in tries])
        runs.append(median)
    if not quick:  # the memory claim: 10^8 agents stream in the memory of 10^6
        runs.append(cli_run(10**8, 2, summary_only=True))
        runs.append(cli_run(10**8, 2))
    anchors = []
    for cmd in ([os.path.join(BUILD, "bench", "naive_daily"), SCENARIO, str(10**6)],
                [os.path.join(BUILD, "bench", "skipping_minimal"), SCENARIO, str(10**6 if quick else 10**7), "philox"],
                [os.path.join(BUILD, "bench", "skipping_minimal"), SCENARIO, str(10**6 if quick else 10**7), "splitmix"],
                ["/usr/bin/python3", os.path.join(ROOT, "bench", "baselines", "numpy_daily.py"), SCENARIO,
                 str(10**5)]):
        seconds, rss, stdout = timed(cmd)
        rec = json.loads(stdout)
        rec["peak_rss_kb"] = rss
        rec["command"] = " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd)
        print(json.dumps(rec), flush=True)
        anchors.append(rec)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    machine = {"cpu": cpu, "cores": os.cpu_count(),
               "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
               "kernel": platform.release(), "disk": disk}
    path = os.path.join(ROOT, "bench", "results", "cli_runs.json")
    with open(path, "w") as f:
        json.dump({"machine": machine, "cli_runs": runs, "anchors": anchors}, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
