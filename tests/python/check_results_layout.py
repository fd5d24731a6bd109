#!/usr/bin/python3
"""Check that a journeysim results file follows OUTPUT.md exactly.

Usage: /usr/bin/python3 check_results_layout.py RESULTS.h5

Reads the file with nothing but h5py/numpy/pandas (as analysts do) and checks
the layout, the dtypes and shapes, and that the aggregates agree with the
per-agent columns. Exits non-zero with a message on the first failure;
prints "results layout OK: <path>" on success.
"""

import hashlib
import math
import re
import sys

import h5py
import numpy as np
import pandas as pd


class LayoutError(Exception):
    pass


def require(cond, message):
    if not cond:
        raise LayoutError(message)


def get(group, path):
    require(path in group, f"missing {group.name.rstrip('/')}/{path}")
    return group[path]


def attr(obj, name, kinds):
    require(name in obj.attrs, f"{obj.name}: missing attribute '{name}'")
    value = obj.attrs[name]
    if isinstance(value, np.generic) and value.shape == ():
        value = value.item()
    require(isinstance(value, kinds),
            f"{obj.name}: attribute '{name}' is {type(value).__name__}, expected {kinds}")
    return value


def str_attr(obj, name):
    # Variable-length UTF-8 attributes come back from h5py as str.
    return attr(obj, name, str)


def int_attr(obj, name):
    return attr(obj, name, (int, np.integer))


def strings(group, path, length=None):
    ds = get(group, path)
    info = h5py.check_string_dtype(ds.dtype)
    require(info is not None and info.length is None and info.encoding == "utf-8",
            f"{ds.name}: not variable-length UTF-8 strings (dtype {ds.dtype})")
    require(ds.ndim == 1, f"{ds.name}: expected 1-D, shape {ds.shape}")
    if length is not None:
        require(ds.shape == (length,), f"{ds.name}: shape {ds.shape}, expected ({length},)")
    values = list(ds.asstr()[()]) if ds.shape[0] else []
    require(all(isinstance(v, str) for v in values), f"{ds.name}: rows do not decode to str")
    return values


def array(group, path, dtype, shape):
    ds = get(group, path)
    require(ds.dtype == np.dtype(dtype), f"{ds.name}: dtype {ds.dtype}, expected {np.dtype(dtype)}")
    if shape is not None:
        require(ds.shape == tuple(shape), f"{ds.name}: shape {ds.shape}, expected {tuple(shape)}")
    return ds[()]


def close(a, b, rel=1e-9, abs_tol=1e-9):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


AGENT_COLUMNS = {
    "agent_id": "uint64",
    "persona": "uint16",
    "final_stage": "int8",
    "lost": "uint8",
    "lost_day": "int16",
    "purchases": "uint16",
    "revenue": "float64",
    "cost": "float64",
    "touches": "uint16",
    "cart_abandons": "uint16",
    "mood": "float32",
}
# Model v2 columns: written when the model uses arrivals over time / money.
ARRIVAL_COLUMNS = {"arrival_day": "int16", "arrival_source": "uint8"}
MONEY_COLUMNS = {"discount": "float64", "clv": "float32"}
SUMMARY = ["agents", "conversions", "conversion_rate", "purchases", "revenue", "cost",
           "cost_per_conversion", "roi", "cart_abandon_rate", "mean_mood",
           "discounts", "margin", "profit", "clv", "clv_per_customer", "planned_spend", "arrived",
           "referral_arrivals", "conversion_rate_arrived", "mature", "conversion_rate_mature"]
PHASES = {"pre_purchase", "purchase", "post_purchase"}
KINDS = {"pain_point", "success_point", "moment_of_truth", "neutral"}


