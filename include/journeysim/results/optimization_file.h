#pragma once
//! `journeysim optimize -o FILE.h5` (docs/OUTPUT.md "Optimisation files"):
//! the root identity with kind = "optimize", /scenario, and /optimization —
//! what was optimised and every evaluated setting with its paired difference
//! from the best. Written beside the target and renamed into place.

#include "journeysim/experiment/optimize.h"
#include "journeysim/results/replace_policy.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <string>
#include <vector>

namespace journeysim {

//! @throws InputError  As check_output_target(path, target).
//! @throws OutputError If the file cannot be written.
void write_optimization_file(const std::string& path, const Scenario& scenario, const OptimizeOptions& options,
                             const OptimizeResult& result, const OutputTarget& target);

//! What `journeysim report OPT.h5` shows, read back from such a file.
struct OptimizationData {
  std::string path, scenario_name, created_utc, method, objective, variant;
  bool maximize = false, any_feasible = false;
  std::uint64_t agents = 0;
  std::int64_t replications = 0, best = 0;
  std::string objective_label; //!< "profit − change costs, totals for … customers"; the metric in older files
  std::vector<std::string> levers, constraints, constraint_metrics;
  std::vector<std::string> change_costs; //!< "PATH=AMOUNT@TODAY" counted in the objective
  struct Row {
    std::vector<double> x;
    std::int64_t replications = 0;
    double mean = 0, diff = 0, diff_low = 0, diff_high = 0;
    std::vector<double> constraint_means;
    bool feasible = false, equivalent = false, best = false;
  };
  std::vector<Row> rows;
};

//! True if `path` is a complete file written by `optimize -o` (no throw).
bool is_optimization_file(const std::string& path);

//! @throws InputError One line naming the file if it is not a complete optimisation file.
OptimizationData read_optimization_file(const std::string& path);

} // namespace journeysim
