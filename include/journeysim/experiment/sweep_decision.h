#pragma once
//! Decisions from a sweep (docs/USER_GUIDE.md "Decisions"): the cheapest grid
//! point that reaches a target, or the best one for any metric, counting the
//! one-off cost of moving each lever away from today's value. Metrics are
//! read by name, so `profit`, `spend` and later ones need no change here.

#include "journeysim/results/sweep_reader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace journeysim {

//! "conversion_rate>=0.035": a metric and a bound it must meet.
struct Target {
  std::string metric;
  bool at_least = true; //!< >= (else <=)
  double value = 0.0;
};
//! @throws InputError With an example, if the text is not METRIC>=VALUE or METRIC<=VALUE.
Target parse_target(const std::string& text, const std::string& option);

//! One-off cost of changing a lever: `per_unit` for every unit the value
//! moves away from `today` (either way). Written PATH=AMOUNT (today's value
//! read from the scenario) or PATH=AMOUNT@TODAY.
struct ChangeCost {
  std::string path;
  double per_unit = 0.0;
  double today = 0.0;
};
//! @throws InputError If malformed, or if today's value is neither given nor
//!         written in `scenario_source` at that path.
ChangeCost parse_change_cost(const std::string& text, const std::string& scenario_source);

//! The change costs a scenario states in its `change_costs:` section
//! (SCENARIO.md): PATH: AMOUNT (today's value read from the scenario) or
//! PATH: {per_unit: AMOUNT, today: VALUE}.
//! @throws InputError If today's value of a path is neither given nor written.
std::vector<ChangeCost> scenario_change_costs(const std::string& scenario_source);

//! `stated` with `given` (from the command line) replacing costs of the same path.
std::vector<ChangeCost> merge_change_costs(std::vector<ChangeCost> stated, const std::vector<ChangeCost>& given);

//! The value written at a `set` path (touchpoints.NAME.KEY[.SUBKEY], …; list
//! items by name) in a scenario's YAML text; NaN if it is not written there.
double scenario_value(const std::string& scenario_source, const std::string& path);

//! True for a total over the simulated customers — a count or a sum of money
//! (conversions, purchases, revenue, cost, profit, …) — which grows with
//! their number; false for rates, ratios, per-customer and mood metrics
//! (and names it does not know).
bool is_total_metric(const std::string& metric);

//! The change costs of an objective on `metric`: the scenario's
//! `change_costs:` for `levers`, replaced by `given` (the command line's).
//! A metric that is not a total takes none: the scenario's are left out,
//! and `given` is refused (money cannot be added to a rate).
//! @throws InputError Naming the metric, if `given` is not empty and it is not a total.
std::vector<ChangeCost> objective_change_costs(const std::string& metric, const std::string& scenario_source,
                                               const std::vector<std::string>& levers,
                                               const std::vector<ChangeCost>& given);

//! A lever moves the baseline's value; a variant that sets the path itself
//! (its `set:`, or that of a variant it is `base:`d on) or removes the
//! touchpoint keeps its own, so deciding on it by that lever would compare
//! settings that are all the same.
//! @throws InputError Naming the variant and the first such lever.
void check_levers_reach(const std::string& scenario_source, const std::string& variant,
                        const std::vector<std::string>& levers);

//! For each variant that sets one of `paths` itself (in its `set:` or that
//! of a base it is built on): "variant 'v' sets PATH itself". Such a
//! variant keeps its own value when the baseline's moves (a calibration's
//! fitted parameter): its difference from the baseline is no longer the
//! change it was written as.
std::vector<std::string> variants_setting(const std::string& scenario_source, const std::vector<std::string>& paths);

struct Objective {
  std::string metric = "cost";
  bool maximize = false;
  //! Customers of the period ÷ simulated agents per run: a total metric's
  //! mean is multiplied by this before the change costs are counted.
  double scale = 1.0;
  bool customers_given = false; //!< scale came from --customers
  std::vector<ChangeCost> changes;
  //! The objective's mean for the period decided on: scaled if it is a total.
  double for_period(double mean) const { return for_period(metric, mean); }
  //! Any metric's value for that period (a target's or a constraint's too).
  double for_period(const std::string& m, double value) const { return is_total_metric(m) ? value * scale : value; }
  //! What the objective's figures are, for a table's heading or a file:
  //! "profit − change costs, totals for 1000000 customers" (`agents` simulated
  //! per run; 0 leaves the customers out, for a column's heading).
  std::string label(std::uint64_t agents = 0) const;
};

//! @throws InputError If change costs (money) are to be counted towards a
//!         metric that is not a total.
void check_objective(const Objective& objective);

struct Option {
  const SweepPoint* point = nullptr;
  double metric = 0.0;      //!< Objective::for_period(mean)
  double change_cost = 0.0; //!< Σ per_unit · |value − today|
  double value = 0.0;       //!< metric + change cost (minimise) or metric − change cost (maximise)
  bool reaches = true;      //!< meets the target with 95 % confidence (its CI's far side); true without one
  //! The best's objective minus this one's, paired over their replications
  //! (the same customers), with its 95 % t interval; NaN without a best.
  double diff = 0.0, diff_low = 0.0, diff_high = 0.0;
  //! Reaches the target and is not significantly worse than the best (the
  //! interval holds 0): as good a choice as far as the sweep can tell.
  bool equivalent = false;
};

struct Decision {
  std::vector<Option> options; //!< every point of the variant: those that reach the target first, best first
  bool has_target = false;
  Target target;
  Objective objective;
  const Option* best() const; //!< null if none reaches the target
  //! What is chosen, as summary's answer and the report's heading say it:
  //! "cheapest setting" when minimising towards a target, else "best setting".
  std::string chosen() const;
};

//! @throws InputError For an unknown metric, variant or change-cost path.
Decision decide(const SweepData& sweep, const std::string& variant, const Objective& objective,
                const Target* target);

} // namespace journeysim
