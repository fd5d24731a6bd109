#!/usr/bin/python3
"""Turns bench/results/{google_benchmark,cli_runs}.json into the Markdown
tables of docs/PERFORMANCE.md, with each target checked against the figures.

    /usr/bin/python3 bench/summarize.py > /tmp/tables.md
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")


def load(name):
    with open(os.path.join(RESULTS, name)) as f:
        return json.load(f)


def si(x, unit=""):
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= factor:
            return f"{x / factor:.2f} {prefix}{unit}"
    return f"{x:.2f} {unit}"


def mode(run):
    return "compressed" if run["compress"] else "summary only" if run["summary_only"] else "per-agent columns"


def find(runs, agents, threads, summary_only=False, compress=False):
    for r in runs:
        if (r["agents"], r["threads"], r["summary_only"], r["compress"]) == (agents, threads, summary_only, compress):
            return r
    return None


def main():
    gb = load("google_benchmark.json")
    cli = load("cli_runs.json")
    m = cli["machine"]
    out = []
    out.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GiB, Linux {m['kernel']}; "
               f"Google Benchmark context: {gb['context'].get('date', '?')}, "
               f"{gb['context'].get('num_cpus')} CPUs at {gb['context'].get('mhz_per_cpu')} MHz.\n")

    out.append("### Google Benchmark (`build/bench/journeysim_bench --benchmark_min_time=0.5`)\n")
    out.append("| benchmark | real time | items/s | bytes/s | counters |")
    out.append("|---|---:|---:|---:|---|")
    for b in gb["benchmarks"]:
        extra = {k: v for k, v in b.items() if k in ("threads", "touches/agent", "compress")}
        out.append(f"| `{b['name']}` | {b['real_time']:.4g} {b['time_unit']} | "
                   f"{si(b['items_per_second']) if 'items_per_second' in b else ''} | "
                   f"{si(b['bytes_per_second'], 'B') if 'bytes_per_second' in b else ''} | "
                   f"{', '.join(f'{k}={v:g}' for k, v in extra.items())} |")
    out.append("")

    runs = cli["cli_runs"]
    out.append("### Timed CLI runs (`/usr/bin/time -v`, bench_large, baseline variant)\n")
    out.append("| agents | threads | output | wall s (median [range] of 3 where repeated) | agents/s | per thread | peak RSS | file | "
               "generate / simulate / write (thread-s) | command |")
    out.append("|---:|---:|---|---:|---:|---:|---:|---:|---|---|")
    for r in runs:
        ts = r.get("thread_seconds", {})
        # Repeated runs show the median and, in brackets, the range.
        rep = r.get("repeats")
        wall = f"{r['seconds']:.2f}" + (f" [{min(rep):.2f}–{max(rep):.2f}]" if rep else "")
        out.append(f"| {r['agents']:.0e} | {r['threads']} | {mode(r)} | {wall} | "
                   f"{si(r['agents_per_second'])} | {si(r['agents_per_second'] / r['threads'])} | "
                   f"{r['peak_rss_kb'] / 1024:.0f} MiB | {r['file_bytes'] / 2**20:.0f} MiB | "
                   f"{ts.get('generating', 0):.2f} / {ts.get('simulating', 0):.2f} / {ts.get('writing', 0):.2f} | "
                   f"`{r['command']} --stats` |")
    out.append("")

    out.append("### Anchors (same scenario, one core)\n")
    out.append("| anchor | agents | seconds | agents/s | conversion | command |")
    out.append("|---|---:|---:|---:|---:|---|")
    for a in cli["anchors"]:
        out.append(f"| {a.get('baseline', '?')} | {a['agents']:.0e} | {a['seconds']:.2f} | {si(a['agents_per_second'])} | "
                   f"{100 * a.get('conversion_rate', float('nan')):.2f} % | `{a.get('command', '')}` |")
    out.append("")

    # The targets of issue 15 (speed, second round), checked.
    big = max(r["agents"] for r in runs if not r["summary_only"] and not r["compress"] and r["agents"] <= 10**7)
    full1, full2 = find(runs, big, 1), find(runs, big, 2)
    sum1, sum2 = find(runs, big, 1, summary_only=True), find(runs, big, 2, summary_only=True)
    comp1, comp2 = find(runs, big, 1, compress=True), find(runs, big, 2, compress=True)
    rss6, rss8 = find(runs, 10**6, 2), find(runs, 10**8, 2)
    disk = m.get("disk", {}).get("disk_write_bytes_per_second")
    anchors = {a.get("baseline"): a for a in cli["anchors"]}
    single = full1["agents_per_second"] if full1 else float("nan")
    out.append("### Targets\n")
    if disk:
        out.append(f"Disk: {si(disk, 'B')}/s sustained write (`{m['disk']['command']}`).\n")
    out.append("| target | measured | met |")
    out.append("|---|---|---|")

    def row(what, measured, ok):
        met = "—" if ok is None else "yes" if ok else "**no**"
        out.append(f"| {what} | {measured} | {met} |")

    def output_bound(with_output, summary):
        """≥ 80 % of the lower of the summary-only speed and disk / bytes per agent."""
        bound = summary["agents_per_second"]
        if disk:
            bound = min(bound, disk / (with_output["file_bytes"] / with_output["agents"]))
        share = with_output["agents_per_second"] / bound
        return (f"{si(with_output['agents_per_second'])}/s = {100 * share:.0f} % of {si(bound)}/s "
                f"({with_output['file_bytes'] / with_output['agents']:.1f} B/agent)", share >= 0.8)

    if sum1:
        row("≥ 5 M agents/s per core, --summary-only (1 thread)", f"{si(sum1['agents_per_second'])}",
            sum1["agents_per_second"] >= 5e6)
    if sum1 and sum2:
        ratio = sum2["agents_per_second"] / sum1["agents_per_second"]
        row("2 threads ≥ 1.85 × 1 thread (--summary-only)", f"{ratio:.2f} ×", ratio >= 1.85)
    for threads, full, summary in ((1, full1, sum1), (2, full2, sum2)):
        if full and summary:
            row(f"per-agent columns ≥ 80 % of min(summary-only, disk / bytes per agent), {threads} thread(s)",
                *output_bound(full, summary))
    for threads, comp, summary in ((1, comp1, sum1), (2, comp2, sum2)):
        if comp and summary:
            row(f"--compress the same, {threads} thread(s)", *output_bound(comp, summary))
    if comp2 and full2:
        ratio = full2["file_bytes"] / comp2["file_bytes"]
        row("--compress keeps its size ratio (2.59 in issue 7's run)", f"{ratio:.2f}", ratio >= 2.59 * 0.99)
    if rss6 and rss8:
        grow = rss8["peak_rss_kb"] / rss6["peak_rss_kb"] - 1

        def held(r):
            return f" ({r['chunk_buffers']} of {2 * r['threads'] + 1} chunk buffers)" if "chunk_buffers" in r else ""
        row("peak RSS 10⁸ within 10 % of 10⁶ (per-agent columns, 2 threads)",
            f"{rss8['peak_rss_kb'] / 1024:.0f} MiB{held(rss8)} vs {rss6['peak_rss_kb'] / 1024:.0f} MiB{held(rss6)} "
            f"({100 * grow:+.0f} %)", grow <= 0.10)
    for name, a in anchors.items():
        row(f"ratio to the {name} anchor (1 thread; not a target)", f"{single / a['agents_per_second']:.1f} ×", None)
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
