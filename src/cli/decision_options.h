#pragma once
//! The options `summary` and `report` share to ask a sweep a decision:
//! --target, --minimize/--maximize, --change-cost, --customers, --variant.

#include "journeysim/experiment/sweep_decision.h"

#include <boost/program_options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace journeysim::cli {

//! The replications a sweep needs for intervals worth deciding on, as every
//! message that advises more says it.
constexpr int ADVISED_REPLICATIONS = 3;

void add_decision_options(boost::program_options::options_description& options);

//! The decision the options ask for, or nothing without --target,
//! --minimize or --maximize.
//! @throws InputError For a malformed or unknown metric, path or variant.
std::optional<Decision> decision_from(const boost::program_options::variables_map& vm, const SweepData& sweep);

//! --customers as Objective::scale: customers of the period ÷ `agents` per run (1 without it).
//! @throws InputError Outside 1 … 10^15.
double customers_scale(const boost::program_options::variables_map& vm, std::uint64_t agents);

//! The change costs for an objective on `metric` over `levers`: the scenario's
//! `change_costs:`, replaced by --change-cost (objective_change_costs).
std::vector<ChangeCost> change_costs_from(const boost::program_options::variables_map& vm, const std::string& metric,
                                          const std::string& scenario_source, const std::vector<std::string>& levers);

//! The variant the options name (default: the sweep's first, the baseline).
std::string decision_variant(const boost::program_options::variables_map& vm, const SweepData& sweep);

//! "touchpoints.checkout.checkout.steps = 3, touchpoints.cart_remarketing.reach = 0.1"
std::string setting_text(const SweepData& sweep, const SweepPoint& point);

//! One paragraph: the best option, what it reaches and costs, and the runner-up.
std::string decision_text(const SweepData& sweep, const Decision& d);

//! A metric's value for people: rates in %, others with ~4 significant digits.
std::string metric_text(const std::string& metric, double x);
//! A difference of `metric`: rates and ROI in percentage points (pp).
std::string difference_text(const std::string& metric, double x);

} // namespace journeysim::cli
