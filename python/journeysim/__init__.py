"""Read journeysim results files (docs/OUTPUT.md) into pandas objects.

Only h5py, numpy and pandas are needed (Debian's /usr/bin/python3 has them)::

    import journeysim
    with journeysim.open_results("out/r.h5") as r:
        r.summary()                          # one row per variant
        r.funnel()                           # tidy: variant, stage, reached, rate
        r.agents("baseline", ["persona", "revenue"], sample=100_000)

See docs/PYTHON.md for the whole API.
"""

from .reader import (
    SUPPORTED_FORMAT_VERSIONS,
    TOUCH_KINDS,
    IncompleteResultsError,
    NotResultsFileError,
    Results,
    ResultsError,
    UnclosedFileError,
    UnsupportedVersionError,
    open_results,
)

__all__ = [
    "SUPPORTED_FORMAT_VERSIONS",
    "TOUCH_KINDS",
    "IncompleteResultsError",
    "NotResultsFileError",
    "Results",
    "ResultsError",
    "UnclosedFileError",
    "UnsupportedVersionError",
    "open_results",
]
