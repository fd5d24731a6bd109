#include "decision_options.h"

#include "cli_util.h"

#include "journeysim/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace po = boost::program_options;

namespace journeysim::cli {

void add_decision_options(po::options_description& options)
{
  options.add_options()
    ("target", po::value<std::string>(), "METRIC>=VALUE or METRIC<=VALUE that a setting must reach with 95 % "
                                         "confidence (e.g. conversion_rate>=0.035, or 3.5%; roi>=150%)")
    ("minimize", po::value<std::string>(), "the metric to make smallest among those settings (default with "
                                           "--target: cost)")
    ("maximize", po::value<std::string>(), "… or the metric to make largest (e.g. revenue, profit)")
    ("change-cost", po::value<std::vector<std::string>>()->composing(),
     "PATH=AMOUNT[@TODAY]: one-off cost per unit a swept lever moves away from today's value (read from the "
     "scenario, or given after @); repeatable")
    ("customers", po::value<double>(), "customers of the period the decision is for: a total (conversions, "
                                       "revenue, cost, profit, …) is scaled from the simulated agents to them "
                                       "before change costs are added; rates and ratios stay as they are")
    ("variant,v", po::value<std::string>(), "the variant to decide on (default: the baseline)");
}

std::string decision_variant(const po::variables_map& vm, const SweepData& sweep)
{
  if (!vm.count("variant"))
    return sweep.variants.front();
  const std::string v = vm["variant"].as<std::string>();
  sweep.check_variant(v, "--variant");
  return v;
}

double customers_scale(const po::variables_map& vm, std::uint64_t agents)
{
  if (!vm.count("customers"))
    return 1.0;
  const double c = vm["customers"].as<double>();
  if (!(c >= 1 && c <= 1e15))
    throw InputError("--customers: expected a number of customers from 1 to 1e15, got " + num(c));
  return c / static_cast<double>(agents);
}

std::vector<ChangeCost> change_costs_from(const po::variables_map& vm, const std::string& metric,
                                          const std::string& scenario_source, const std::vector<std::string>& levers)
{
  std::vector<ChangeCost> given;
  if (vm.count("change-cost"))
    for (const auto& spec : vm["change-cost"].as<std::vector<std::string>>())
      given.push_back(parse_change_cost(spec, scenario_source));
  return objective_change_costs(metric, scenario_source, levers, given);
}

std::optional<Decision> decision_from(const po::variables_map& vm, const SweepData& sweep)
{
  if (vm.count("minimize") && vm.count("maximize"))
    throw InputError("--minimize and --maximize: give one of them");
  if (!vm.count("target") && !vm.count("minimize") && !vm.count("maximize")) {
    if (vm.count("change-cost") || vm.count("customers"))
      throw InputError("--change-cost and --customers count towards a decision: add --target, --minimize or "
                       "--maximize");
    return std::nullopt;
  }
  Objective o;
  if (vm.count("maximize")) {
    o.metric = vm["maximize"].as<std::string>();
    o.maximize = true;
  } else if (vm.count("minimize")) {
    o.metric = vm["minimize"].as<std::string>();
  }
  o.scale = customers_scale(vm, sweep.agents);
  o.customers_given = vm.count("customers") > 0;
  o.changes = change_costs_from(vm, o.metric, sweep.scenario_source, sweep.parameters);
  std::optional<Target> target;
  if (vm.count("target"))
    target = parse_target(vm["target"].as<std::string>(), "--target");
  return decide(sweep, decision_variant(vm, sweep), o, target ? &*target : nullptr);
}

std::string difference_text(const std::string& metric, double x)
{
  // A difference of two per-cents is in percentage points, not per cent.
  if (!std::isnan(x) && (metric.find("rate") != std::string::npos || metric == "roi")) {
    char buf[64];
    std::snprintf(buf, sizeof buf, metric == "roi" ? "%.1f pp" : "%.3f pp", 100 * x);
    return buf;
  }
  return metric_text(metric, x);
}

std::string metric_text(const std::string& metric, double x)
{
  if (std::isnan(x))
    return "—";
  char buf[64];
  if (metric.find("rate") != std::string::npos || metric == "roi") { // fractions, shown as compare shows them
    std::snprintf(buf, sizeof buf, metric == "roi" ? "%.1f %%" : "%.3f %%", 100 * x);
    return buf;
  }
  const double a = std::abs(x);
  if (a == 0)
    return "0";
  if (a >= 1e15) { // beyond what a 64-bit count holds exactly: no thousands separators
    std::snprintf(buf, sizeof buf, "%.4g", x);
    return buf;
  }
  if (a >= 1000) {
    std::string s = x < 0 ? "-" : "";
    return s += thousands(static_cast<std::int64_t>(std::llround(a)));
  }
  std::snprintf(buf, sizeof buf, a >= 100 ? "%.1f" : a >= 1 ? "%.3f" : "%.4g", x);
  return buf;
}

std::string setting_text(const SweepData& sweep, const SweepPoint& point)
{
  std::string s;
  for (std::size_t i = 0; i < sweep.parameters.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", point.values[i]);
    s += (i ? ", " : "") + sweep.parameters[i] + " = " + buf;
  }
  return s;
}

std::string decision_text(const SweepData& sweep, const Decision& d)
{
  const Objective& o = d.objective;
  const std::string goal = (o.maximize ? "largest " : "smallest ") + o.metric +
                           (o.changes.empty() ? "" : std::string(o.maximize ? " minus" : " plus") + " change costs");
  const Option* best = d.best();
  if (!best) {
    std::string s = "no setting of the grid reaches " + d.target.metric + (d.target.at_least ? " ≥ " : " ≤ ") +
                    metric_text(d.target.metric, d.target.value) + " with 95 % confidence";
    if (!d.options.empty()) {
      // The closest one, for orientation.
      const SweepPoint* closest = nullptr;
      for (const auto& opt : d.options) {
        const double m = opt.point->band(d.target.metric).mean;
        if (!closest || (d.target.at_least ? m > closest->band(d.target.metric).mean
                                           : m < closest->band(d.target.metric).mean))
          closest = opt.point;
      }
      s += "; the closest is " + setting_text(sweep, *closest) + " (" + d.target.metric + " " +
           metric_text(d.target.metric, o.for_period(d.target.metric, closest->band(d.target.metric).mean)) + ")";
    }
    return s + ": widen the grid or lower the target";
  }
  std::string s = d.chosen() +
                  (d.has_target ? " that reaches " + d.target.metric + (d.target.at_least ? " ≥ " : " ≤ ") +
                                    metric_text(d.target.metric, d.target.value)
                                : std::string()) +
                  " (" + goal + "): ";
  s += setting_text(sweep, *best->point) + " — ";
  if (d.has_target) {
    const Band& b = best->point->band(d.target.metric);
    const auto shown = [&](double x) { return metric_text(d.target.metric, o.for_period(d.target.metric, x)); };
    s += d.target.metric + " " + shown(b.mean) +
         (std::isnan(b.ci_low) ? std::string() : " (95 % CI " + shown(b.ci_low) + " … " + shown(b.ci_high) + ")") + ", ";
  }
  s += o.metric + " " + metric_text(o.metric, best->metric);
  if (!o.changes.empty())
    s += (o.maximize ? " − change cost " : " + change cost ") + metric_text("cost", best->change_cost) + " = " +
         metric_text(o.metric, best->value);
  std::size_t reaching = 0;
  for (const auto& opt : d.options)
    reaching += opt.reaches;
  if (reaching > 1) {
    const Option& next = d.options[1];
    s += "; runner-up: " + setting_text(sweep, *next.point) + " (" + metric_text(o.metric, next.value) + ")";
    if (!std::isnan(next.diff_low)) {
      // How much better the best is, paired over the replications (the same customers).
      const double sign = o.maximize ? 1.0 : -1.0;
      const double lo = std::min(sign * next.diff_low, sign * next.diff_high),
                   hi = std::max(sign * next.diff_low, sign * next.diff_high);
      const std::string by = difference_text(o.metric, sign * next.diff) + " (95 % CI " +
                             difference_text(o.metric, lo) + " … " + difference_text(o.metric, hi) +
                             ", paired over the replications)";
      std::size_t equivalent = 0;
      for (const auto& opt : d.options)
        equivalent += opt.equivalent && &opt != best;
      if (next.equivalent)
        s += ", not significantly behind: the best is ahead of it by " + by + ", and " +
             std::to_string(equivalent) + " setting(s) are as good as the best within sampling error — choose among "
             "them on other grounds, or sweep with more replications to tell them apart";
      else
        s += ", significantly behind: the best is ahead of it by " + by;
    }
  }
  if (d.has_target)
    s += "; " + std::to_string(reaching) + " of " + std::to_string(d.options.size()) + " settings reach the target";
  if (!o.changes.empty() && !o.customers_given)
    s += " — the change costs are set against the totals of " + thousands(static_cast<std::int64_t>(sweep.agents)) +
         " simulated customers; give --customers for the customers the change would serve";
  // A budget lever's amounts are the scenario population's (MODEL.md): scaled
  // to --customers, the decision spends a multiple of the amounts it names.
  const bool budget_lever = std::any_of(sweep.parameters.begin(), sweep.parameters.end(), [](const std::string& p) {
    return p.find(".budget.") != std::string::npos;
  });
  const double population = scenario_value(sweep.scenario_source, "population");
  if (budget_lever && o.customers_given && population > 0) {
    const double customers = o.scale * static_cast<double>(sweep.agents);
    s += " — budgets are amounts for the scenario's population of " +
         thousands(static_cast<std::int64_t>(std::llround(population))) + " customers: for " +
         thousands(static_cast<std::int64_t>(std::llround(customers))) + " customers the decision spends " +
         num(customers / population) + " × the budget named";
  }
  // The decided variant's runs only: another variant's unsettled runs do not make this decision shaky.
  if (const auto it = sweep.unsettled_by_variant.find(best->point->variant); it != sweep.unsettled_by_variant.end())
    s += " — caution: the population feedback did not converge in " + std::to_string(it->second) + " of " +
         best->point->variant + "'s runs, so their figures are not settled; sweep again with a larger "
         "feedback.max_passes";
  if (best->point->replications < 2) // no interval: "reaches" and "best" are the point estimates' alone
    s += " — on one replication per setting, so without any interval: sampling noise could change this answer; "
         "run the sweep with -r " + std::to_string(ADVISED_REPLICATIONS) + " or more to know how sure it is";
  return s;
}

} // namespace journeysim::cli
