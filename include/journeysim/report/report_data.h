#pragma once
//! What `journeysim report` shows, read from a results file (docs/OUTPUT.md):
//! the run's identity, and per variant its summary, funnel, journey map and
//! paired comparison with the baseline. Small: aggregates only, never the
//! per-agent columns, so a report of a 10^9-agent run reads in milliseconds.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace journeysim::report {

//! One row of /comparison/<variant>: variant − baseline on the same agents.
struct ComparisonRow {
  std::string metric;
  double baseline = 0.0, variant = 0.0, difference = 0.0;
  double ci_low = 0.0, ci_high = 0.0, p_value = 0.0;
  std::string method;
};

//! journey_map/ of a variant: means per persona and stage, exposures by kind.
struct JourneyMap {
  std::vector<double> mood_in, mood_out;     //!< [P][K], NaN where nobody entered
  std::vector<std::int64_t> touches_by_kind; //!< [K][4]: neutral, pain, success, truth
};

//! channels/ of a variant (model v2): spend per channel, planned and realised.
struct Spend {
  std::vector<std::string> channels;
  std::vector<double> spend, planned;
};

//! A persona's conversion change in a variant (paired, from /comparison).
struct PersonaChange {
  std::string persona;
  double difference = 0, ci_low = 0, ci_high = 0, p_value = 1;
};

struct VariantReport {
  std::string name, description;
  std::map<std::string, double> summary;         //!< the summary attributes
  std::vector<std::int64_t> reached;             //!< funnel/reached [K]
  std::vector<std::int64_t> reached_by_persona;  //!< funnel/by_persona [P][K]
  std::optional<JourneyMap> journey_map;         //!< absent in older files
  std::optional<Spend> spend;                    //!< absent in older files
  std::optional<std::vector<ComparisonRow>> comparison; //!< absent for the baseline / older files
  std::vector<PersonaChange> persona_conversion;  //!< by_persona conversion_rate rows (empty without)
  std::vector<double> touch_cost;                 //!< touchpoints/cost, aligned with ReportData::touchpoints
  //! Names of the variant's touchpoints acting in each stage, by kind [K][4]
  //! (from the stored scenario; empty if it cannot be read back).
  std::vector<std::vector<std::vector<std::string>>> touchpoints_by_stage_kind;

  double metric(const std::string& key) const; //!< NaN if the file lacks it
};

//! One fitted transition from the header comment `journeysim calibrate`
//! writes into a calibrated scenario (docs/CALIBRATION.md).
struct CalibrationRow {
  std::string persona; //!< "" = all customers
  std::string from, to;
  std::int64_t customers = 0, reached = 0; //!< observed n and y
  double fitted = 0.0;                     //!< the calibration's simulated rate
};

//! The calibration a scenario's source says it comes from (empty if none).
struct Calibration {
  std::vector<std::string> header;  //!< the comment lines, without "# "
  std::vector<CalibrationRow> rows;
};

//! Reads the header comment of a calibrated scenario's YAML text.
Calibration parse_calibration_header(const std::string& scenario_source);

inline constexpr double NAN_VALUE = std::numeric_limits<double>::quiet_NaN();

//! One touchpoint's value (/attribution): with it, without it, the increment.
struct TouchpointValue {
  std::string touchpoint;
  double conversions = 0, conversions_low = 0, conversions_high = 0;
  double revenue = 0, revenue_low = 0, revenue_high = 0;
  double cost = 0, cost_per_conversion = 0, roi = 0;
  //! Incremental profit (NaN in files written before it; CI NaN without a money model).
  double profit = NAN_VALUE, profit_low = NAN_VALUE, profit_high = NAN_VALUE;
  //! Conversions the usual rules credit to it (NaN in files without them).
  double last_touch = NAN_VALUE, first_touch = NAN_VALUE, linear = NAN_VALUE, markov = NAN_VALUE;
};

struct ReportData {
  std::string path;  //!< the results file, as given
  std::string scenario_name, scenario_description, scenario_path, scenario_sha256;
  std::vector<std::string> command_line_set; //!< the run's --set, PATH=VALUE each
  std::string created_utc, journeysim_version;
  std::string currency; //!< "" when the scenario gave none
  std::uint64_t seed = 0, population = 0;
  std::int64_t horizon_days = 0;
  std::vector<std::string> stages, phases, personas;
  std::vector<double> persona_shares;
  std::vector<std::string> touchpoints, touchpoint_channels; //!< /touchpoints (union of all variants)
  std::vector<VariantReport> variants; //!< the baseline first
  Calibration calibration;             //!< from the stored scenario source
  std::vector<TouchpointValue> touchpoint_values; //!< `run --attribution`; empty without
  std::vector<std::string> unsettled; //!< variants whose population feedback did not converge
};

//! Reads the aggregates of a complete results file.
//! @throws InputError One line naming the file, if it does not exist, is not
//!         HDF5 (or is truncated), is not a journeysim results file (a sweep
//!         file is refused too), is incomplete (`complete` != 1), or lacks
//!         a part the report needs.
ReportData read_report_data(const std::string& path);

} // namespace journeysim::report
