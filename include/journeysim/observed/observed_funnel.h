#pragma once
//! The observed funnel (docs/CALIBRATION.md, "The observed-funnel file"): how
//! many customers reached each stage, optionally per persona, plus metric rows.
//! Written by `journeysim observe`, or by hand from a GA4 funnel exploration;
//! read by `journeysim calibrate --target`.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace journeysim {

struct ObservedStage {
  std::string persona; //!< "" = all customers
  std::string stage;
  std::int64_t reached = 0;
  int line = 0; //!< 1-based line in the file it was read from (0: not read)
};

struct ObservedMetric {
  std::string persona; //!< "" = all customers
  std::string name;    //!< e.g. cart_abandon_rate, repeat_purchase_rate
  double value = 0.0;
  int line = 0;
};

struct ObservedFunnel {
  std::string path; //!< file it was read from ("" if built in memory)
  std::vector<std::string> comments; //!< leading `#` lines, without the '#'
  std::vector<ObservedStage> stages; //!< in file order
  std::vector<ObservedMetric> metrics;
};

//! The first-purchase quantile a metric name stands for
//! (hours_to_first_purchase_p25 → 0.25), or −1 for any other name.
double first_purchase_quantile_of(const std::string& metric);

//! Read and check an observed-funnel file: counts are whole numbers ≥ 0, no
//! (persona, stage) twice; metrics are known names (customers, purchases,
//! cart_abandon_rate, repeat_purchase_rate, hours_to_first_purchase_pNN,
//! order_value_mean, order_value_sd) with values in range (rates in [0, 1],
//! counts whole, the rest ≥ 0; quantiles not decreasing).
//! @throws InputError "FILE:LINE:COLUMN: message".
ObservedFunnel read_observed_funnel(const std::string& path);
//! Same, from text; `path` is only used in messages.
ObservedFunnel parse_observed_funnel(const std::string& text, const std::string& path);

//! The file's text: comments, the `persona,stage,reached` section (no
//! persona column when every row is for all customers), the metric section.
void write_observed_funnel(std::ostream& out, const ObservedFunnel& funnel);

} // namespace journeysim