def check_agents(vg, n, k, p, h):
    """Per-agent columns of one variant; returns them as numpy arrays."""
    ag = get(vg, "agents")
    cols = {}
    for name, dtype in AGENT_COLUMNS.items():
        ds = get(ag, name)
        require(ds.chunks is not None, f"{ds.name}: not chunked")
        cols[name] = array(ag, name, dtype, (n,))
    for group in (ARRIVAL_COLUMNS, MONEY_COLUMNS):
        present = [name in ag for name in group]
        require(all(present) or not any(present), f"{ag.name}: only some of {sorted(group)}")
        for name, dtype in group.items():
            if name in ag:
                cols[name] = array(ag, name, dtype, (n,))
    ds = get(ag, "stage_day")
    require(ds.chunks is not None, f"{ds.name}: not chunked")
    cols["stage_day"] = array(ag, "stage_day", "int16", (n, k))
    for name in ag:
        if not name.startswith("attr_"):
            continue
        ds = ag[name]
        require(ds.shape == (n,), f"{ds.name}: shape {ds.shape}, expected ({n},)")
        if ds.dtype == np.uint8:
            labels = attr(ds, "labels", (np.ndarray, list))
            labels = [x.decode() if isinstance(x, bytes) else x for x in labels]
            require(all(isinstance(x, str) for x in labels), f"{ds.name}: labels are not strings")
            missing = int_attr(ds, "missing_code")
            codes = ds[()]
            bad = (codes != missing) & (codes >= len(labels))
            require(not bad.any(), f"{ds.name}: codes outside the {len(labels)} labels")
        else:
            require(ds.dtype == np.float32, f"{ds.name}: dtype {ds.dtype}, expected float32 or uint8")
        cols[name] = ds[()]

    ids, sd = cols["agent_id"], cols["stage_day"]
    require(np.array_equal(ids, np.arange(n, dtype=np.uint64)), f"{ag.name}/agent_id: not 0..N-1")
    require((cols["persona"] < p).all(), f"{ag.name}/persona: index outside /personas")
    fs = cols["final_stage"]
    require(((fs >= 0) & (fs < k)).all(), f"{ag.name}/final_stage: index outside /stages")
    lost, lost_day = cols["lost"], cols["lost_day"]
    require(np.isin(lost, [0, 1]).all(), f"{ag.name}/lost: values other than 0/1")
    require(((lost == 1) == (lost_day >= 0)).all(), f"{ag.name}/lost_day: -1 exactly when not lost")
    require((lost_day < h).all(), f"{ag.name}/lost_day: beyond the horizon")
    require(((sd >= -1) & (sd < h)).all(), f"{ag.name}/stage_day: days outside [-1, H)")
    if n and "arrival_day" in cols:
        arrival, source = cols["arrival_day"], cols["arrival_source"]
        require(np.array_equal(sd[:, 0], arrival), f"{ag.name}/stage_day: stage 0 not entered on the arrival day")
        require(((arrival < 0) == (source == 0)).all(), f"{ag.name}/arrival_source: 0 exactly when not arrived")
        require(np.isin(source, [0, 2, 3]).all(), f"{ag.name}/arrival_source: values other than 0, 2, 3")
    elif n:
        require((sd[:, 0] == 0).all(), f"{ag.name}/stage_day: agents must start in stage 0 on day 0")
        reached = sd >= 0
        final = np.where(reached, np.arange(k), -1).max(axis=1)
        require(np.array_equal(final, fs.astype(np.int64)),
                f"{ag.name}/final_stage: not the last stage entered (stage_day)")
    return cols


