#include "journeysim/experiment/sweep_decision.h"

#include "journeysim/analysis/paired_stats.h"
#include "journeysim/error.h"
#include "journeysim/scenario/vocabulary.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>

namespace journeysim {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

bool to_number(const std::string& text, double& out)
{
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && std::isfinite(out);
}

//! The objective of `o` in each replication: what Option::value is of the means.
std::vector<double> replication_values(const Decision& d, const Option& o)
{
  const auto it = o.point->by_replication.find(d.objective.metric);
  std::vector<double> v = it == o.point->by_replication.end() ? std::vector<double>() : it->second;
  for (double& x : v) {
    x = d.objective.for_period(x);
    x = d.objective.maximize ? x - o.change_cost : x + o.change_cost;
  }
  return v;
}

//! Each option against the best, pair by pair over the replications.
void compare_with_best(Decision& d)
{
  const Option* best = d.best();
  const std::vector<double> b = best ? replication_values(d, *best) : std::vector<double>();
  for (Option& o : d.options) {
    if (!best) {
      o.diff = o.diff_low = o.diff_high = NaN;
      continue;
    }
    const analysis::ReplicationDifference x = analysis::paired_replications(b, replication_values(d, o));
    o.diff = x.mean;
    o.diff_low = x.ci_low;
    o.diff_high = x.ci_high;
    o.equivalent = o.reaches && (&o == best || x.not_significant());
  }
}

} // namespace

Target parse_target(const std::string& text, const std::string& option)
{
  Target t;
  std::size_t op = text.find(">=");
  t.at_least = op != std::string::npos;
  if (!t.at_least)
    op = text.find("<=");
  std::string value = op == std::string::npos ? std::string() : text.substr(op + 2);
  const bool per_cent = !value.empty() && value.back() == '%';
  if (per_cent)
    value.pop_back();
  if (op == std::string::npos || op == 0 || !to_number(value, t.value))
    throw InputError(option + ": expected METRIC>=VALUE or METRIC<=VALUE (e.g. conversion_rate>=0.035 or "
                     "conversion_rate>=3.5%), got '" + text + "'");
  t.metric = text.substr(0, op);
  const bool rate = t.metric.find("rate") != std::string::npos;
  if (per_cent) {
    if (!rate && t.metric != "roi")
      throw InputError(option + " " + text + ": " + t.metric + " is not a rate or ROI, so it takes no %");
    t.value /= 100;
  }
  // A rate is a fraction, shown as a per-cent: 60 meant 60 % would hold for
  // every setting (≤) or none (≥) and decide nothing.
  if (rate && !(t.value >= 0 && t.value <= 1))
    throw InputError(option + " " + text + ": " + t.metric + " is a rate, a fraction from 0 to 1 (0.6 = 60 %, or "
                     "write 60%), got " + text.substr(op + 2));
  // ROI has no upper bound, but 150 for 150 % is the likelier slip than a
  // target of 15 000 %: above 1 000 % it must be written with its %.
  if (t.metric == "roi" && !per_cent && std::fabs(t.value) > 10)
    throw InputError(option + " " + text + ": roi is a fraction (1.5 = 150 %); write " + t.metric +
                     text.substr(op, 2) + value + "% if you meant " + value + " %");
  return t;
}

double scenario_value(const std::string& source, const std::string& path)
{
  try {
    YAML::Node node = YAML::Load(source);
    std::stringstream parts(path);
    std::string part;
    while (std::getline(parts, part, '.')) {
      if (node.IsSequence()) {
        YAML::Node found;
        for (const auto& item : node)
          if (item.IsMap() && item["name"] && item["name"].as<std::string>() == part)
            found.reset(item);
        if (!found)
          return NaN;
        node.reset(found);
      } else if (node.IsMap() && node[part]) {
        node.reset(node[part]);
      } else {
        return NaN;
      }
    }
    double v = NaN;
    return node.IsScalar() && to_number(node.Scalar(), v) ? v : NaN;
  } catch (const YAML::Exception&) {
    return NaN;
  }
}

