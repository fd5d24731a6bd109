#pragma once
//! Reads a complete sweep file (docs/OUTPUT.md "Sweep files") for `summary`
//! and `report`: its identity, the swept parameters and /runs/summary — the
//! mean and 95 % CI across replications of every metric at every grid point —
//! and /runs/index, each replication's value, for paired comparisons.
//! Metrics are found by name (every `<m>_mean` column), so metrics added to
//! the model later (profit, spend, …) appear without a change here.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace journeysim {

//! A metric across the replications of one grid point.
struct Band {
  double mean = 0.0, sd = 0.0, ci_low = 0.0, ci_high = 0.0;
};

struct SweepPoint {
  std::int64_t point = 0;
  std::string variant;
  std::int64_t replications = 0;
  std::vector<double> values;          //!< one per parameter
  std::map<std::string, Band> metrics; //!< by metric name
  //! Each metric's value in every replication (NaN where the index has none),
  //! from /runs/index: replication r ran on the same customers at every
  //! point, so two points are compared pair by pair.
  std::map<std::string, std::vector<double>> by_replication;
  //! The metric's band. @throws InputError Naming the metrics the file has, if absent.
  const Band& band(const std::string& metric) const;
};

struct SweepData {
  std::string path;
  std::string scenario_name, scenario_description, scenario_source, created_utc, journeysim_version;
  std::uint64_t seed = 0, agents = 0; //!< agents per run
  std::int64_t horizon_days = 0, replications = 0;
  std::vector<std::string> parameters; //!< swept paths
  std::vector<std::string> variants;   //!< in order of first appearance (the baseline first)
  std::vector<std::string> metrics;    //!< in column order
  std::vector<SweepPoint> points;      //!< by point, then variant
  std::int64_t unsettled_runs = 0;     //!< runs whose population feedback did not converge
  std::map<std::string, std::int64_t> unsettled_by_variant; //!< the same, per variant

  //! @throws InputError For an unknown metric (with a did-you-mean).
  void check_metric(const std::string& metric, const std::string& option) const;
  //! @throws InputError For an unknown variant (with a did-you-mean).
  void check_variant(const std::string& variant, const std::string& option) const;
};

//! True if `path` is an HDF5 file with root attribute kind = "sweep" (no throw).
bool is_sweep_file(const std::string& path);

//! @throws InputError One line naming the file if it is missing, not HDF5,
//!         not a journeysim sweep file, or incomplete (with what to do).
SweepData read_sweep(const std::string& path);

} // namespace journeysim