def check_variant(f, name, n, k, p, h, t, conversion_stage):
    vg = get(f, f"variants/{name}")
    str_attr(vg, "description")
    str_attr(vg, "overrides")

    reached = array(vg, "funnel/reached", "int64", (k,))
    by_persona = array(vg, "funnel/by_persona", "int64", (p, k))
    in_stage = array(vg, "daily/in_stage", "int64", (h, k))
    lost_daily = array(vg, "daily/lost", "int64", (h, k))
    exposures = array(vg, "touchpoints/exposures", "int64", (t,))
    advances = array(vg, "touchpoints/advances", "int64", (t,))
    tcost = array(vg, "touchpoints/cost", "float64", (t,))
    require(np.array_equal(by_persona.sum(axis=0), reached),
            f"{vg.name}/funnel/by_persona: does not sum to funnel/reached")
    require((advances <= exposures).all(), f"{vg.name}/touchpoints: more advances than exposures")
    require((tcost >= 0).all(), f"{vg.name}/touchpoints/cost: negative")
    # Every agent that has arrived is, at the end of each day, active in one
    # stage or lost (everyone arrives on day 0 unless arrivals are modelled).
    lost_by_day = np.cumsum(lost_daily.sum(axis=1))
    arrived_by_day = np.full(h, n)
    if "arrivals" in get(vg, "daily"):
        arrived_by_day = np.cumsum(array(vg, "daily/arrivals", "int64", (h,)))
    require(np.array_equal(in_stage.sum(axis=1) + lost_by_day, arrived_by_day),
            f"{vg.name}/daily: in_stage + lost so far != agents arrived so far on some day")

    sg = get(vg, "summary")
    s = {key: attr(sg, key, (int, float, np.integer, np.floating)) for key in SUMMARY}
    require(s["agents"] == n, f"{sg.name}: agents = {s['agents']}, expected {n}")
    expected_conv = int(reached[conversion_stage]) if conversion_stage >= 0 else 0
    require(s["conversions"] == expected_conv,
            f"{sg.name}: conversions = {s['conversions']}, funnel/reached says {expected_conv}")
    if n:
        require(close(s["conversion_rate"], s["conversions"] / n),
                f"{sg.name}: conversion_rate != conversions / agents")

    cols = None
    if "agents" in vg:
        cols = check_agents(vg, n, k, p, h)
        sd = cols["stage_day"]
        counted = (sd >= 0).sum(axis=0)
        require(np.array_equal(reached, counted),
                f"{vg.name}/funnel/reached: {reached.tolist()} but stage_day says {counted.tolist()}")
        per_persona = np.zeros((p, k), dtype=np.int64)
        np.add.at(per_persona, cols["persona"].astype(np.int64), (sd >= 0).astype(np.int64))
        require(np.array_equal(by_persona, per_persona),
                f"{vg.name}/funnel/by_persona: disagrees with persona and stage_day")
        require(int(lost_daily.sum()) == int(cols["lost"].sum()),
                f"{vg.name}/daily/lost: sums to {int(lost_daily.sum())}, agents lost = {int(cols['lost'].sum())}")
        conv = int((sd[:, conversion_stage] >= 0).sum()) if conversion_stage >= 0 else 0
        require(s["conversions"] == conv,
                f"{sg.name}: conversions = {s['conversions']}, agents reaching the first purchase stage = {conv}")
        require(s["purchases"] == int(cols["purchases"].sum()), f"{sg.name}: purchases != purchases.sum()")
        revenue = float(cols["revenue"].sum())
        require(close(s["revenue"], revenue), f"{sg.name}: revenue = {s['revenue']!r}, revenue.sum() = {revenue!r}")
        cost = float(cols["cost"].sum())
        require(close(s["cost"], cost), f"{sg.name}: cost = {s['cost']!r}, cost.sum() = {cost!r}")
        require(close(float(tcost.sum()), cost, rel=1e-6),
                f"{vg.name}/touchpoints/cost sums to {float(tcost.sum())!r}, agents' cost to {cost!r}")
        require(int(exposures.sum()) == int(cols["touches"].astype(np.int64).sum()),
                f"{vg.name}/touchpoints/exposures: sum != touches.sum()")
        if "arrival_day" in cols:
            arrived = int((cols["arrival_day"] >= 0).sum())
            require(s["arrived"] == arrived, f"{sg.name}: arrived = {s['arrived']}, arrival_day says {arrived}")
            refs = int((cols["arrival_source"] == 3).sum())
            require(s["referral_arrivals"] == refs, f"{sg.name}: referral_arrivals != arrival_source == 3")
        if "discount" in cols:
            disc = float(cols["discount"].sum())
            require(close(s["discounts"], disc), f"{sg.name}: discounts != discount.sum()")
            m = s["margin"]
            require(close(s["profit"], revenue - (1 - m) * (revenue + disc) - cost, rel=1e-9, abs_tol=1e-6),
                    f"{sg.name}: profit != margin x list revenue - discounts - cost")
    # Spend per channel adds up to the touchpoints' cost.
    if "channels" in vg:
        spend = array(vg, "channels/spend", "float64", None)
        require(close(float(spend.sum()), float(tcost.sum()), rel=1e-9, abs_tol=1e-6),
                f"{vg.name}/channels/spend does not add up to touchpoints/cost")
    return cols