ChangeCost parse_change_cost(const std::string& text, const std::string& source)
{
  ChangeCost c;
  const std::size_t eq = text.rfind('=');
  const std::string example = " (e.g. touchpoints.checkout.checkout.steps=20000, or …=20000@5 to state today's value)";
  if (eq == std::string::npos || eq == 0)
    throw InputError("--change-cost: expected PATH=AMOUNT or PATH=AMOUNT@TODAY" + example + ", got '" + text + "'");
  c.path = text.substr(0, eq);
  std::string amount = text.substr(eq + 1);
  const std::size_t at = amount.find('@');
  if (at != std::string::npos) {
    if (!to_number(amount.substr(at + 1), c.today))
      throw InputError("--change-cost " + text + ": today's value after @ is not a number" + example);
    amount.resize(at);
  } else {
    c.today = scenario_value(source, c.path);
    // Not written, but the scenario's change_costs may state it: the
    // command line replaces the amount, not what today is.
    if (std::isnan(c.today))
      for (const ChangeCost& stated : scenario_change_costs(source))
        if (stated.path == c.path)
          c.today = stated.today;
    if (std::isnan(c.today))
      throw InputError("--change-cost " + text + ": the scenario does not write a value at " + c.path +
                       "; state today's value as PATH=AMOUNT@TODAY");
  }
  if (!to_number(amount, c.per_unit))
    throw InputError("--change-cost " + text + ": the amount is not a number" + example);
  if (c.per_unit < 0)
    throw InputError("--change-cost " + text + ": the amount is a cost per unit the lever moves either way, so it "
                     "cannot be negative (it would pay for any move)");
  return c;
}

std::vector<ChangeCost> scenario_change_costs(const std::string& source)
{
  std::vector<ChangeCost> out;
  YAML::Node costs;
  try {
    const YAML::Node root = YAML::Load(source);
    if (!root.IsMap() || !root["change_costs"] || !root["change_costs"].IsMap())
      return out;
    costs = root["change_costs"];
  } catch (const YAML::Exception&) {
    return out;
  }
  for (const auto& item : costs) {
    ChangeCost c;
    c.path = item.first.Scalar();
    const YAML::Node v = item.second;
    bool ok = false;
    if (v.IsMap()) {
      ok = v["per_unit"] && to_number(v["per_unit"].Scalar(), c.per_unit);
      c.today = v["today"] && v["today"].IsScalar() && to_number(v["today"].Scalar(), c.today) ? c.today : NaN;
    } else if (v.IsScalar()) {
      ok = to_number(v.Scalar(), c.per_unit);
      c.today = NaN;
    }
    if (!ok)
      throw InputError("change_costs." + c.path + ": expected AMOUNT or {per_unit: AMOUNT, today: VALUE}");
    if (std::isnan(c.today))
      c.today = scenario_value(source, c.path);
    if (std::isnan(c.today))
      throw InputError("change_costs." + c.path + ": the scenario does not write today's value at " + c.path +
                       "; give it as {per_unit: AMOUNT, today: VALUE}");
    out.push_back(c);
  }
  return out;
}

std::vector<ChangeCost> merge_change_costs(std::vector<ChangeCost> stated, const std::vector<ChangeCost>& given)
{
  for (const ChangeCost& g : given) {
    const auto it = std::find_if(stated.begin(), stated.end(), [&](const ChangeCost& c) { return c.path == g.path; });
    if (it != stated.end())
      *it = g;
    else
      stated.push_back(g);
  }
  return stated;
}

bool is_total_metric(const std::string& metric)
{
  // The summary's sums over customers (MODEL.md "Summary metrics"), and
  // the comparison's totals (OUTPUT.md).
  static const char* const TOTALS[] = {"agents",   "conversions",   "purchases",      "revenue",
                                       "cost",     "discounts",     "profit",         "clv",
                                       "spend",    "planned_spend", "marketing_cost", "arrived",
                                       "referral_arrivals", "mature"};
  return std::find(std::begin(TOTALS), std::end(TOTALS), metric) != std::end(TOTALS);
}

