#pragma once
//! Reads a results file written by `run` (docs/OUTPUT.md) for `compare`:
//! checks that it is a complete journeysim results file, lists its variants,
//! reads the stored comparison tables and aggregates, and streams per-agent
//! outcome columns chunk by chunk so comparisons can be recomputed.

#include "journeysim/analysis/paired_comparison.h"
#include "journeysim/engine/outcome_columns.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace journeysim {

//! A variant's aggregates as stored under /variants/<v>/.
struct StoredAggregates {
  std::vector<std::int64_t> reached;            //!< [K]
  std::vector<std::int64_t> reached_by_persona; //!< [P][K]
  std::vector<std::int64_t> exposures, advances; //!< [touchpoints]
  std::vector<double> touch_cost;                //!< [touchpoints]
  bool has_journey_map = false;
  std::vector<double> mood_in, mood_out;        //!< [P][K] (NaN where unreached)
  std::vector<std::int64_t> touches_by_kind;    //!< [K][4]
};

class ResultsReader {
public:
  //! @throws InputError If the file is missing, not HDF5 (or truncated), not a
  //!         journeysim results file (e.g. a sweep file) or incomplete.
  explicit ResultsReader(const std::string& path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  const std::string& path() const;
  const std::vector<std::string>& variants() const;   //!< in scenario order; [0] is the baseline
  const std::vector<std::string>& stages() const;
  const std::vector<std::string>& phases() const;     //!< per stage
  const std::vector<std::string>& personas() const;
  const std::vector<std::string>& touchpoints() const;
  std::uint64_t agents() const;
  int horizon_days() const;
  int conversion_stage() const; //!< first purchase stage, -1 if none
  bool per_agent() const;       //!< per-agent columns were written

  //! Index of `name` in variants().
  //! @throws InputError For an unknown name, with a did-you-mean hint.
  std::size_t variant_index(const std::string& name, const std::string& option) const;

  //! /comparison/<variant> was written (the first variant in the file is the baseline).
  bool has_comparison(const std::string& variant) const;
  //! The stored tables of /comparison/<variant>/ (empty breakdowns if absent).
  analysis::ComparisonTables comparison(const std::string& variant) const;

  StoredAggregates aggregates(const std::string& variant) const;

  //! Variants whose population feedback did not converge (feedback@converged
  //! = 0): their budgets' pacing and referrals are not settled.
  std::vector<std::string> unsettled() const;
  //! The run's `--set` overrides (PATH=VALUE), applied on top of the stored
  //! scenario text; empty for none and for files made before they were kept.
  std::vector<std::string> command_line_set() const;

  //! /attribution rows (`run --attribution`), empty if the file has none:
  //! group = touchpoint; baseline = with it, variant = without it,
  //! difference = baseline − without.
  std::vector<analysis::ComparisonRow> attribution() const;

  //! Recompute the comparison of `variant` against `baseline` from the
  //! per-agent columns, streaming `chunk_agents` agents at a time.
  //! @throws InputError If the file has no per-agent columns (--summary-only).
  analysis::ComparisonTables recompute(const std::string& baseline, const std::string& variant,
                                       std::size_t chunk_agents = 1u << 16) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace journeysim
