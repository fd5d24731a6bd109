#!/usr/bin/python3
"""Tests of python/journeysim against real results files made by the CLI.

Run: JOURNEYSIM=build/journeysim PYTHONPATH=python /usr/bin/python3 python/tests/test_reader.py
(ctest does this as python.test_reader). Only unittest, h5py, numpy, pandas.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import h5py
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))

import journeysim  # noqa: E402
from journeysim import reader  # noqa: E402

JOURNEYSIM = os.environ.get("JOURNEYSIM", os.path.join(ROOT, "build", "journeysim"))
SCENARIO = os.path.join(ROOT, "scenarios", "checkout_what_if.yaml")
N = 20000


def cli(*args):
    p = subprocess.run([JOURNEYSIM, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"journeysim {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
    return p


class ReaderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="journeysim_reader_")
        cls.path = os.path.join(cls.tmp, "r.h5")
        cli("run", SCENARIO, "-o", cls.path, "--agents", str(N), "--threads", "2", "--quiet")
        cls.summary_only = os.path.join(cls.tmp, "s.h5")
        cli("run", SCENARIO, "-o", cls.summary_only, "--agents", "3000", "--variant", "cart_discount",
            "--summary-only", "--set", "stages.intent.dropout=0.1", "--quiet")
        cls.r = journeysim.open_results(cls.path)
        cls.f = h5py.File(cls.path, "r")

    @classmethod
    def tearDownClass(cls):
        cls.r.close()
        cls.f.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy(self, name, src=None):
        dst = os.path.join(self.tmp, name)
        shutil.copyfile(src or self.path, dst)
        return dst

    _sweep = None

    @classmethod
    def sweep(cls):
        """A small real sweep (2 points x 2 replications x 7 variants of 1000 agents), made once."""
        if cls._sweep is None:
            path = os.path.join(cls.tmp, "sweep.h5")
            try:
                cli("sweep", SCENARIO, "--set", "touchpoints.checkout.checkout.steps=1:2:1", "-r", "2",
                    "-n", "1000", "-o", path, "--quiet")
            except RuntimeError as e:
                raise unittest.SkipTest(f"no working `journeysim sweep` yet: {str(e).splitlines()[0]}")
            cls._sweep = path
        return cls._sweep

    # -- identity and tables --------------------------------------------------

    def test_identity(self):
        r = self.r
        self.assertTrue(r.complete)
        self.assertEqual(r.kind, "run")
        self.assertEqual(r.population, N)
        self.assertEqual(r.format_version, 1)
        self.assertEqual(r.seed, int(self.f.attrs["seed"]))
        self.assertEqual(r.horizon_days, 120)
        self.assertEqual(r.currency, "PLN")
        self.assertEqual(r.scenario["name"], "checkout-what-if")
        self.assertIn("stages:", r.scenario["source"])
        self.assertEqual(r.scenario["set"], "")
        with journeysim.open_results(self.summary_only) as s:  # what ran: the text and its --set
            self.assertEqual(s.scenario["set"], "stages.intent.dropout=0.1\n")

    def test_variants_baseline_first_in_scenario_order(self):
        self.assertEqual(self.r.variants, ["baseline", "simplified_checkout", "cart_remarketing",
                                           "cart_discount", "proactive_chat", "social_to_search",
                                           "referral_programme"])
        self.assertEqual(self.r.baseline, "baseline")

    def test_tables(self):
        st = self.r.stages
        self.assertEqual(list(st.columns), ["name", "phase", "purchase"])
        self.assertEqual(st["name"].tolist()[:3], ["awareness", "interest", "consideration"])
        self.assertEqual(st["purchase"].tolist(), [False, False, False, False, True, True, False])
        self.assertEqual(self.r.conversion_stage, 4)
        pe = self.r.personas
        self.assertEqual(pe["name"].tolist(), ["gen_z_mobile", "millennial_parent", "gen_x_desktop",
                                               "bargain_hunter"])
        self.assertAlmostEqual(pe["share"].sum(), 1.0)
        tp = self.r.touchpoints
        self.assertEqual(list(tp.columns), ["name", "channel", "kind"])
        self.assertEqual(len(tp), self.f["touchpoints/name"].shape[0])
        self.assertIn("checkout", tp["name"].tolist())
        self.assertEqual(tp.set_index("name").loc["checkout", "kind"], "moment_of_truth")

    # -- aggregates -------------------------------------------------------------

    def test_summary_equals_attrs(self):
        s = self.r.summary()
        self.assertEqual(s.index.tolist(), self.r.variants)
        for v in self.r.variants:
            attrs = self.f[f"variants/{v}/summary"].attrs
            self.assertEqual(set(s.columns), set(attrs.keys()))
            for k, x in attrs.items():
                got = s.loc[v, k]
                if np.isnan(x):
                    self.assertTrue(np.isnan(got), (v, k))
                else:
                    self.assertEqual(got, x, (v, k))
        self.assertEqual(list(s.columns[:3]), ["agents", "conversions", "conversion_rate"])

    def test_spend_per_channel_adds_up_and_keeps_budget_neutral_variants_equal(self):
        sp = self.r.spend()
        self.assertEqual(list(sp.columns), ["variant", "channel", "planned_spend", "spend", "exposures"])
        t = self.r.touchpoint_stats()
        for v in self.r.variants:
            mine = sp[sp.variant == v]
            self.assertAlmostEqual(mine["spend"].sum(), t[t.variant == v]["cost"].sum(), places=6)
        paid = sp[sp.channel.isin(["social", "search"])].groupby("variant")["planned_spend"].sum()
        self.assertAlmostEqual(paid["social_to_search"], paid["baseline"], places=6)  # the budgets moved
        # The budgets (12 000) are the scenario population's (200 000): N agents plan that share.
        self.assertAlmostEqual(paid["baseline"], 12000 * N / 200000, places=6)
        s = self.r.summary()
        self.assertTrue((s["margin"] == 0.45).all())
        np.testing.assert_allclose(s["profit"], s["revenue"] - 0.55 * (s["revenue"] + s["discounts"]) - s["cost"])

    def test_funnel_equals_per_agent_counts(self):
        fun = self.r.funnel()
        self.assertEqual(list(fun.columns), ["variant", "stage", "stage_index", "reached", "rate"])
        byp = self.r.funnel(by_persona=True)
        personas = self.r.personas["name"].tolist()
        for v in self.r.variants:
            a = self.r.agents(v, ["persona", "stage_day"], decode=False)
            sd = a.filter(like="stage_day_").to_numpy()
            counted = (sd >= 0).sum(axis=0)
            mine = fun[fun.variant == v]
            np.testing.assert_array_equal(mine["reached"].to_numpy(), counted)
            np.testing.assert_allclose(mine["rate"].to_numpy(), counted / counted[0])
            conv = self.r.summary().loc[v, "conversions"]
            self.assertEqual(mine[mine.stage == "purchase"]["reached"].item(), conv)
            # Customers arrive over time here: the rate is per arrived customer, not per agent.
            self.assertLess(counted[0], N)
            self.assertAlmostEqual(mine[mine.stage == "purchase"]["rate"].item(),
                                   self.r.summary().loc[v, "conversion_rate_arrived"], places=12)
            for p, name in enumerate(personas):
                rows = byp[(byp.variant == v) & (byp.persona == name)]
                want = (sd[a["persona"].to_numpy() == p] >= 0).sum(axis=0)
                np.testing.assert_array_equal(rows["reached"].to_numpy(), want)
                np.testing.assert_allclose(rows["rate"].to_numpy(), want / want[0])
        self.assertEqual(len(self.r.funnel(variant="cart_discount")), 7)

    def test_daily(self):
        d = self.r.daily("simplified_checkout")
        self.assertEqual(list(d.columns), ["variant", "day", "stage", "stage_index", "in_stage", "lost"])
        self.assertEqual(len(d), 120 * 7)
        raw = self.f["variants/simplified_checkout/daily/in_stage"][()]
        np.testing.assert_array_equal(d["in_stage"].to_numpy().reshape(120, 7), raw)
        # every agent who has arrived is active somewhere or lost, each day
        per_day = d.groupby("day")[["in_stage", "lost"]].sum()
        arrived = np.cumsum(self.f["variants/simplified_checkout/daily/arrivals"][()])
        self.assertLess(arrived[-1], N)  # customers arrive over time: not all of them by the end
        np.testing.assert_array_equal(per_day["in_stage"] + per_day["lost"].cumsum(), arrived)
        w = self.r.daily("simplified_checkout", wide=True)
        self.assertEqual(w.shape, (120, 14))
        np.testing.assert_array_equal(w["in_stage"].to_numpy(), raw)
        self.assertEqual(list(w["lost"].columns), self.r.stages["name"].tolist())
        self.assertEqual(len(self.r.daily()), 7 * 120 * 7)

    def test_touchpoint_stats(self):
        t = self.r.touchpoint_stats()
        self.assertEqual(len(t), 7 * len(self.r.touchpoints))
        for v in self.r.variants:
            touches = self.r.agents(v, "touches")["touches"].astype(np.int64).sum()
            self.assertEqual(t[t.variant == v]["exposures"].sum(), touches)
        base = t[t.variant == "baseline"].set_index("touchpoint")
        self.assertEqual(base.loc["cart_discount_code", "exposures"], 0)  # not in the baseline
        self.assertTrue(np.isnan(base.loc["cart_discount_code", "advance_rate"]))

    # -- per-agent columns --------------------------------------------------------

    def test_agents_all_columns(self):
        a = self.r.agents()
        self.assertEqual(len(a), N)
        self.assertEqual(a.index.name, "agent")
        np.testing.assert_array_equal(a["agent_id"].to_numpy(), np.arange(N))
        self.assertEqual(list(a.columns), self.r.agent_columns())
        self.assertEqual(a.columns[0], "agent_id")
        self.assertIn("stage_day_loyalty", a.columns)
        self.assertNotIn("stage_day", a.columns)
        np.testing.assert_array_equal(a["revenue"].to_numpy(), self.f["variants/baseline/agents/revenue"][()])
        self.assertEqual(a["mood"].dtype, np.float32)

    def test_agents_reads_only_requested_columns(self):
        a = self.r.agents("cart_discount", columns=["revenue", "persona"])
        self.assertEqual(list(a.columns), ["revenue", "persona"])
        np.testing.assert_array_equal(a["revenue"].to_numpy(), self.f["variants/cart_discount/agents/revenue"][()])
        one = self.r.agents(columns="stage_day_purchase")
        self.assertEqual(list(one.columns), ["stage_day_purchase"])
        np.testing.assert_array_equal(one["stage_day_purchase"].to_numpy(),
                                      self.f["variants/baseline/agents/stage_day"][:, 4])
        sd = self.r.agents(columns="stage_day")
        self.assertEqual(list(sd.columns), [f"stage_day_{s}" for s in self.r.stages["name"]])
        with self.assertRaises(KeyError):
            self.r.agents(columns=["no_such_column"])
        with self.assertRaises(KeyError):
            self.r.agents("no_such_variant", columns=["mood"])

    def test_agents_of_a_variant_share_the_customers(self):
        base = self.r.agents("baseline", ["persona", "attr_age"])
        var = self.r.agents("proactive_chat", ["persona", "attr_age"])
        pd.testing.assert_frame_equal(base, var)

    def test_rows(self):
        full = self.r.agents(columns=["revenue", "stage_day"])
        part = self.r.agents(columns=["revenue", "stage_day"], rows=slice(100, 200, 3))
        pd.testing.assert_frame_equal(part, full.iloc[100:200:3])
        picked = self.r.agents(columns=["revenue"], rows=[7, 3, 3, 19999])
        self.assertEqual(picked.index.tolist(), [7, 3, 3, 19999])
        np.testing.assert_array_equal(picked["revenue"].to_numpy(), full["revenue"].to_numpy()[[7, 3, 3, 19999]])
        with self.assertRaises(IndexError):
            self.r.agents(columns=["revenue"], rows=[N])
        with self.assertRaises(ValueError):
            self.r.agents(columns=["revenue"], rows=slice(0, 5), sample=3)

    def test_sample(self):
        full = self.r.agents(columns=["revenue", "attr_generation", "stage_day_intent"])
        for size in (0, 1, 500, 5000):
            s = self.r.agents(columns=["revenue", "attr_generation", "stage_day_intent"], sample=size, seed=4)
            idx = s.index.to_numpy()
            self.assertEqual(len(s), size)
            self.assertTrue((np.diff(idx) > 0).all(), "sample rows must be sorted and distinct")
            self.assertTrue(((idx >= 0) & (idx < N)).all())
            pd.testing.assert_frame_equal(s, full.loc[idx])
        a = self.r.agents(columns="mood", sample=300, seed=1).index
        b = self.r.agents(columns="mood", sample=300, seed=1).index
        c = self.r.agents(columns="mood", sample=300, seed=2).index
        self.assertTrue(a.equals(b))
        self.assertFalse(a.equals(c))
        self.assertEqual(len(self.r.agents(columns="mood", sample=10 * N)), N)

    def test_sample_across_blocks(self):
        # Small blocks exercise the block-by-block paths (dense slice and sparse points)
        # that a 10^8-agent file takes with the default block size.
        full = self.r.agents(columns=["revenue", "stage_day"])
        saved = reader._BLOCK
        try:
            reader._BLOCK = 1000
            for size in (15, 3000, 19000):  # sparse blocks, mixed, dense blocks
                s = self.r.agents(columns=["revenue", "stage_day"], sample=size, seed=size)
                idx = s.index.to_numpy()
                self.assertEqual(len(idx), size)
                self.assertEqual(len(np.unique(idx)), size)
                self.assertTrue((np.diff(idx) > 0).all())
                pd.testing.assert_frame_equal(s, full.loc[idx])
            # the sample spreads over the blocks as a uniform one would
            idx = self.r.agents(columns="mood", sample=10000, seed=9).index.to_numpy()
            per_block = np.bincount(idx // 1000, minlength=N // 1000)
            self.assertTrue((abs(per_block - 500) < 80).all(), per_block)
        finally:
            reader._BLOCK = saved

    def test_categorical_decoding(self):
        a = self.r.agents(columns=["persona", "attr_generation", "attr_device"])
        raw = self.r.agents(columns=["persona", "attr_generation"], decode=False)
        self.assertIsInstance(a["persona"].dtype, pd.CategoricalDtype)
        self.assertEqual(list(a["persona"].cat.categories), self.r.personas["name"].tolist())
        np.testing.assert_array_equal(a["persona"].cat.codes.to_numpy(), raw["persona"].to_numpy())
        self.assertEqual(raw["persona"].dtype, np.uint16)
        ds = self.f["variants/baseline/agents/attr_generation"]
        labels = [x.decode() if isinstance(x, bytes) else x for x in ds.attrs["labels"]]
        gen = a["attr_generation"]
        self.assertEqual(list(gen.cat.categories), labels)
        codes = raw["attr_generation"].to_numpy()
        self.assertEqual(raw["attr_generation"].dtype, np.uint8)
        missing = codes == ds.attrs["missing_code"]
        self.assertTrue(missing.any(), "bargain_hunter has no generation: code 255")
        np.testing.assert_array_equal(gen.isna().to_numpy(), missing)
        np.testing.assert_array_equal(gen.cat.codes.to_numpy()[~missing], codes[~missing])
        # bargain hunters are exactly the agents without a generation
        np.testing.assert_array_equal(missing, (a["persona"] == "bargain_hunter").to_numpy())
        self.assertEqual(set(a["attr_device"].dropna().unique()), {"mobile", "desktop"})

    def test_summary_only_file(self):
        with journeysim.open_results(self.summary_only) as r:
            self.assertEqual(r.variants, ["baseline", "cart_discount"])
            self.assertEqual(r.summary().loc["cart_discount", "agents"], 3000)
            self.assertEqual(r.n_agents("cart_discount"), 3000)
            with self.assertRaisesRegex(journeysim.ResultsError, "summary-only"):
                r.agents(columns="mood")

    # -- errors -------------------------------------------------------------------

    def test_incomplete_file(self):
        path = self.copy("incomplete.h5")
        with h5py.File(path, "r+") as f:
            f.attrs["complete"] = np.int64(0)
        with self.assertRaises(journeysim.IncompleteResultsError) as cm:
            journeysim.open_results(path)
        self.assertIsInstance(cm.exception, ValueError)
        self.assertIn("allow_incomplete", str(cm.exception))
        self.assertIn("complete = 0", str(cm.exception))
        with journeysim.open_results(path, allow_incomplete=True) as r:
            self.assertFalse(r.complete)
            self.assertEqual(r.summary().loc["baseline", "agents"], N)

    def test_not_a_journeysim_file(self):
        other = os.path.join(self.tmp, "other.h5")
        with h5py.File(other, "w") as f:
            f["x"] = np.arange(3)
            f.attrs["format"] = "something-else"
        with self.assertRaisesRegex(journeysim.NotResultsFileError, "not a journeysim results file"):
            journeysim.open_results(other)
        bare = os.path.join(self.tmp, "bare.h5")
        with h5py.File(bare, "w") as f:
            f["x"] = np.arange(3)
        with self.assertRaises(journeysim.NotResultsFileError):
            journeysim.Results(bare)
        text = os.path.join(self.tmp, "text.h5")
        with open(text, "w") as f:
            f.write("not hdf5\n")
        with self.assertRaisesRegex(journeysim.NotResultsFileError, "not an HDF5 file"):
            journeysim.open_results(text)
        with self.assertRaises(FileNotFoundError):
            journeysim.open_results(os.path.join(self.tmp, "missing.h5"))

    def test_unsupported_version(self):
        path = self.copy("v99.h5")
        with h5py.File(path, "r+") as f:
            f.attrs["format_version"] = np.int64(99)
        with self.assertRaisesRegex(journeysim.UnsupportedVersionError, "format_version 99"):
            journeysim.open_results(path, allow_incomplete=True)

    def test_context_manager_closes(self):
        with journeysim.open_results(self.path) as r:
            self.assertEqual(len(r.variants), 7)
        self.assertFalse(r.file)

    # -- extensions: journey map, comparison; sweeps -----------------------------

    def test_without_journey_map_and_comparison(self):
        path = self.copy("bare_ext.h5")
        with h5py.File(path, "r+") as f:
            for v in f["variants"]:
                if "journey_map" in f["variants"][v]:
                    del f["variants"][v]["journey_map"]
            if "comparison" in f:
                del f["comparison"]
        with journeysim.open_results(path) as r:
            self.assertFalse(r.has_journey_map())
            self.assertFalse(r.has_comparison())
            jm = r.journey_map()
            self.assertTrue(jm.empty)
            self.assertEqual(list(jm.columns)[:7], ["variant", "persona", "stage", "stage_index", "reached",
                                                     "mood_in", "mood_out"])
            cmp = r.comparison()
            self.assertTrue(cmp.empty)
            self.assertIn("ci_low", cmp.columns)
            with self.assertRaisesRegex(journeysim.ResultsError, "journey_map"):
                r.journey_map(required=True)
            with self.assertRaisesRegex(journeysim.ResultsError, "comparison"):
                r.comparison(required=True)

    def check_journey_map(self, r, f):
        jm = r.journey_map()
        names = [v for v in r.variants if "journey_map" in f[f"variants/{v}"]]
        self.assertEqual(jm["variant"].unique().tolist(), names)
        p, k = len(r.personas), len(r.stages)
        self.assertEqual(len(jm), len(names) * p * k)
        for v in names:
            g = f[f"variants/{v}"]
            rows = jm[jm.variant == v]
            np.testing.assert_array_equal(rows["mood_in"].to_numpy().reshape(p, k), g["journey_map/mood_in"][()])
            np.testing.assert_array_equal(rows["mood_out"].to_numpy().reshape(p, k), g["journey_map/mood_out"][()])
            np.testing.assert_array_equal(rows["reached"].to_numpy().reshape(p, k), g["funnel/by_persona"][()])
            tbk = g["journey_map/touches_by_kind"][()]
            for j, kind in enumerate(journeysim.TOUCH_KINDS):
                np.testing.assert_array_equal(rows[kind].to_numpy().reshape(p, k), np.tile(tbk[:, j], (p, 1)))
            # a stage no agent of the persona reached has no mood
            unreached = rows["reached"].to_numpy() == 0
            self.assertTrue(rows["mood_in"].isna().to_numpy()[unreached].all())

    def check_comparison(self, r, f):
        c = r.comparison()
        names = [v for v in r.variants if v in f["comparison"]]
        self.assertEqual(c["variant"].unique().tolist(), names)
        for v in names:
            g = f[f"comparison/{v}"]
            rows = c[c.variant == v]
            self.assertEqual(rows["metric"].tolist(), [m.decode() if isinstance(m, bytes) else m
                                                       for m in g["metric"][()]])
            np.testing.assert_array_equal(rows["baseline_value"].to_numpy(), g["baseline"][()])
            np.testing.assert_array_equal(rows["variant_value"].to_numpy(), g["variant"][()])
            for col in ("difference", "ci_low", "ci_high", "p_value"):
                np.testing.assert_array_equal(rows[col].to_numpy(), g[col][()])
        self.assertEqual(len(r.comparison(variant="cart_discount")), len(f["comparison/cart_discount/metric"]))

    def test_journey_map_and_comparison_as_written_by_the_cli(self):
        if not self.r.has_journey_map() and not self.r.has_comparison():
            self.skipTest("this journeysim does not write journey_map/ or /comparison yet")
        if self.r.has_journey_map():
            self.check_journey_map(self.r, self.f)
        if self.r.has_comparison():
            self.check_comparison(self.r, self.f)

    def test_journey_map_and_comparison_layout(self):
        # Written here exactly as docs/OUTPUT.md "Extensions" describes them.
        path = self.copy("ext.h5")
        rng = np.random.default_rng(0)
        metrics = ["conversion_rate", "revenue_per_agent", "cost_per_agent"]
        str_t = h5py.string_dtype("utf-8")
        with h5py.File(path, "r+") as f:
            p, k = f["personas/name"].shape[0], f["stages/name"].shape[0]
            for v in f["variants"]:
                g = f["variants"][v]
                if "journey_map" in g:
                    del g["journey_map"]
                jm = g.create_group("journey_map")
                by = g["funnel/by_persona"][()]
                mood = rng.uniform(-1, 1, (p, k))
                jm["mood_in"] = np.where(by > 0, mood, np.nan)
                jm["mood_out"] = np.where(by > 0, mood + 0.01, np.nan)
                jm["touches_by_kind"] = rng.integers(0, 1000, (k, 4)).astype(np.int64)
                jm["touches_by_kind"].attrs["kinds"] = np.array(journeysim.TOUCH_KINDS, dtype=object)
            if "comparison" in f:
                del f["comparison"]
            cg = f.create_group("comparison")
            for v in list(f["variants"])[1:]:
                g = cg.create_group(v)
                g.create_dataset("metric", data=np.array(metrics, dtype=object), dtype=str_t)
                for col in ("baseline", "variant", "difference", "ci_low", "ci_high", "p_value"):
                    g[col] = rng.normal(size=len(metrics))
                g.create_dataset("method", data=np.array(["paired"] * len(metrics), dtype=object), dtype=str_t)
        with journeysim.open_results(path) as r, h5py.File(path, "r") as f:
            self.assertTrue(r.has_journey_map())
            self.assertTrue(r.has_comparison())
            self.check_journey_map(r, f)
            self.check_comparison(r, f)
            c = r.comparison()
            self.assertEqual(c["variant"].unique().tolist(), r.variants[1:])  # scenario order
            self.assertEqual(set(c["method"]), {"paired"})
            jm = r.journey_map("cart_discount")
            self.assertEqual(set(jm["variant"]), {"cart_discount"})

    def test_runs_absent(self):
        with self.assertRaisesRegex(journeysim.ResultsError, "not a sweep"):
            self.r.runs()

    def test_runs_index_table(self):
        path = self.copy("runs.h5")
        dt = np.dtype([("run", "<i8"), ("variant", h5py.string_dtype("utf-8")), ("replication", "<i8"),
                       ("seed", "<u8"), ("stages.intent.dropout", "<f8"), ("conversion_rate", "<f8")])
        rows = np.array([(0, "baseline", 0, 7, 0.1, 0.03), (1, "cart_discount", 0, 7, 0.1, 0.04)], dtype=dt)
        with h5py.File(path, "r+") as f:
            f.create_group("runs").create_dataset("index", data=rows)
        with journeysim.open_results(path) as r:
            df = r.runs()
            self.assertEqual(list(df.columns), list(dt.names))
            self.assertEqual(df["variant"].tolist(), ["baseline", "cart_discount"])
            self.assertEqual(df["seed"].dtype, np.uint64)
            self.assertEqual(df["conversion_rate"].tolist(), [0.03, 0.04])

    def test_runs_of_a_real_sweep(self):
        path = self.sweep()
        with journeysim.open_results(path) as r:
            self.assertEqual(r.kind, "sweep")
            df = r.runs()
            self.assertEqual(len(df), 2 * 2 * 7)  # points x replications x variants
            self.assertEqual(sorted(df["run"]), list(range(len(df))))
            self.assertIn("baseline", set(df["variant"]))
            self.assertIsInstance(df["variant"].iloc[0], str)
            self.assertEqual(df["seed"].nunique(), 2)
            self.assertTrue(r.summary().empty)  # no /variants in a sweep file
            # ... so every per-variant table is empty, with its columns (daily and touchpoint_stats raised)
            self.assertTrue(r.funnel().empty)
            self.assertEqual(list(r.funnel().columns), ["variant", "stage", "stage_index", "reached", "rate"])
            self.assertTrue(r.daily().empty)
            self.assertEqual(list(r.daily().columns),
                             ["variant", "day", "stage", "stage_index", "in_stage", "lost"])
            wide = r.daily(wide=True)
            self.assertTrue(wide.empty)
            self.assertEqual(list(wide.index.names), ["variant", "day"])
            self.assertEqual(list(wide.columns.get_level_values(0).unique()), ["in_stage", "lost"])
            self.assertTrue(r.touchpoint_stats().empty)
            self.assertEqual(list(r.touchpoint_stats().columns),
                             ["variant", "touchpoint", "channel", "kind", "exposures", "advances", "cost",
                              "advance_rate", "cost_per_advance"])
            self.assertTrue(r.spend().empty)
            # a run id works where a variant name does
            row = df[(df.variant == "cart_discount") & (df.replication == 1)].iloc[0]
            fun = r.funnel(variant=int(row.run))
            self.assertEqual(fun[fun.stage == "purchase"]["reached"].item(), row.conversions)
            self.assertEqual(len(r.daily(int(row.run))), 120 * 7)
            with self.assertRaises(KeyError):
                r.funnel(variant=10_000)
            # the sweep's baseline is run 0's variant
            self.assertEqual(r.baseline, "baseline")
            self.assertEqual(df.set_index("run").loc[0, "variant"], "baseline")
            with self.assertRaisesRegex(journeysim.ResultsError, "run id"):
                r.agents(columns="mood")  # no variant by name to default to

    def test_per_run_tables_name_the_variant_and_the_run(self):
        with journeysim.open_results(self.sweep()) as r, h5py.File(self.sweep(), "r") as f:
            df = r.runs()
            row = df[(df.variant == "cart_discount") & (df.replication == 1)].iloc[0]
            run = int(row.run)
            self.assertNotEqual(run, 3)  # the variant's index: the run id is something else
            fun = r.funnel(variant=run)
            self.assertEqual(list(fun.columns), ["run", "variant", "stage", "stage_index", "reached", "rate"])
            self.assertEqual(fun["variant"].tolist(), ["cart_discount"] * 7)
            self.assertEqual(fun["run"].tolist(), [run] * 7)
            np.testing.assert_array_equal(fun["reached"].to_numpy(), f[f"runs/{run}/funnel/reached"][()])
            byp = r.funnel(variant=run, by_persona=True)
            self.assertEqual(list(byp.columns[:3]), ["run", "variant", "persona"])
            self.assertEqual(set(byp["variant"]), {"cart_discount"})
            t = r.touchpoint_stats(variant=run)
            self.assertEqual(list(t.columns[:3]), ["run", "variant", "touchpoint"])
            self.assertEqual(set(t["variant"]), {"cart_discount"})
            np.testing.assert_array_equal(t["exposures"].to_numpy(), f[f"runs/{run}/touchpoints/exposures"][()])
            self.assertGreater(t.set_index("touchpoint").loc["cart_discount_code", "exposures"], 0)
            # several runs: one block each, in the order asked
            other = int(df[(df.variant == "baseline") & (df.replication == 0) & (df.point == 1)].run.item())
            both = r.touchpoint_stats(variant=[run, other])
            self.assertEqual(both["run"].unique().tolist(), [run, other])
            self.assertEqual(both["variant"].unique().tolist(), ["cart_discount", "baseline"])
            self.assertEqual(r.daily(run)["variant"].unique().tolist(), ["cart_discount"])
            w = r.daily([run, other], wide=True)
            self.assertEqual(list(w.index.names), ["run", "variant", "day"])
            self.assertEqual(w.index.get_level_values("run").unique().tolist(), [run, other])
            np.testing.assert_array_equal(w.loc[(run, "cart_discount")]["in_stage"].to_numpy(),
                                          f[f"runs/{run}/daily/in_stage"][()])
            self.assertEqual(r.spend(run)["variant"].unique().tolist(), ["cart_discount"])
            self.assertEqual(r.journey_map(run)["variant"].unique().tolist(), ["cart_discount"])
        # a run file keeps its columns: no run column
        self.assertEqual(list(self.r.funnel(variant="cart_discount").columns),
                         ["variant", "stage", "stage_index", "reached", "rate"])
        self.assertEqual(self.r.touchpoint_stats(variant="cart_discount").columns[0], "variant")

    def test_summary_of_some_variants_or_runs(self):
        full = self.r.summary()
        s = self.r.summary("cart_discount")
        self.assertEqual(s.index.tolist(), ["cart_discount"])
        self.assertEqual(s.index.name, "variant")
        pd.testing.assert_frame_equal(s, full.loc[["cart_discount"]])
        s2 = self.r.summary(["proactive_chat", "baseline"])
        self.assertEqual(s2.index.tolist(), ["proactive_chat", "baseline"])
        self.assertEqual(s2.loc["baseline", "conversions"], full.loc["baseline", "conversions"])
        with self.assertRaises(KeyError):
            self.r.summary("no_such_variant")
        with journeysim.open_results(self.sweep()) as r, h5py.File(self.sweep(), "r") as f:
            df = r.runs().set_index("run")
            s = r.summary([5, 17])
            self.assertEqual(s.index.name, "run")
            self.assertEqual(s.index.tolist(), [5, 17])
            self.assertEqual(s["variant"].tolist(), [df.loc[5, "variant"], df.loc[17, "variant"]])
            for run in (5, 17):
                self.assertEqual(s.loc[run, "conversions"], df.loc[run, "conversions"])
                for k, x in f[f"runs/{run}/summary"].attrs.items():
                    self.assertEqual(s.loc[run, k], x, (run, k))
            self.assertTrue(r.summary().empty)  # no /variants in a sweep file


    def test_optimization_file(self):
        path = os.path.join(self.tmp, "opt.h5")
        lever = "touchpoints.checkout.checkout.steps"
        cli("optimize", SCENARIO, "--lever", f"{lever}=2,5", "--maximize", "profit", "-r", "2", "-n", "1000",
            "-t", "1", "-o", path, "--quiet")
        with journeysim.open_results(path) as r:
            self.assertEqual(r.kind, "optimize")
            self.assertEqual(r.variants, [])
            self.assertTrue(r.touchpoints.empty)  # it raised KeyError
            self.assertTrue(r.touchpoint_stats().empty)
            e = r.optimization()
            self.assertEqual(sorted(e[lever]), [2.0, 5.0])
            self.assertEqual(int(e["best"].sum()), 1)
            self.assertEqual(e.attrs["levers"], [lever])
            self.assertEqual(e.attrs["objective"], "profit")
            self.assertEqual(int(e.attrs["best"]), int(e.index[e["best"] == 1][0]))
        with self.assertRaises(journeysim.ResultsError):
            self.r.optimization()
        with journeysim.open_results(path) as r:
            # it says what the file is and where its results are, not "made by `journeysim run`"
            for call in (r.runs, r.runs_summary, lambda: r.baseline):
                with self.assertRaisesRegex(journeysim.ResultsError, r"optimi[sz]ation file.*optimization\(\)"):
                    call()

    # -- interrupted sweeps ---------------------------------------------------------

    def interrupted_sweep(self, name, finished):
        """A copy of the sweep as an interrupted one leaves it: complete = 0, no /runs/summary,
        index rows of the first `finished` runs only, and one more run's group half written."""
        path = self.copy(name, self.sweep())
        with h5py.File(path, "r+") as f:
            f.attrs["complete"] = np.int64(0)
            del f["runs/summary"]
            rows = f["runs/index"][()]
            del f["runs/index"]
            f["runs"].create_dataset("index", data=rows[rows["run"] < finished])
            for g in [g for g in f["runs"] if g.isdigit() and int(g) > finished]:
                del f["runs"][g]
            del f[f"runs/{finished}/summary"]
        return path

    def test_interrupted_sweep(self):
        path = self.interrupted_sweep("interrupted.h5", 10)
        with self.assertRaises(journeysim.IncompleteResultsError):
            journeysim.open_results(path)
        with journeysim.open_results(path, allow_incomplete=True) as r, \
                journeysim.open_results(self.sweep()) as full:
            self.assertFalse(r.complete)
            self.assertEqual(r.kind, "sweep")
            # the finished runs are readable, exactly as in the whole sweep
            df = r.runs()
            self.assertEqual(df["run"].tolist(), list(range(10)))
            pd.testing.assert_frame_equal(df, full.runs()[full.runs().run < 10].reset_index(drop=True))
            pd.testing.assert_frame_equal(r.funnel(variant=9), full.funnel(variant=9))
            self.assertEqual(r.baseline, "baseline")
            # the unfinished run's group is not passed off as a result
            with self.assertRaisesRegex(journeysim.ResultsError, "run 10 .*not finished"):
                r.funnel(variant=10)
            with self.assertRaises(journeysim.IncompleteResultsError) as cm:
                r.runs_summary()
            msg = str(cm.exception)
            self.assertIn("interrupted sweep", msg)
            self.assertIn("10 run(s) finished", msg)
            self.assertIn("--resume", msg)
            self.assertIn("journeysim sweep", msg)
            self.assertIn("touchpoints.checkout.checkout.steps", msg)  # what was swept
            self.assertNotIn("made by `journeysim run`", msg)

    def test_interrupted_sweep_before_any_run_finished(self):
        path = self.interrupted_sweep("interrupted0.h5", 0)
        with h5py.File(path, "r+") as f:
            del f["runs/0"]
        with journeysim.open_results(path, allow_incomplete=True) as r:
            self.assertTrue(r.runs().empty)
            self.assertEqual(r.baseline, "baseline")  # from the scenario: no run says it yet
            with self.assertRaisesRegex(journeysim.IncompleteResultsError, "0 run.*--resume"):
                r.runs_summary()

    def test_sweep_baseline_named_by_the_scenario(self):
        scenario = os.path.join(self.tmp, "status_quo.yaml")
        with open(SCENARIO) as src, open(scenario, "w") as dst:
            dst.write(src.read() + "\nbaseline: status_quo\n")
        path = os.path.join(self.tmp, "sweep_sq.h5")
        cli("sweep", scenario, "--set", "touchpoints.checkout.checkout.steps=1,2", "-n", "500", "-o", path,
            "--quiet")
        with journeysim.open_results(path) as r:
            self.assertEqual(r.baseline, "status_quo")
            self.assertEqual(r.runs().set_index("run").loc[0, "variant"], "status_quo")
            self.assertEqual(r.summary(0)["variant"].item(), "status_quo")
        with h5py.File(path, "r+") as f:  # as if no run had finished: the scenario's text says it
            f.attrs["complete"] = np.int64(0)
            rows = f["runs/index"][()]
            del f["runs/index"]
            f["runs"].create_dataset("index", data=rows[:0])
            for g in [g for g in f["runs"] if g.isdigit()]:
                del f["runs"][g]
        with journeysim.open_results(path, allow_incomplete=True) as r:
            self.assertEqual(r.baseline, "status_quo")

    def test_sweep_killed_by_sigkill(self):
        # SIGKILL leaves HDF5 1.10's "open for write" flag in the superblock: HDF5 refuses the file.
        path = os.path.join(self.tmp, "killed.h5")
        p = subprocess.Popen([JOURNEYSIM, "sweep", SCENARIO, "--set", "touchpoints.checkout.checkout.steps=1:40:1",
                              "-r", "3", "-n", "1000", "-t", "1", "-o", path, "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and (not os.path.exists(path) or os.path.getsize(path) < 4096):
                time.sleep(0.01)
            time.sleep(0.2)
            self.assertIsNone(p.poll(), "the sweep ended before it could be killed")
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait()
        with self.assertRaises(journeysim.UnclosedFileError) as cm:
            journeysim.open_results(path, allow_incomplete=True)
        e = cm.exception
        # still caught where "not an HDF5 file" was, and where interrupted runs are
        self.assertIsInstance(e, journeysim.NotResultsFileError)
        self.assertIsInstance(e, journeysim.IncompleteResultsError)
        self.assertNotIn("not an HDF5 file", str(e))
        self.assertIn("never closed", str(e))
        self.assertIn("journeysim sweep … --resume", str(e))
        self.assertIn(f"h5clear -s {path}", str(e))
        if shutil.which("h5clear"):  # the advice works: cleared, it opens as an interrupted sweep
            subprocess.run(["h5clear", "-s", path], check=True, capture_output=True)
            with journeysim.open_results(path, allow_incomplete=True) as r:
                self.assertEqual(r.kind, "sweep")
                self.assertFalse(r.complete)

    def test_hdf5_that_cannot_be_opened(self):
        # signature at 0, but cut short: an HDF5 file, damaged, not "not HDF5"
        cut = os.path.join(self.tmp, "cut.h5")
        with open(self.path, "rb") as src, open(cut, "wb") as dst:
            dst.write(src.read(2048))
        with self.assertRaisesRegex(journeysim.NotResultsFileError, "HDF5 cannot open") as cm:
            journeysim.open_results(cut)
        self.assertNotIsInstance(cm.exception, journeysim.UnclosedFileError)
        # the superblock may follow a user block: the signature at 512, 1024, …
        ub = os.path.join(self.tmp, "userblock.h5")
        with h5py.File(ub, "w", userblock_size=1024) as f:
            f["x"] = np.arange(3)
        with open(ub, "rb") as f:
            self.assertNotEqual(f.read(8), b"\x89HDF\r\n\x1a\n")
        self.assertTrue(reader._hdf5_signature(ub))
        self.assertFalse(reader._hdf5_signature(cut + ".missing"))
        text = os.path.join(self.tmp, "text2.h5")
        with open(text, "w") as f:
            f.write("x" * 5000)
        self.assertFalse(reader._hdf5_signature(text))

    # -- attribution --------------------------------------------------------------

    def test_attribution(self):
        path = os.path.join(self.tmp, "attribution.h5")
        cli("run", SCENARIO, "-o", path, "--agents", "3000", "--variant", "cart_discount", "--attribution",
            "--summary-only", "--quiet")
        with journeysim.open_results(path) as r, h5py.File(path, "r") as f:
            self.assertTrue(r.has_attribution())
            a = r.attribution()
            self.assertEqual(list(a.columns), ["touchpoint", "channel", "kind", "metric", "with_touchpoint",
                                               "without_touchpoint", "difference", "ci_low", "ci_high",
                                               "p_value", "method"])
            g = f["attribution"]
            self.assertEqual(len(a), g["metric"].shape[0])
            self.assertEqual(a["touchpoint"].tolist(), g["group"].asstr()[()].tolist())
            self.assertEqual(a["metric"].tolist(), g["metric"].asstr()[()].tolist())
            np.testing.assert_array_equal(a["with_touchpoint"].to_numpy(), g["baseline"][()])
            np.testing.assert_array_equal(a["without_touchpoint"].to_numpy(), g["variant"][()])
            for c in ("difference", "ci_low", "ci_high", "p_value"):
                np.testing.assert_array_equal(a[c].to_numpy(), g[c][()])
            self.assertIn("description", a.attrs)
            # the baseline's touchpoints, with their channel and kind
            tp = r.touchpoints.set_index("name")
            self.assertIn("checkout", set(a["touchpoint"]))
            self.assertNotIn("cart_discount_code", set(a["touchpoint"]))  # the variant's, not the baseline's
            self.assertTrue((a["channel"].to_numpy() == tp.loc[a["touchpoint"], "channel"].to_numpy()).all())
            self.assertTrue((a["kind"].to_numpy() == tp.loc[a["touchpoint"], "kind"].to_numpy()).all())
            # with every touchpoint is the baseline; the difference is what the touchpoint adds
            conv = a[a.metric == "conversions"]
            self.assertTrue((conv["with_touchpoint"] == r.summary().loc["baseline", "conversions"]).all())
            np.testing.assert_allclose(conv["difference"], conv["with_touchpoint"] - conv["without_touchpoint"])
            one = r.attribution("checkout")
            self.assertEqual(set(one["touchpoint"]), {"checkout"})
            self.assertEqual(one["metric"].tolist()[:4], ["conversions", "revenue", "marketing_cost", "profit"])
            with self.assertRaises(KeyError):
                r.attribution("no_such_touchpoint")
            w = r.attribution(wide=True)
            self.assertEqual(w.index.tolist(), list(dict.fromkeys(a["touchpoint"])))
            self.assertEqual(list(w.columns), list(dict.fromkeys(a["metric"])))
            self.assertIn("markov", w.columns)
            for _, row in a.iterrows():
                got, want = w.loc[row.touchpoint, row.metric], row.difference
                self.assertTrue(got == want or (np.isnan(got) and np.isnan(want)), (row.touchpoint, row.metric))
            with self.assertRaisesRegex(ValueError, r"attribution\(\)"):
                r.comparison(by="attribution")
        # a file without it
        self.assertFalse(self.r.has_attribution())
        self.assertTrue(self.r.attribution().empty)
        self.assertIn("without_touchpoint", self.r.attribution().columns)
        with self.assertRaisesRegex(journeysim.ResultsError, "--attribution"):
            self.r.attribution(required=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