def check(path):
    with h5py.File(path, "r") as f:
        require(str_attr(f, "format") == "journeysim-results", "/: format is not 'journeysim-results'")
        require(int_attr(f, "format_version") == 1, "/: format_version is not 1")
        str_attr(f, "journeysim_version")
        created = str_attr(f, "created_utc")
        require(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created),
                f"/: created_utc {created!r} is not ISO-8601 UTC")
        int_attr(f, "seed")
        n = int(int_attr(f, "population"))
        h = int(int_attr(f, "horizon_days"))
        require(int_attr(f, "complete") == 1, "/: complete != 1 (an interrupted run)")
        require(h >= 1, "/: horizon_days < 1")

        sc = get(f, "scenario")
        str_attr(sc, "name")
        source = str_attr(sc, "source")
        digest = str_attr(sc, "sha256")
        require(digest == hashlib.sha256(source.encode("utf-8")).hexdigest(),
                "/scenario: sha256 is not the hash of source")

        stages = strings(f, "stages/name")
        k = len(stages)
        require(k >= 1, "/stages/name: no stages")
        phases = strings(f, "stages/phase", k)
        require(set(phases) <= PHASES, f"/stages/phase: unknown phases {set(phases) - PHASES}")
        if "stages/purchase" in f:
            purchase = array(f, "stages/purchase", "uint8", (k,))
            marked = np.flatnonzero(purchase)
            conversion_stage = int(marked[0]) if marked.size else -1
        else:
            conversion_stage = phases.index("purchase") if "purchase" in phases else -1

        personas = strings(f, "personas/name")
        p = len(personas)
        share = array(f, "personas/share", "float64", (p,))
        require(p >= 1 and close(float(share.sum()), 1.0, rel=1e-12), "/personas/share: does not sum to 1")

        touch = strings(f, "touchpoints/name")
        t = len(touch)
        strings(f, "touchpoints/channel", t)
        kinds = strings(f, "touchpoints/kind", t)
        require(set(kinds) <= KINDS, f"/touchpoints/kind: unknown kinds {set(kinds) - KINDS}")

        vgroup = get(f, "variants")
        names = list(vgroup.keys())
        require(names, "/variants: no variants")
        if "variants" in f.attrs:
            order = str_attr(f, "variants").split(",")
            require(sorted(order) == sorted(names), f"/: attribute variants {order} != groups {names}")
            names = order
        baseline = names[0]

        baseline_cols = None
        for name in names:
            cols = check_variant(f, name, n, k, p, h, t, conversion_stage)
            if name == baseline:
                baseline_cols = cols

        if baseline_cols is not None:
            one_d = {c: v for c, v in baseline_cols.items() if v.ndim == 1}
            df = pd.DataFrame(one_d)
            require(len(df) == n, f"baseline DataFrame has {len(df)} rows, expected {n}")
            for c, dtype in AGENT_COLUMNS.items():
                require(df[c].dtype == np.dtype(dtype), f"baseline DataFrame column {c}: {df[c].dtype}")
            for c in df.columns:
                if c.startswith("attr_"):
                    require(df[c].dtype in (np.dtype("float32"), np.dtype("uint8")),
                            f"baseline DataFrame column {c}: {df[c].dtype}")


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} RESULTS.h5", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        check(path)
    except LayoutError as e:
        print(f"results layout error in {path}: {e}", file=sys.stderr)
        return 1
    except (OSError, KeyError) as e:
        print(f"cannot read {path}: {e}", file=sys.stderr)
        return 1
    print(f"results layout OK: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