void check_objective(const Objective& objective)
{
  if (!objective.changes.empty() && !is_total_metric(objective.metric))
    throw InputError("--change-cost: " + objective.metric +
                     " is not a total (a rate, ratio, per-customer or mood metric), so a one-off cost in money "
                     "cannot be added to it; decide on a total such as profit or cost, or leave out --change-cost");
}

std::vector<ChangeCost> objective_change_costs(const std::string& metric, const std::string& scenario_source,
                                               const std::vector<std::string>& levers,
                                               const std::vector<ChangeCost>& given)
{
  if (!is_total_metric(metric)) {
    Objective o;
    o.metric = metric;
    o.changes = given;
    check_objective(o);
    return {};
  }
  std::vector<ChangeCost> stated;
  for (const ChangeCost& c : scenario_change_costs(scenario_source))
    if (std::find(levers.begin(), levers.end(), c.path) != levers.end())
      stated.push_back(c);
  return merge_change_costs(stated, given);
}

std::string Objective::label(std::uint64_t agents) const
{
  std::string s = metric + (changes.empty() ? "" : maximize ? " − change costs" : " + change costs");
  if (agents > 0 && customers_given && is_total_metric(metric)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", std::round(scale * static_cast<double>(agents)));
    s += std::string(", totals for ") + buf + " customers";
  }
  return s;
}

const Option* Decision::best() const
{
  return !options.empty() && options.front().reaches ? &options.front() : nullptr;
}

std::string Decision::chosen() const
{
  // "cheapest" only when minimising: a maximised metric has change costs subtracted.
  return has_target && !objective.maximize ? "cheapest setting" : "best setting";
}

namespace {

//! The scenario's variants, or an empty node if it has none (or is not YAML).
YAML::Node variants_of(const std::string& scenario_source)
{
  try {
    const YAML::Node root = YAML::Load(scenario_source);
    if (root.IsMap() && root["variants"] && root["variants"].IsSequence())
      return root["variants"];
  } catch (const YAML::Exception&) {
    // the scenario was checked when it was loaded: nothing to add here
  }
  return YAML::Node();
}

struct Fixing {
  std::string by;    //!< the variant itself or a base it is built on
  std::string path;  //!< the lever or parameter
  bool sets = true;  //!< false: it removes the path's touchpoint
};

//! The first of `paths` that `variant` (or a base of it) sets or removes the touchpoint of.
std::optional<Fixing> fixing(const YAML::Node& variants, const std::string& variant,
                             const std::vector<std::string>& paths)
{
  const auto find = [&](const std::string& name) -> YAML::Node {
    for (const YAML::Node& item : variants)
      if (item.IsMap() && item["name"] && item["name"].IsScalar() && item["name"].Scalar() == name)
        return item;
    return YAML::Node();
  };
  std::string name = variant;
  for (int depth = 0; depth < 100; ++depth) { // bases form no cycle (the loader checks); bounded anyway
    const YAML::Node v = find(name);
    if (!v)
      return std::nullopt;
    for (const std::string& path : paths) {
      const YAML::Node set = v["set"];
      // A budget's total and per_day state the same money: setting either fixes both.
      const std::string sibling = vocabulary::other_budget_money(path);
      if (set && set.IsMap() && set[path])
        return Fixing{name, path, true};
      if (set && set.IsMap() && !sibling.empty() && set[sibling])
        return Fixing{name, sibling, true}; // what it sets, which the lever's value gives way to
      if (const YAML::Node removed = v["remove"] ? v["remove"]["touchpoints"] : YAML::Node(); removed && removed.IsSequence())
        for (const auto& t : removed)
          if (t.IsScalar() && path.rfind("touchpoints." + t.Scalar() + ".", 0) == 0)
            return Fixing{name, path, false};
    }
    if (!v["base"] || !v["base"].IsScalar())
      return std::nullopt;
    name = v["base"].Scalar();
  }
  return std::nullopt;
}

} // namespace

