"""The results-file reader: one `Results` object per HDF5 file.

The layout it reads is docs/OUTPUT.md (format "journeysim-results",
format_version 1, with the "Extensions" section). Everything comes back as
pandas objects; per-agent columns are read lazily, only the ones asked for and
only the rows asked for, so a file with 10^8 agents opens instantly and one
column or a random sample of rows costs what it reads.
"""

import os
import re

import h5py
import numpy as np
import pandas as pd

FORMAT = "journeysim-results"
SUPPORTED_FORMAT_VERSIONS = (1,)
#: Touchpoint kinds, in the column order of journey_map/touches_by_kind.
TOUCH_KINDS = ("neutral", "pain_point", "success_point", "moment_of_truth")
#: Summary attributes of docs/OUTPUT.md, in that order (extra ones follow).
SUMMARY_METRICS = ("agents", "conversions", "conversion_rate", "purchases", "revenue", "cost",
                   "cost_per_conversion", "roi", "cart_abandon_rate", "mean_mood",
                   # model v2 (docs/MODEL.md "Money", "Arrivals")
                   "discounts", "margin", "profit", "clv", "clv_per_customer", "planned_spend",
                   "arrived", "referral_arrivals", "conversion_rate_arrived", "mature",
                   "conversion_rate_mature")
#: Per-agent columns in the order of docs/OUTPUT.md; attr_* and others follow.
AGENT_COLUMNS = ("agent_id", "persona", "final_stage", "lost", "lost_day", "stage_day", "purchases",
                 "revenue", "cost", "touches", "cart_abandons", "mood",
                 # written when the model uses them (each dataset's `meaning` attribute says what it is)
                 "arrival_day", "arrival_source", "discount", "clv")
COMPARISON_COLUMNS = ("baseline", "variant", "difference", "ci_low", "ci_high", "p_value")

# Rows are read in aligned blocks of this many agents (bounded memory per read).
_BLOCK = 1 << 20
# The HDF5 format signature; the superblock starts at 0, 512, 1024, 2048, … (HDF5 file format spec).
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class ResultsError(ValueError):
    """A file that cannot be read as journeysim results, or a part of it that is missing."""


class NotResultsFileError(ResultsError):
    """The file is not HDF5, or its root attribute `format` is not "journeysim-results"."""


class UnsupportedVersionError(ResultsError):
    """The file's `format_version` is newer (or older) than this reader understands."""


class IncompleteResultsError(ResultsError):
    """The root attribute `complete` is not 1: an interrupted or still running run."""


class UnclosedFileError(IncompleteResultsError, NotResultsFileError):
    """An HDF5 file its writer never closed: HDF5 1.10 keeps the superblock's "open for
    write" flag of a journeysim run or sweep that was killed (SIGKILL, a crash) or is still
    running, and refuses to open the file. An IncompleteResultsError, and a
    NotResultsFileError as readers that caught "not an HDF5 file" expect."""


def open_results(path, allow_incomplete=False):
    """Opens a results file; use it as a context manager (``with open_results(p) as r:``).

    Raises NotResultsFileError, UnsupportedVersionError or IncompleteResultsError
    (all ResultsError, a ValueError) when the file is not complete journeysim
    results; ``allow_incomplete=True`` reads an interrupted run's file anyway.
    """
    return Results(path, allow_incomplete=allow_incomplete)


