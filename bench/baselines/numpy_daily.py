#!/usr/bin/python3
"""Anchor 1 for docs/PERFORMANCE.md, not part of the product: a
straightforward vectorised NumPy implementation of the journey model
(docs/MODEL.md), one day at a time over all active agents, one touchpoint at
a time. One core. Prints one JSON object.

    /usr/bin/python3 bench/baselines/numpy_daily.py scenarios/bench_large.yaml 100000
"""
import json
import sys
import time

import numpy as np
import yaml


def sample(spec, n, rng):
    if isinstance(spec, (int, float)):
        return np.full(n, float(spec))
    if "uniform" in spec:
        x = rng.uniform(*spec["uniform"], n)
    elif "normal" in spec:
        x = rng.normal(*spec["normal"], n)
    elif "lognormal" in spec:
        x = rng.lognormal(*spec["lognormal"], n)
    elif "beta" in spec:
        x = rng.beta(*spec["beta"], n)
    else:  # choice
        w = np.array(list(spec["choice"].values()), float)
        x = rng.choice(len(w), n, p=w / w.sum()).astype(float)
    return np.clip(x, spec.get("min", -np.inf), spec.get("max", np.inf))


def run(path, n, seed=1):
    sc = yaml.safe_load(open(path))
    rng = np.random.default_rng(seed)
    stages, personas, tps = sc["stages"], sc["personas"], sc["touchpoints"]
    K, H, k = len(stages), sc["horizon_days"], sc.get("mood_effect", 0.5)
    index = {s["name"]: i for i, s in enumerate(stages)}
    shares = np.array([p["share"] for p in personas], float)
    persona = rng.choice(len(personas), n, p=shares / shares.sum())

    attr = {a: np.full(n, 0.5) for a in ("patience", "tech_savvy", "price_sensitivity")}
    mood = np.zeros(n)
    basket_mu, basket_sigma = np.zeros(len(personas)), np.zeros(len(personas))
    for p, spec in enumerate(personas):
        idx = np.flatnonzero(persona == p)
        for name, dist in spec.get("attributes", {}).items():
            x = sample(dist, idx.size, rng)
            if name in attr:
                attr[name][idx] = x
        mood[idx] = spec.get("mood", 0.0)
        basket_mu[p], basket_sigma[p] = spec["basket"]["lognormal"]
    q = np.array([[min(1.0, t["reach"] * p.get("affinity", {}).get(t["channel"], 1.0)) for t in tps]
                  for p in personas])
    dropout = np.array([s.get("dropout", 0.0) for s in stages])
    purchase = np.array([bool(s.get("purchase", False)) for s in stages])

    stage = np.zeros(n, np.int64)
    days_in_stage = np.zeros(n, np.int64)
    cart = np.zeros(n, bool)
    active = np.ones(n, bool)
    revenue = np.zeros(n)
    converted = np.zeros(n, bool)
    tp_stages = [np.array([index[s] for s in t["stages"]]) for t in tps]

    start = time.perf_counter()
    for day in range(H):
        act = np.flatnonzero(active)
        if act.size == 0:
            break
        advanced = np.zeros(n, bool)
        for t, tp in enumerate(tps):
            cand = act[np.isin(stage[act], tp_stages[t]) & ~advanced[act]]
            target = tp.get("target", {})
            if target.get("cart_abandoned"):
                cand = cand[cart[cand]]
            if "min_days_in_stage" in target:
                cand = cand[days_in_stage[cand] >= target["min_days_in_stage"]]
            if cand.size == 0:
                continue
            ag = cand[rng.random(cand.size) < q[persona[cand], t]]
            mood[ag] = np.clip(mood[ag] + tp.get("emotion", 0.0), -1, 1)
            ag = ag[stage[ag] < K - 1]
            if "checkout" in tp:
                c = tp["checkout"]
                ok_step = 1 - np.minimum(1, c["step_abandon"] * 2 * (1 - attr["tech_savvy"][ag]))
                ok = (rng.random((ag.size, c["steps"])) < ok_step[:, None]).all(axis=1)
                cart[ag[~ok]] = True
            else:
                p = tp.get("advance", 0.0) * (1 + k * mood[ag])
                if tp.get("discount", 0) > 0:
                    p = p * 2 * attr["price_sensitivity"][ag]
                ok = rng.random(ag.size) < np.minimum(1, p)
            moved = ag[ok]
            stage[moved] += 1
            days_in_stage[moved] = -1
            cart[moved] = False
            advanced[moved] = True
            bought = moved[purchase[stage[moved]]]
            revenue[bought] += rng.lognormal(basket_mu[persona[bought]], basket_sigma[persona[bought]])
            converted[bought] = True
        stay = act[~advanced[act]]
        p = dropout[stage[stay]] * 2 * (1 - attr["patience"][stay]) * (1 - k * mood[stay])
        active[stay[rng.random(stay.size) < np.minimum(1, p)]] = False
        days_in_stage[act] += 1
    seconds = time.perf_counter() - start
    return {"baseline": "numpy_daily", "agents": n, "threads": 1, "seconds": round(seconds, 4),
            "agents_per_second": round(n / seconds, 1), "conversion_rate": round(converted.mean(), 5)}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(float(sys.argv[2])))))
