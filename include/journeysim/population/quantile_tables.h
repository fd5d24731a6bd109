#pragma once
//! Quantile tables (quantile_table.h) by distribution, built once and shared:
//! by the personas of a run that draw the same distribution, and by the runs
//! of a sweep, a calibration or an optimisation (RunOptions::tables), which
//! would otherwise rebuild the same tables — milliseconds each — per run.

#include "journeysim/population/quantile_table.h"

#include <memory>
#include <mutex>
#include <vector>

namespace journeysim {

class QuantileTables {
public:
  //! The table of `d` (by kind, parameters and clip), built on first request.
  //! Thread-safe; two threads asking for a new one at once may both build it.
  std::shared_ptr<const QuantileTable> get(const Distribution& d);

private:
  std::mutex mutex_;
  std::vector<std::pair<Distribution, std::shared_ptr<const QuantileTable>>> tables_;
};

} // namespace journeysim