def _hdf5_signature(path):
    """True if the file has the HDF5 signature where a superblock may start (0, 512, 1024, …)."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            offset = 0
            while offset + len(_HDF5_SIGNATURE) <= size:
                f.seek(offset)
                if f.read(len(_HDF5_SIGNATURE)) == _HDF5_SIGNATURE:
                    return True
                offset = 512 if offset == 0 else 2 * offset
    except OSError:
        return False
    return False


def _scalar(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic) and value.shape == ():
        return value.item()
    return value


def _strings(ds):
    if ds.shape[0] == 0:
        return []
    return [s.decode("utf-8") if isinstance(s, bytes) else str(s) for s in ds[()]]


def _labels(ds):
    return [s.decode("utf-8") if isinstance(s, bytes) else str(s) for s in ds.attrs["labels"]]


def _decode_bytes_columns(df):
    for c in df.columns:
        if df[c].dtype == object and len(df) and isinstance(df[c].iloc[0], bytes):
            df[c] = df[c].str.decode("utf-8")
    return df


def _tidy(frames, columns):
    """The frames one under the other; with none (a sweep file has no variants), an empty frame of `columns`."""
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _read_rows(ds, idx, k=None):
    """Rows `idx` (sorted, unique) of `ds`, or of its column `k` when it is 2-D.

    Reads block by block: a dense run of indices as one contiguous slice, a
    sparse one as a point selection, so memory stays bounded by the block.
    """
    shape = (len(idx),) + (ds.shape[1:] if k is None else ())
    out = np.empty(shape, dtype=ds.dtype)
    if len(idx) == 0:
        return out
    blocks = idx // _BLOCK
    cuts = np.flatnonzero(np.diff(blocks)) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [len(idx)]])
    for s, e in zip(starts, ends):
        part = idx[s:e]
        lo, hi = int(part[0]), int(part[-1]) + 1
        if hi - lo <= 64 * len(part):
            chunk = ds[lo:hi] if k is None else ds[lo:hi, k]
            out[s:e] = chunk[part - lo]
        else:
            out[s:e] = ds[part] if k is None else ds[part, k]
    return out


def _sample_rows(n, size, seed):
    """`size` distinct row indices of 0..n-1, uniformly at random, sorted.

    Exact sampling without replacement that never allocates n of anything:
    how many fall into each block is multivariate hypergeometric, then each
    block is sampled on its own.
    """
    rng = np.random.default_rng(seed)
    if size >= n:
        return np.arange(n, dtype=np.int64)
    nblocks = -(-n // _BLOCK)
    sizes = np.full(nblocks, _BLOCK, dtype=np.int64)
    sizes[-1] = n - _BLOCK * (nblocks - 1)
    counts = rng.multivariate_hypergeometric(sizes, size) if nblocks > 1 else np.array([size])
    parts = [b * _BLOCK + np.sort(rng.choice(int(sizes[b]), size=int(c), replace=False))
             for b, c in enumerate(counts) if c]
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


class Results:
    """One journeysim results file (docs/OUTPUT.md), read into pandas objects.

    Open with `open_results(path)` or `Results(path)`; close with `close()` or
    a ``with`` block. `file` is the underlying read-only h5py.File for anything
    this class does not cover.
    """

    def __init__(self, path, allow_incomplete=False):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{self.path}: no such file")
        try:
            self.file = h5py.File(self.path, "r")
        except OSError as e:
            if not _hdf5_signature(self.path):
                raise NotResultsFileError(f"{self.path}: not an HDF5 file ({e})") from e
            if "open for write" in str(e):
                raise UnclosedFileError(
                    f"{self.path} is an HDF5 file its writer never closed: a journeysim run or sweep "
                    "killed while writing it (SIGKILL, a crash, a full disk), or one still running, and "
                    f"HDF5 refuses to open it ({e}). An interrupted sweep continues with the same "
                    "`journeysim sweep … --resume` command that made it; to read what it holds now, clear "
                    f"the flag with `h5clear -s {self.path}` and open_results(path, allow_incomplete=True)"
                ) from e
            raise NotResultsFileError(f"{self.path}: an HDF5 file that HDF5 cannot open (damaged or "
                                      f"truncated?): {e}") from e
        try:
            self._check(allow_incomplete)
        except Exception:
            self.file.close()
            raise
        self._cache = {}

    def _check(self, allow_incomplete):
        a = self.file.attrs
        fmt = _scalar(a["format"]) if "format" in a else None
        if fmt != FORMAT:
            raise NotResultsFileError(
                f"{self.path}: not a journeysim results file (root attribute format = {fmt!r}, "
                f"expected {FORMAT!r})")
        version = _scalar(a["format_version"]) if "format_version" in a else None
        if version not in SUPPORTED_FORMAT_VERSIONS:
            raise UnsupportedVersionError(
                f"{self.path}: format_version {version!r} is not supported by this reader "
                f"(supports {', '.join(map(str, SUPPORTED_FORMAT_VERSIONS))}); "
                "use the python/journeysim of the journeysim that wrote the file")
        complete = _scalar(a["complete"]) if "complete" in a else 0
        if complete != 1 and not allow_incomplete:
            raise IncompleteResultsError(
                f"{self.path}: incomplete results (root attribute complete = {complete!r}): the run "
                "was interrupted or is still being written; open_results(path, allow_incomplete=True) "
                "reads what is there")

    # -- context manager ---------------------------------------------------

    def close(self):
        """Closes the file (idempotent)."""
        if self.file:
            self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        state = "closed" if not self.file else f"{len(self.variants)} variant(s), {self.population:,} agents"
        return f"<journeysim.Results {self.path!r}: {state}>"

    # -- identity ----------------------------------------------------------

    @property
    def attrs(self):
        """The root attributes as a plain dict (format, seed, population, horizon_days, …)."""
        return {k: _scalar(v) for k, v in self.file.attrs.items()}

    @property
    def format_version(self):
        return int(_scalar(self.file.attrs["format_version"]))

    @property
    def complete(self):
        """True once the writer finished the file (root attribute complete == 1)."""
        return _scalar(self.file.attrs.get("complete", 0)) == 1

    @property
    def kind(self):
        """"run" for `journeysim run` files, "sweep" for `journeysim sweep`, "optimize" for `optimize -o`."""
        return _scalar(self.file.attrs.get("kind", "run"))

    @property
    def seed(self):
        return int(_scalar(self.file.attrs["seed"]))

    @property
    def population(self):
        return int(_scalar(self.file.attrs["population"]))

    @property
    def horizon_days(self):
        return int(_scalar(self.file.attrs["horizon_days"]))

    @property
    def scenario(self):
        """The /scenario attributes as a dict: name, source (the YAML text), sha256, …"""
        if "scenario" not in self.file:
            return {}
        return {k: _scalar(v) for k, v in self.file["scenario"].attrs.items()}

    # -- scenario tables ---------------------------------------------------

    @property
    def variants(self):
        """Variant names in scenario order, the baseline first."""
        if "variants" not in self._cache:
            if "variants" not in self.file:
                names = []
            elif "variants" in self.file.attrs:
                names = [v for v in _scalar(self.file.attrs["variants"]).split(",") if v]
            else:
                groups = self.file["variants"]
                names = sorted(groups, key=lambda v: (_scalar(groups[v].attrs.get("index", 1 << 30)),
                                                      v != "baseline"))
            self._cache["variants"] = names
        return list(self._cache["variants"])

    @property
    def baseline(self):
        """The baseline variant's name (the first variant); in a sweep file, which has no
        /variants, the variant of run 0 (every grid point runs the baseline first)."""
        v = self.variants
        if v:
            return v[0]
        if self.kind == "sweep":
            return self._sweep_baseline()
        if self.kind == "optimize":
            raise ResultsError(f"{self.path}: an optimisation file has no variants (so no baseline); "
                               "its evaluations are in optimization()")
        raise ResultsError(f"{self.path}: no /variants in this file")

    def _sweep_baseline(self):
        if "runs/index" in self.file and self.file["runs/index"].shape[0]:
            idx = self.file["runs/index"]
            runs = idx["run"]
            if (runs == 0).any():
                return _scalar(idx["variant"][int(np.flatnonzero(runs == 0)[0])])
        if "runs/0" in self.file and "variant" in self.file["runs/0"].attrs:
            return _scalar(self.file["runs/0"].attrs["variant"])
        # No run finished yet: the scenario names it (top-level `baseline:`, default "baseline").
        m = re.search(r"^baseline:[ \t]*[\"']?([^\s\"'#]+)", self.scenario.get("source", ""), re.MULTILINE)
        return m.group(1) if m else "baseline"

    def _default_variant(self, variant):
        """`variant`, or the baseline when None; a sweep's runs are taken by run id only."""
        if variant is not None:
            return variant
        if self.kind == "sweep":
            raise ResultsError(f"{self.path}: a sweep file has no variants by name: give a run id "
                               "(the run column of runs())")
        return self.baseline

    @property
    def stages(self):
        """DataFrame, one row per stage in order: name, phase, purchase (bool)."""
        if "stages" not in self._cache:
            names = _strings(self.file["stages/name"])
            phases = _strings(self.file["stages/phase"])
            if "stages/purchase" in self.file:
                purchase = self.file["stages/purchase"][()].astype(bool)
            else:
                purchase = np.array([p == "purchase" for p in phases])
            self._cache["stages"] = pd.DataFrame({"name": names, "phase": phases, "purchase": purchase})
        return self._cache["stages"].copy()

    @property
    def conversion_stage(self):
        """Index of the first purchase stage (reaching it is the conversion), or -1."""
        marked = np.flatnonzero(self.stages["purchase"].to_numpy())
        return int(marked[0]) if marked.size else -1

    @property
    def personas(self):
        """DataFrame, one row per persona: name, share."""
        return pd.DataFrame({"name": _strings(self.file["personas/name"]),
                             "share": self.file["personas/share"][()]})

    @property
    def touchpoints(self):
        """DataFrame, one row per touchpoint of all variants: name, channel, kind
        (empty for an optimisation file, which has none)."""
        if "touchpoints" not in self.file:
            return pd.DataFrame({"name": pd.Series(dtype=object), "channel": pd.Series(dtype=object),
                                 "kind": pd.Series(dtype=object)})
        t = self.file["touchpoints"]
        return pd.DataFrame({"name": _strings(t["name"]), "channel": _strings(t["channel"]),
                             "kind": _strings(t["kind"])})

    def optimization(self):
        """An optimisation file's evaluations (`/optimization/evaluations`, OUTPUT.md):
        one row per evaluated setting — a column per lever, replications,
        objective_mean, diff_from_best with its CI, feasible, equivalent, best —
        and in `.attrs` the search (method, objective, maximize, levers, …)."""
        if "optimization" not in self.file:
            raise ResultsError(f"{self.path}: not an optimisation file (kind = {self.kind!r}); "
                               "`journeysim optimize -o FILE.h5` writes one")
        g = self.file["optimization"]
        df = pd.DataFrame(g["evaluations"][()])
        df.attrs = {k: [_scalar(x) for x in v] if isinstance(v, np.ndarray) else _scalar(v)
                    for k, v in g.attrs.items()}
        return df

    # -- per-variant aggregates ---------------------------------------------

    @staticmethod
    def _is_run(variant):
        return isinstance(variant, (int, np.integer)) and not isinstance(variant, bool)

    def _variant(self, variant):
        if self._is_run(variant):
            if "runs" in self.file and str(int(variant)) in self.file["runs"]:
                if not self.complete and int(variant) not in self._finished_runs():
                    raise ResultsError(f"{self.path}: run {variant} of this interrupted sweep was not "
                                       "finished (it is not in /runs/index); its group may be partial")
                return self.file["runs"][str(int(variant))]
            raise KeyError(f"no run {variant} in {self.path} (run ids are the `run` column of runs())")
        if variant not in self.variants:
            if self.kind == "sweep":
                raise KeyError(f"no variant {variant!r} in {self.path}: a sweep file's variants are "
                               "taken by run id (the run column of runs())")
            raise KeyError(f"no variant {variant!r} in {self.path}; variants: {', '.join(self.variants)}")
        return self.file["variants"][variant]

    def _finished_runs(self):
        if "runs/index" not in self.file:
            return set()
        return set(int(x) for x in self.file["runs/index"]["run"])

    def _label(self, variant):
        """The leading columns of a row of `variant`: its name, and for a run id also the run."""
        if self._is_run(variant):
            g = self._variant(variant)
            return {"run": int(variant), "variant": _scalar(g.attrs.get("variant", ""))}
        return {"variant": variant}

    def _lead(self, which):
        """Leading columns of the tidy tables: run, variant when run ids were given, else variant."""
        return ["run", "variant"] if any(self._is_run(v) for v in which) else ["variant"]

    def _which(self, variant):
        if variant is None:
            return self.variants
        if isinstance(variant, (str, int, np.integer)):
            self._variant(variant)
            return [variant]
        names = list(variant)
        for v in names:
            self._variant(v)
        return names

    def summary(self, variant=None):
        """DataFrame indexed by variant (baseline first), one column per summary attribute.

        Columns: agents, conversions, conversion_rate, purchases, revenue, cost,
        cost_per_conversion, roi, cart_abandon_rate, mean_mood (and any further
        attribute the writer added), exactly as stored.

        ``variant``: a name or list of names (default: all variants), or in a
        sweep file run ids — then the index is the run id (named "run") and a
        ``variant`` column, the run's variant, comes first.
        """
        which = self._which(variant)
        runs = self._lead(which) == ["run", "variant"]
        rows = {}
        for v in which:
            rows[int(v) if runs else v] = {k: _scalar(x) for k, x in self._variant(v)["summary"].attrs.items()}
        df = pd.DataFrame.from_dict(rows, orient="index")
        cols = [c for c in SUMMARY_METRICS if c in df.columns] + sorted(c for c in df.columns
                                                                         if c not in SUMMARY_METRICS)
        df = df[cols] if len(df) else pd.DataFrame(columns=list(SUMMARY_METRICS))
        if runs:
            df.insert(0, "variant", [self._label(v)["variant"] for v in which])
        df.index.name = "run" if runs else "variant"
        return df

    def spend(self, variant=None):
        """Marketing spend per variant and channel, planned and realised.

        Columns: variant, channel, planned_spend (the budgets, plus what
        touchpoints with a stated reach cost), spend (what the exposures
        cost), exposures. Money is in the file's `currency` attribute.
        """
        which = self._which(variant)
        frames = []
        for v in which:
            g = self._variant(v)
            if "channels" not in g:
                raise ResultsError(f"{self.path}: variant {v!r} has no spend per channel "
                                   "(written by journeysim 0.2 and later)")
            c = g["channels"]
            frames.append(pd.DataFrame({**self._label(v), "channel": c["name"].asstr()[()],
                                        "planned_spend": c["planned_spend"][()], "spend": c["spend"][()],
                                        "exposures": c["exposures"][()]}))
        return _tidy(frames, self._lead(which) + ["channel", "planned_spend", "spend", "exposures"])

    @property
    def currency(self):
        """Currency of every amount of money in the file ('' when the scenario gave none)."""
        return _scalar(self.file.attrs.get("currency", ""))

    def funnel(self, by_persona=False, variant=None):
        """The funnel, tidy: one row per variant, [persona,] and stage.

        Columns: variant, [persona,] stage, stage_index, reached (agents that
        ever reached the stage), rate (reached / those who entered the first
        stage: every agent, or, when customers arrive over time, every agent
        who arrived within the horizon; at the first purchase stage it is the
        summary's conversion_rate_arrived, docs/MODEL.md).
        """
        stages = self.stages["name"].tolist()
        personas = self.personas["name"].tolist()
        which = self._which(variant)
        frames = []
        for v in which:
            g = self._variant(v)
            if by_persona:
                m = g["funnel/by_persona"][()]
                with np.errstate(invalid="ignore", divide="ignore"):
                    rate = m / m[:, :1]
                frames.append(pd.DataFrame({
                    **self._label(v),
                    "persona": np.repeat(personas, len(stages)),
                    "stage": np.tile(stages, len(personas)),
                    "stage_index": np.tile(np.arange(len(stages)), len(personas)),
                    "reached": m.ravel(), "rate": rate.ravel()}))
            else:
                r = g["funnel/reached"][()]
                with np.errstate(invalid="ignore", divide="ignore"):
                    rate = r / r[0] if len(r) else r.astype(float)
                frames.append(pd.DataFrame({**self._label(v), "stage": stages,
                                            "stage_index": np.arange(len(stages)),
                                            "reached": r, "rate": rate}))
        return _tidy(frames, self._lead(which) + (["persona"] if by_persona else [])
                     + ["stage", "stage_index", "reached", "rate"])

    def daily(self, variant=None, wide=False):
        """Agents active in (in_stage) and lost from (lost) each stage at the end of each day.

        Tidy (default): columns variant, day, stage, stage_index, in_stage, lost.
        ``wide=True``: index (variant, day), columns a MultiIndex
        (in_stage | lost) × stage, stages in funnel order.
        """
        stages = self.stages["name"].tolist()
        k = len(stages)
        which = self._which(variant)
        lead = self._lead(which)
        frames = []
        for v in which:
            g = self._variant(v)
            ins, lost = g["daily/in_stage"][()], g["daily/lost"][()]
            h = ins.shape[0]
            frames.append(pd.DataFrame({**self._label(v), "day": np.repeat(np.arange(h), k),
                                        "stage": np.tile(stages, h), "stage_index": np.tile(np.arange(k), h),
                                        "in_stage": ins.ravel(), "lost": lost.ravel()}))
        df = _tidy(frames, lead + ["day", "stage", "stage_index", "in_stage", "lost"])
        if not wide:
            return df
        w = df.pivot(index=lead + ["day"], columns="stage", values=["in_stage", "lost"])
        w = w.reindex(columns=pd.MultiIndex.from_product([["in_stage", "lost"], stages]))
        # An empty index has no variant level to order by.
        return w.reindex(which, level=lead[0]) if frames else w

    def touchpoint_stats(self, variant=None):
        """Per variant and touchpoint: exposures, advances, cost, advance_rate, cost_per_advance.

        Tidy, with the touchpoint's channel and kind; touchpoints a variant does
        not have show 0 exposures.
        """
        t = self.touchpoints
        which = self._which(variant)
        frames = []
        for v in which:
            g = self._variant(v)["touchpoints"]
            df = pd.DataFrame({**self._label(v), "touchpoint": t["name"], "channel": t["channel"],
                               "kind": t["kind"],
                               "exposures": g["exposures"][()], "advances": g["advances"][()],
                               "cost": g["cost"][()]})
            with np.errstate(invalid="ignore", divide="ignore"):
                df["advance_rate"] = df["advances"] / df["exposures"].where(df["exposures"] > 0)
                df["cost_per_advance"] = df["cost"] / df["advances"].where(df["advances"] > 0)
            frames.append(df)
        return _tidy(frames, self._lead(which) + ["touchpoint", "channel", "kind", "exposures", "advances",
                                                  "cost", "advance_rate", "cost_per_advance"])

    # -- per-agent columns ---------------------------------------------------

    def _agents_group(self, variant):
        g = self._variant(variant)
        if "agents" not in g:
            raise ResultsError(f"{self.path}: variant {variant!r} has no per-agent columns "
                               "(the run used --summary-only)")
        return g["agents"]

    def agent_columns(self, variant=None):
        """Names agents() can return for a variant: stage_day expands to stage_day_<stage>."""
        ag = self._agents_group(self._default_variant(variant))
        names = list(ag)
        other = self._population_group(ag)
        if other is not None:
            names += [c for c in other if c not in names]
        ordered = [c for c in AGENT_COLUMNS if c in names]
        ordered += sorted(c for c in names if c.startswith("attr_"))
        ordered += sorted(c for c in names if c not in ordered)
        out = []
        for c in ordered:
            if c == "stage_day":
                out += [f"stage_day_{s}" for s in self.stages["name"]]
            else:
                out.append(c)
        return out

    def _population_group(self, ag):
        src = _scalar(ag.attrs.get("population_of", ""))
        if src and src in self.variants and "agents" in self.file["variants"][src]:
            return self.file["variants"][src]["agents"]
        return None

    def n_agents(self, variant=None):
        """Number of agents (rows) of a variant."""
        g = self._variant(self._default_variant(variant))
        if "agents" in g and "agent_id" in g["agents"]:
            return int(g["agents/agent_id"].shape[0])
        return int(_scalar(g["summary"].attrs["agents"]))

    def agents(self, variant=None, columns=None, rows=None, sample=None, seed=0, decode=True):
        """Per-agent columns of one variant as a DataFrame, read lazily.

        variant  the variant (default: the baseline).
        columns  a name or list of names (default: all; see agent_columns()).
                 ``"stage_day"`` gives one column per stage, ``stage_day_<stage>``
                 (day the agent entered it, -1 if never); a single
                 ``stage_day_<stage>`` reads just that column of the 2-D dataset.
        rows     a slice (e.g. ``slice(0, 1000)``) or an array of row indices.
        sample   read this many distinct rows drawn uniformly at random (sorted,
                 reproducible by ``seed``), block by block, so it works on
                 files of any size; exclusive with ``rows``.
        decode   persona → Categorical of persona names, choice attributes
                 (attr_* stored as uint8 codes with a ``labels`` attribute) →
                 Categorical of their labels (the missing code → NaN).
                 final_stage stays the stage index (see `stages`).

        Only the requested columns and rows are read from the file. The index
        is the agent's row number (its agent_id), named "agent", so frames of
        different variants align: all variants share the same customers.
        """
        variant = self._default_variant(variant)
        ag = self._agents_group(variant)
        pop = self._population_group(ag)
        stages = self.stages["name"].tolist()
        n = self.n_agents(variant)

        available = self.agent_columns(variant)
        if columns is None:
            wanted = available
        else:
            wanted = []
            for c in [columns] if isinstance(columns, str) else list(columns):
                if c == "stage_day":
                    wanted += [f"stage_day_{s}" for s in stages]
                elif c in available:
                    wanted.append(c)
                else:
                    raise KeyError(f"no agent column {c!r} in variant {variant!r}; columns: {', '.join(available)}")

        if sample is not None and rows is not None:
            raise ValueError("give rows or sample, not both")
        if sample is not None:
            if sample < 0:
                raise ValueError("sample must be >= 0")
            idx = _sample_rows(n, int(sample), seed)
        elif rows is None:
            idx = None
        elif isinstance(rows, slice):
            start, stop, step = rows.indices(n)
            idx = None if (start, stop, step) == (0, n, 1) else np.arange(start, stop, step, dtype=np.int64)
            if step < 0:
                raise ValueError("rows: negative steps are not supported")
        else:
            idx = np.asarray(rows, dtype=np.int64).ravel()
            if idx.size and (idx.min() < 0 or idx.max() >= n):
                raise IndexError(f"rows outside 0..{n - 1}")

        if idx is None:
            order = None
            read_idx = None
        else:
            # read in sorted unique order, then put the rows back as asked
            read_idx, order = np.unique(idx, return_inverse=True)

        def dataset(name):
            if name in ag:
                return ag[name]
            return pop[name]

        data = {}
        personas = None
        for c in wanted:
            if c.startswith("stage_day_") and c[len("stage_day_"):] in stages:
                ds, k = dataset("stage_day"), stages.index(c[len("stage_day_"):])
            else:
                ds, k = dataset(c), None
            if read_idx is None:
                values = ds[:, k] if k is not None else ds[()]
            else:
                values = _read_rows(ds, read_idx, k)[order]
            if decode and c == "persona":
                if personas is None:
                    personas = self.personas["name"].tolist()
                values = pd.Categorical.from_codes(values.astype(np.int64), categories=personas)
            elif decode and c.startswith("attr_") and "labels" in ds.attrs and k is None:
                codes = values.astype(np.int64)
                codes[(codes == int(_scalar(ds.attrs.get("missing_code", 255)))) | (codes < 0)] = -1
                values = pd.Categorical.from_codes(codes, categories=_labels(ds))
            data[c] = values
        index = pd.RangeIndex(n, name="agent") if idx is None else pd.Index(idx, name="agent")
        return pd.DataFrame(data, index=index, columns=wanted)

    # -- extensions: journey map, comparison ---------------------------------

    def has_journey_map(self, variant=None):
        """True if the file has journey_map/ for the variant (default: any variant)."""
        names = self.variants if variant is None else [variant]
        return any("journey_map" in self._variant(v) for v in names)

    def journey_map(self, variant=None, required=False):
        """The journey map, tidy: one row per variant, persona and stage.

        Columns: variant, persona, stage, stage_index, reached (agents of the
        persona that reached the stage), mood_in / mood_out (mean mood on
        entering / leaving the stage, NaN where no agent of the persona reached
        it), and one column per touchpoint kind (neutral, pain_point,
        success_point, moment_of_truth): exposures in the stage, for all
        personas together (so repeated on each persona's row).

        Variants without journey_map/ (files from before it existed) are left
        out; if none has it, the result is an empty DataFrame with these
        columns, or ResultsError when ``required=True``.
        """
        stages = self.stages["name"].tolist()
        personas = self.personas["name"].tolist()
        k, p = len(stages), len(personas)
        which = self._which(variant)
        frames = []
        kinds_all = list(TOUCH_KINDS)
        for v in which:
            g = self._variant(v)
            if "journey_map" not in g:
                continue
            jm = g["journey_map"]
            df = pd.DataFrame({**self._label(v), "persona": np.repeat(personas, k), "stage": np.tile(stages, p),
                               "stage_index": np.tile(np.arange(k), p),
                               "reached": g["funnel/by_persona"][()].ravel(),
                               "mood_in": jm["mood_in"][()].ravel(), "mood_out": jm["mood_out"][()].ravel()})
            if "touches_by_kind" in jm:
                tbk = jm["touches_by_kind"]
                kinds = [_scalar(x) for x in tbk.attrs["kinds"]] if "kinds" in tbk.attrs else list(TOUCH_KINDS)
                m = tbk[()]
                for j, kind in enumerate(kinds):
                    df[kind] = np.tile(m[:, j], p)
                    if kind not in kinds_all:
                        kinds_all.append(kind)
            frames.append(df)
        columns = (self._lead(which) + ["persona", "stage", "stage_index", "reached", "mood_in", "mood_out"]
                   + kinds_all)
        if not frames:
            if required:
                raise ResultsError(f"{self.path}: no journey_map/ in this file (written by a journeysim "
                                   "before the journey map was stored; re-run it)")
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True).reindex(columns=columns)

    def has_comparison(self):
        """True if the file has /comparison/<variant>/ tables."""
        return "comparison" in self.file and len(self.file["comparison"]) > 0

    def comparison(self, variant=None, required=False, by=None):
        """Each variant vs the baseline on the same agents (paired), tidy.

        Columns: variant, metric, baseline_value, variant_value, difference,
        ci_low, ci_high (95 %), p_value, method — one row per variant and metric
        of /comparison/<variant>/ (the datasets ``baseline`` and ``variant``
        become baseline_value / variant_value). Variants in scenario order.

        ``by`` = "persona", "stage", "phase" or "touchpoint" reads the breakdown
        table /comparison/<variant>/by_<by>/ instead, with a ``group`` column
        (the persona, stage, phase or touchpoint) after ``variant``.

        Without /comparison the result is an empty DataFrame with these
        columns, or ResultsError when ``required=True``.
        """
        columns = ["variant", "metric", "baseline_value", "variant_value", "difference", "ci_low", "ci_high",
                   "p_value", "method"]
        if by is not None:
            if by == "attribution":
                raise ValueError("by='attribution': the touchpoint attribution (/attribution, written by "
                                 "`journeysim run --attribution`) is not a comparison of variants; read it "
                                 "with attribution()")
            if by not in ("persona", "stage", "phase", "touchpoint"):
                raise ValueError(f"by={by!r}: expected 'persona', 'stage', 'phase' or 'touchpoint' "
                                 "(touchpoint attribution: attribution())")
            columns.insert(1, "group")
        frames = []
        if "comparison" in self.file:
            cg = self.file["comparison"]
            names = [v for v in self.variants if v in cg] + sorted(v for v in cg if v not in self.variants)
            if variant is not None:
                wanted = [variant] if isinstance(variant, str) else list(variant)
                names = [v for v in names if v in wanted]
            for v in names:
                g = cg[v]
                if by is not None:
                    if f"by_{by}" not in g:
                        continue
                    g = g[f"by_{by}"]
                df = pd.DataFrame({"variant": v, "metric": _strings(g["metric"])})
                if by is not None:
                    df["group"] = _strings(g["group"])
                for src, dst in (("baseline", "baseline_value"), ("variant", "variant_value")):
                    df[dst] = g[src][()] if src in g else np.nan
                for c in ("difference", "ci_low", "ci_high", "p_value"):
                    df[c] = g[c][()] if c in g else np.nan
                df["method"] = _strings(g["method"]) if "method" in g else ""
                frames.append(df)
        if not frames:
            if required:
                raise ResultsError(f"{self.path}: no /comparison in this file (written by a journeysim "
                                   "before comparisons were stored, or with only the baseline)")
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True)[columns]

    def has_attribution(self):
        """True if the file has /attribution (written by `journeysim run --attribution`)."""
        return "attribution" in self.file and "metric" in self.file["attribution"]

    def attribution(self, touchpoint=None, wide=False, required=False):
        """What each touchpoint of the baseline is worth (/attribution, `journeysim run --attribution`).

        Tidy: one row per touchpoint and metric, columns touchpoint, channel,
        kind, metric, with_touchpoint (the baseline with every touchpoint),
        without_touchpoint (the same customers without this one), difference
        (with − without: the incremental value; for last_touch, first_touch,
        linear and markov the conversions that rule credits to it), ci_low,
        ci_high (paired 95 %), p_value, method. Metrics, in the file's order:
        conversions, revenue, marketing_cost, profit (totals),
        cost_per_incremental_conversion, incremental_roi, last_touch,
        first_touch, linear, markov (docs/OUTPUT.md). NaN where undefined.

        ``touchpoint``: a name or list of names (default: all).
        ``wide=True``: index touchpoint, one column per metric, values the
        difference — incremental conversions beside what each rule credits.

        Without /attribution the result is an empty DataFrame with these
        columns, or ResultsError when ``required=True``.
        """
        columns = ["touchpoint", "channel", "kind", "metric", "with_touchpoint", "without_touchpoint",
                   "difference", "ci_low", "ci_high", "p_value", "method"]
        if not self.has_attribution():
            if required:
                raise ResultsError(f"{self.path}: no /attribution in this file (written by "
                                   "`journeysim run --attribution`)")
            df = pd.DataFrame(columns=columns)
            return df.set_index("touchpoint")[[]] if wide else df
        g = self.file["attribution"]
        df = pd.DataFrame({"touchpoint": _strings(g["group"]), "metric": _strings(g["metric"])})
        t = self.touchpoints.set_index("name")
        df["channel"] = df["touchpoint"].map(t["channel"])
        df["kind"] = df["touchpoint"].map(t["kind"])
        for src, dst in (("baseline", "with_touchpoint"), ("variant", "without_touchpoint"),
                         ("difference", "difference"), ("ci_low", "ci_low"), ("ci_high", "ci_high"),
                         ("p_value", "p_value")):
            df[dst] = g[src][()] if src in g else np.nan
        df["method"] = _strings(g["method"]) if "method" in g else ""
        df = df[columns]
        if touchpoint is not None:
            wanted = [touchpoint] if isinstance(touchpoint, str) else list(touchpoint)
            known = df["touchpoint"].unique().tolist()
            for name in wanted:
                if name not in known:
                    raise KeyError(f"no touchpoint {name!r} in /attribution of {self.path}; "
                                   f"touchpoints: {', '.join(known)}")
            df = df[df["touchpoint"].isin(wanted)].reset_index(drop=True)
        df.attrs = {k: _scalar(v) for k, v in g.attrs.items()}
        if not wide:
            return df
        w = df.pivot(index="touchpoint", columns="metric", values="difference")
        w = w.reindex(index=df["touchpoint"].unique(), columns=df["metric"].unique())
        w.index.name, w.columns.name = "touchpoint", None
        return w

    # -- sweeps --------------------------------------------------------------

    def runs(self):
        """The sweep index /runs/index as a DataFrame (one row per run and variant).

        Columns as stored (run, point, replication, variant, seed, each swept
        parameter's value, the run's summary metrics); strings decoded to str.
        Raises ResultsError for a file without /runs/index (not a sweep). An
        interrupted sweep (open_results(path, allow_incomplete=True)) has a row
        for each run finished so far: /runs/index gets a run's row only once
        its group is complete.

        A run id (the `run` column, an int) works wherever a variant name is
        taken: ``r.summary(12)``, ``r.funnel(variant=12)``, ``r.daily(12)``,
        ``r.agents(12)`` (sweeps made with --per-agent). The tidy tables then
        start with ``run`` and ``variant`` (the run's variant name);
        summary() is indexed by run with a ``variant`` column.
        """
        return self._table("runs/index")

    def runs_summary(self):
        """/runs/summary of a sweep (mean, sd and 95 % CI across replications per grid point).

        Written when the sweep completes: on an interrupted sweep this raises
        IncompleteResultsError (its finished runs are in runs()).
        """
        return self._table("runs/summary")

    def _resume_hint(self):
        sc = self.scenario
        swept = [_scalar(p) for p in self.file.attrs.get("parameters", [])]
        return (f"continue it with the `journeysim sweep {sc.get('path') or 'SCENARIO.yaml'} --set … "
                f"-o {self.path}` command that made it plus --resume"
                + (f" (swept: {', '.join(swept)})" if swept else ""))

    def _table(self, path):
        if path not in self.file:
            if not path.startswith("runs"):
                raise ResultsError(f"{self.path}: no /{path}")
            if self.kind == "optimize":
                raise ResultsError(f"{self.path}: no /{path} — an optimisation file (made by `journeysim "
                                   "optimize -o`), not a sweep: its evaluations are in optimization()")
            if self.kind == "sweep" and not self.complete:
                done = len(self._finished_runs())
                what = ("/runs/summary is written when the sweep completes; runs() has the "
                        f"{done} run(s) finished so far" if path == "runs/summary" else "no run finished yet")
                raise IncompleteResultsError(f"{self.path}: an interrupted sweep (root attribute complete = "
                                             f"{_scalar(self.file.attrs.get('complete', 0))!r}): {what}; "
                                             + self._resume_hint())
            raise ResultsError(f"{self.path}: no /{path} — not a sweep file (kind = {self.kind!r}; made by "
                               "`journeysim run`, not `journeysim sweep`)")
        ds = self.file[path]
        if ds.dtype.names is None:
            raise ResultsError(f"{self.path}: /{path} is not a compound table")
        return _decode_bytes_columns(pd.DataFrame(ds[()]))