void check_levers_reach(const std::string& scenario_source, const std::string& variant,
                        const std::vector<std::string>& levers)
{
  if (const auto f = fixing(variants_of(scenario_source), variant, levers))
    throw InputError("--variant " + variant + ": " + (f->by == variant ? "it" : "its base '" + f->by + "'") +
                     (f->sets ? " sets " + f->path + " itself" : " removes the touchpoint of " + f->path) +
                     ", so the lever, which moves the baseline's value, does not change it there: every "
                     "setting is the same; decide on the baseline or a variant that leaves it");
}

std::vector<std::string> variants_setting(const std::string& scenario_source, const std::vector<std::string>& paths)
{
  std::vector<std::string> notes;
  const YAML::Node variants = variants_of(scenario_source);
  for (const YAML::Node& v : variants) {
    if (!v.IsMap() || !v["name"] || !v["name"].IsScalar())
      continue;
    const std::string name = v["name"].Scalar();
    for (const std::string& path : paths) // each path on its own: a variant may fix several
      if (const auto f = fixing(variants, name, {path}); f && f->sets)
        notes.push_back("variant '" + name + "' " + (f->by == name ? "" : "(through its base '" + f->by + "') ") +
                        "sets " + f->path + " itself");
  }
  return notes;
}

Decision decide(const SweepData& sweep, const std::string& variant, const Objective& objective, const Target* target)
{
  sweep.check_variant(variant, "--variant");
  check_levers_reach(sweep.scenario_source, variant, sweep.parameters);
  sweep.check_metric(objective.metric, objective.maximize ? "--maximize" : "--minimize");
  check_objective(objective);
  if (target)
    sweep.check_metric(target->metric, "--target");
  std::vector<std::size_t> lever;
  for (const auto& c : objective.changes) {
    const auto it = std::find(sweep.parameters.begin(), sweep.parameters.end(), c.path);
    if (it == sweep.parameters.end())
      throw InputError("--change-cost: " + c.path + " is not a swept parameter of '" + sweep.path + "'");
    lever.push_back(static_cast<std::size_t>(it - sweep.parameters.begin()));
  }
  Decision d;
  d.objective = objective;
  d.has_target = target != nullptr;
  if (target)
    d.target = *target;
  for (const SweepPoint& p : sweep.points) {
    if (p.variant != variant)
      continue;
    Option o;
    o.point = &p;
    o.metric = objective.for_period(p.band(objective.metric).mean);
    for (std::size_t i = 0; i < lever.size(); ++i)
      o.change_cost += objective.changes[i].per_unit * std::abs(p.values[lever[i]] - objective.changes[i].today);
    o.value = objective.maximize ? o.metric - o.change_cost : o.metric + o.change_cost;
    if (target) {
      const Band& b = p.band(target->metric);
      // With one replication there is no CI: the mean decides.
      const double side = objective.for_period(
        target->metric, target->at_least ? (std::isnan(b.ci_low) ? b.mean : b.ci_low)
                                         : (std::isnan(b.ci_high) ? b.mean : b.ci_high));
      o.reaches = target->at_least ? side >= target->value : side <= target->value;
    }
    d.options.push_back(o);
  }
  std::stable_sort(d.options.begin(), d.options.end(), [&](const Option& a, const Option& b) {
    if (a.reaches != b.reaches)
      return a.reaches;
    const double x = objective.maximize ? -a.value : a.value, y = objective.maximize ? -b.value : b.value;
    if (std::isnan(x) != std::isnan(y))
      return !std::isnan(x);
    return x < y;
  });
  compare_with_best(d);
  return d;
}

} // namespace journeysim
