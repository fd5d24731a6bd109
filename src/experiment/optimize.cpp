#include "journeysim/experiment/optimize.h"

#include "journeysim/analysis/paired_stats.h"
#include "journeysim/error.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/experiment/sweep.h"
#include "journeysim/population/quantile_tables.h"
#include "journeysim/scenario/loader.h"

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

namespace journeysim {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

double metric_of(const Summary& s, const std::string& name)
{
  for (const auto& [n, v] : summary_metrics(s))
    if (n == name)
      return v;
  std::vector<std::string> names;
  for (const auto& [n, v] : summary_metrics(s))
    names.push_back(n);
  std::string list;
  for (const auto& n : names)
    list += (list.empty() ? "" : ", ") + n;
  throw InputError("no metric '" + name + "' (metrics: " + list + ")");
}

//! Evaluates settings on common random numbers, one replication at a time.
class Evaluator {
public:
  Evaluator(const std::string& path, const OptimizeOptions& o,
            const std::function<void(std::size_t, std::size_t)>& progress)
    : path_(path), o_(o), progress_(progress)
  {
    const Scenario plain = load_scenario(path);
    seed_ = o.seed_given ? o.seed : plain.seed;
    if (o.variant < 0 || static_cast<std::size_t>(o.variant) >= plain.variants.size())
      throw InputError("--variant: out of range");
    std::vector<std::string> paths;
    for (const Lever& l : o.levers)
      paths.push_back(l.path);
    check_levers_reach(plain.source, plain.variants[static_cast<std::size_t>(o.variant)].name, paths);
    for (std::size_t l = 0; l < o.levers.size(); ++l)
      for (const ChangeCost& c : o.objective.changes)
        if (c.path == o.levers[l].path)
          change_lever_.emplace_back(l, c);
    for (const ChangeCost& c : o.objective.changes)
      if (std::none_of(o.levers.begin(), o.levers.end(), [&](const Lever& l) { return l.path == c.path; }))
        throw InputError("--change-cost: " + c.path + " is not a lever");
  }

  //! Adds replications to `e` until it has `reps`.
  void extend(Evaluation& e, int reps)
  {
    std::vector<Override> overrides;
    for (std::size_t l = 0; l < o_.levers.size(); ++l)
      overrides.push_back({o_.levers[l].path, yaml_number(e.x[l])});
    Scenario scenario = load_scenario(path_, overrides);
    if (o_.random_stream)
      scenario.use_random_stream(*o_.random_stream);
    e.constraint.resize(o_.constraints.size());
    double change = 0;
    for (const auto& [l, c] : change_lever_)
      change += c.per_unit * std::abs(e.x[l] - c.today);
    while (static_cast<int>(e.objective.size()) < reps) {
      RunOptions ro;
      ro.agents = o_.agents;
      ro.seed = replication_seed(seed_, static_cast<int>(e.objective.size()));
      ro.seed_given = true;
      ro.threads = o_.threads;
      ro.variants = {o_.variant};
      ro.cancel = o_.cancel;
      ro.tables = tables_;
      const RunResult result = run(scenario, ro, nullptr);
      const Summary s = result.totals[0].summary();
      unsettled_ += !result.feedback[0].converged;
      const double m = o_.objective.for_period(metric_of(s, o_.objective.metric));
      e.objective.push_back(o_.objective.maximize ? m - change : m + change);
      for (std::size_t c = 0; c < o_.constraints.size(); ++c)
        e.constraint[c].push_back(o_.objective.for_period(o_.constraints[c].metric, metric_of(s, o_.constraints[c].metric)));
      ++runs_;
    }
    e.mean = std::accumulate(e.objective.begin(), e.objective.end(), 0.0) / static_cast<double>(e.objective.size());
    e.feasible = true;
    for (std::size_t c = 0; c < o_.constraints.size(); ++c) {
      const double mean = std::accumulate(e.constraint[c].begin(), e.constraint[c].end(), 0.0) /
                          static_cast<double>(e.constraint[c].size());
      e.feasible = e.feasible && (o_.constraints[c].at_least ? mean >= o_.constraints[c].value
                                                             : mean <= o_.constraints[c].value);
    }
    if (progress_)
      progress_(++evaluations_, runs_);
  }

  //! Better: feasible first, then defined (cost per conversion has none
  //! without a conversion), then by the objective's mean.
  bool better(const Evaluation& a, const Evaluation& b) const
  {
    if (a.feasible != b.feasible)
      return a.feasible;
    if (std::isnan(a.mean) != std::isnan(b.mean))
      return !std::isnan(a.mean);
    return o_.objective.maximize ? a.mean > b.mean : a.mean < b.mean;
  }

  std::size_t unsettled_runs() const { return unsettled_; }

private:
  std::string path_;
  const OptimizeOptions& o_;
  std::function<void(std::size_t, std::size_t)> progress_;
  std::uint64_t seed_ = 0;
  std::vector<std::pair<std::size_t, ChangeCost>> change_lever_;
  std::size_t evaluations_ = 0, runs_ = 0;
  std::size_t unsettled_ = 0; //!< runs whose population feedback did not converge
  std::shared_ptr<QuantileTables> tables_ = std::make_shared<QuantileTables>(); //!< built once for all runs
};

//! Paired difference best − e on their common replications, 95 % t interval.
void compare_with_best(const Evaluation& best, Evaluation& e)
{
  const analysis::ReplicationDifference d = analysis::paired_replications(best.objective, e.objective);
  e.diff = d.mean;
  e.diff_low = d.ci_low;
  e.diff_high = d.ci_high;
  // Not significant: the interval holds 0 (with one replication nothing is known: not equivalent). A
  // setting successive halving dropped has fewer replications: its wide interval does not make it as
  // good a choice as the survivors — it was dropped for looking worse — unless it did exactly as the
  // best on every replication they share.
  const bool as_many = e.objective.size() >= best.objective.size();
  e.equivalent = e.feasible && (&best == &e || (d.not_significant() && (as_many || (d.ci_low == 0 && d.ci_high == 0))));
}

OptimizeResult finish(OptimizeResult r, const Evaluator& ev)
{
  // A setting successive halving dropped early keeps the mean of its first
  // replications, which may be lucky: the best is among the settings with the
  // most replications (the last round's survivors), feasible ones first.
  const auto ranks_above = [&](const Evaluation& a, const Evaluation& b) {
    if (a.feasible != b.feasible)
      return a.feasible;
    if (a.objective.size() != b.objective.size())
      return a.objective.size() > b.objective.size();
    return ev.better(a, b);
  };
  for (std::size_t i = 1; i < r.evaluations.size(); ++i)
    if (ranks_above(r.evaluations[i], r.evaluations[r.best]))
      r.best = i;
  r.any_feasible = r.evaluations.empty() ? false : r.evaluations[r.best].feasible;
  r.unsettled_runs = ev.unsettled_runs();
  for (auto& e : r.evaluations)
    compare_with_best(r.evaluations[r.best], e);
  return r;
}

//! Why the scenario refuses the levers at `setting`, if it does.
//! @throws ScenarioError If the scenario itself is at fault, not a lever's value.
std::optional<ScenarioError> rejection(const std::string& path, const std::vector<Override>& setting)
{
  try {
    load_scenario(path, setting);
    return std::nullopt;
  } catch (const ScenarioError& e) {
    if (e.file() != "--set" || e.line() < 1 || static_cast<std::size_t>(e.line()) > setting.size())
      throw;
    return e;
  }
}

//! @throws InputError Naming the lever and its value, if the scenario refuses `setting`.
void check_setting(const std::string& path, const std::vector<Override>& setting)
{
  if (const auto e = rejection(path, setting)) {
    const Override& bad = setting[static_cast<std::size_t>(e->line() - 1)];
    throw InputError("--lever " + bad.path + " at " + bad.value + ": " + e->message());
  }
}

OptimizeResult successive_halving(const OptimizeOptions& o, Evaluator& ev)
{
  OptimizeResult r;
  std::vector<Parameter> grid_params;
  for (const Lever& l : o.levers)
    grid_params.push_back({l.path, l.values});
  for (const GridPoint& g : cartesian(grid_params)) {
    Evaluation e;
    for (std::size_t l = 0; l < g.size(); ++l)
      e.x.push_back(o.levers[l].values[g[l]]);
    r.evaluations.push_back(std::move(e));
  }
  std::vector<std::size_t> alive(r.evaluations.size());
  std::iota(alive.begin(), alive.end(), 0);
  int reps = std::min(2, o.replications);
  for (;;) {
    for (std::size_t i : alive)
      ev.extend(r.evaluations[i], reps);
    if (reps >= o.replications)
      break;
    std::stable_sort(alive.begin(), alive.end(), [&](std::size_t a, std::size_t b) {
      return ev.better(r.evaluations[a], r.evaluations[b]);
    });
    alive.resize(std::max<std::size_t>(1, (alive.size() + 1) / 2));
    reps = std::min(o.replications, 2 * reps);
    if (alive.size() == 1)
      reps = o.replications;
  }
  r.method = "successive halving over " + std::to_string(r.evaluations.size()) + " settings (2 → " +
             std::to_string(o.replications) + " replications, common random numbers)";
  return r;
}

struct NloptContext {
  const OptimizeOptions* o;
  Evaluator* ev;
  OptimizeResult* r;
  std::map<std::vector<double>, std::size_t> seen;
  std::exception_ptr error; //!< NLopt swallows exceptions: kept here, rethrown after
  const Evaluation& at(const double* x)
  {
    // COBYLA approaches a bound without reaching it (a reach of 2.3e-40 or
    // 4.5e-5 where the answer is "none"): within its tolerance of a bound
    // is the bound, which is then what is simulated, stored and printed.
    std::vector<double> key(x, x + o->levers.size());
    for (std::size_t l = 0; l < key.size(); ++l) {
      const Lever& lever = o->levers[l];
      const double near = o->tolerance * (lever.high - lever.low);
      key[l] = key[l] - lever.low <= near ? lever.low : lever.high - key[l] <= near ? lever.high : key[l];
    }
    const auto it = seen.find(key);
    if (it != seen.end())
      return r->evaluations[it->second];
    Evaluation e;
    e.x = key;
    ev->extend(e, o->replications);
    r->evaluations.push_back(std::move(e));
    seen[key] = r->evaluations.size() - 1;
    return r->evaluations.back();
  }
};

double nlopt_objective(unsigned n, const double* x, double*, void* data)
{
  auto* c = static_cast<NloptContext*>(data);
  (void)n;
  try {
    const double m = c->at(x).mean;
    return c->o->objective.maximize ? -m : m;
  } catch (...) {
    c->error = std::current_exception();
    throw nlopt::forced_stop();
  }
}

struct ConstraintRef {
  NloptContext* context;
  std::size_t index;
};

double nlopt_constraint(unsigned, const double* x, double*, void* data)
{
  auto* ref = static_cast<ConstraintRef*>(data);
  const Evaluation* found = nullptr;
  try {
    found = &ref->context->at(x);
  } catch (...) {
    ref->context->error = std::current_exception();
    throw nlopt::forced_stop();
  }
  const Evaluation& e = *found;
  const Target& t = ref->context->o->constraints[ref->index];
  const auto& v = e.constraint[ref->index];
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  // NLopt wants g(x) ≤ 0; scaled by the bound so the tolerances are relative.
  const double scale = std::max(std::abs(t.value), 1e-12);
  return (t.at_least ? t.value - mean : mean - t.value) / scale;
}

OptimizeResult cobyla(const OptimizeOptions& o, Evaluator& ev, const std::vector<double>& start)
{
  OptimizeResult r;
  const unsigned n = static_cast<unsigned>(o.levers.size());
  nlopt::opt opt(nlopt::LN_COBYLA, n);
  std::vector<double> lo, hi, step, xtol;
  for (const Lever& l : o.levers) {
    lo.push_back(l.low);
    hi.push_back(l.high);
    step.push_back(0.25 * (l.high - l.low));
    xtol.push_back(o.tolerance * (l.high - l.low));
  }
  opt.set_lower_bounds(lo);
  opt.set_upper_bounds(hi);
  opt.set_initial_step(step);
  opt.set_xtol_abs(xtol);
  opt.set_maxeval(o.max_evaluations);
  NloptContext context{&o, &ev, &r, {}, nullptr};
  opt.set_min_objective(nlopt_objective, &context);
  std::vector<ConstraintRef> refs;
  for (std::size_t c = 0; c < o.constraints.size(); ++c)
    refs.push_back({&context, c});
  for (auto& ref : refs)
    opt.add_inequality_constraint(nlopt_constraint, &ref, 1e-9);
  std::vector<double> x = start;
  double value = 0;
  try {
    opt.optimize(x, value);
  } catch (const nlopt::roundoff_limited&) {
    // Converged as far as the (piecewise constant) objective allows.
  } catch (const nlopt::forced_stop&) {
  } catch (const std::runtime_error&) {
    if (!context.error)
      throw;
  }
  if (context.error)
    std::rethrow_exception(context.error);
  r.method = "NLopt COBYLA, " + std::to_string(r.evaluations.size()) + " settings × " +
             std::to_string(o.replications) + " replications (common random numbers), tolerance " +
             yaml_number(o.tolerance) + " of each range";
  return r;
}

} // namespace

std::vector<std::pair<std::string, double>> summary_metrics(const Summary& s)
{
  return {{"conversions", static_cast<double>(s.conversions)},
          {"conversion_rate", s.conversion_rate},
          {"purchases", static_cast<double>(s.purchases)},
          {"revenue", s.revenue},
          {"cost", s.cost},
          {"cost_per_conversion", s.cost_per_conversion},
          {"roi", s.roi},
          {"cart_abandon_rate", s.cart_abandon_rate},
          {"mean_mood", s.mean_mood},
          // model v2 (docs/MODEL.md "Money", "Arrivals")
          {"profit", s.profit},
          {"planned_spend", s.planned_spend},
          {"clv_per_customer", s.clv_per_customer},
          {"conversion_rate_arrived", s.conversion_rate_arrived},
          {"conversion_rate_mature", s.conversion_rate_mature}};
}

Lever parse_lever(const std::string& spec)
{
  const std::string example = " (e.g. touchpoints.checkout.reach=0.05:0.5 for a range, or "
                              "touchpoints.checkout.checkout.steps=1:6:1 or =2,3,5 for choices)";
  const std::size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw InputError("--lever '" + spec + "': expected PATH=LOW:HIGH or PATH=VALUES" + example);
  Lever l;
  l.path = spec.substr(0, eq);
  const std::string v = spec.substr(eq + 1);
  if (std::count(v.begin(), v.end(), ':') == 1 && v.find(',') == std::string::npos) {
    const std::size_t colon = v.find(':');
    char* end = nullptr;
    l.low = std::strtod(v.c_str(), &end);
    const bool ok_low = end == v.c_str() + colon;
    l.high = std::strtod(v.c_str() + colon + 1, &end);
    if (!ok_low || *end != '\0' || !std::isfinite(l.low) || !std::isfinite(l.high) || !(l.low < l.high))
      throw InputError("--lever '" + spec + "': LOW:HIGH needs two numbers, LOW < HIGH" + example);
    return l;
  }
  try {
    l.values = parse_values(v);
  } catch (const InputError& e) {
    throw InputError("--lever '" + spec + "': " + e.what() + example);
  }
  return l;
}

OptimizeResult optimize(const std::string& path, const OptimizeOptions& o,
                        const std::function<void(std::size_t, std::size_t)>& progress)
{
  if (o.levers.empty())
    throw InputError("optimize: give at least one --lever");
  check_objective(o.objective);
  const bool continuous = o.levers.front().continuous();
  for (std::size_t i = 0; i < o.levers.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (o.levers[i].path == o.levers[j].path)
        throw InputError("--lever " + o.levers[i].path + ": given twice (one --lever per path)");
  for (const Lever& l : o.levers)
    if (l.continuous() != continuous)
      throw InputError("--lever: either every lever is a range LOW:HIGH (continuous) or every lever is a list "
                       "of choices; fix " + l.path + " to one value list (e.g. 2,3,5) or make all ranges");
  if (o.replications < 2 || o.replications > 1000)
    throw InputError("--replications: expected 2 to 1000 (the paired intervals need at least 2)");
  // Every setting must be a valid scenario: check the corners and each
  // lever's values now (exit 2 before running).
  std::vector<Override> lows, highs;
  for (const Lever& l : o.levers) {
    lows.push_back({l.path, yaml_number(continuous ? l.low : *std::min_element(l.values.begin(), l.values.end()))});
    highs.push_back({l.path, yaml_number(continuous ? l.high : *std::max_element(l.values.begin(), l.values.end()))});
  }
  check_setting(path, lows);
  check_setting(path, highs);
  for (std::size_t i = 0; i < o.levers.size(); ++i) {
    const Lever& l = o.levers[i];
    std::vector<Override> setting = lows;
    if (!continuous) {
      for (double v : l.values) {
        setting[i].value = yaml_number(v);
        check_setting(path, setting);
      }
      continue;
    }
    // COBYLA tries fractional values anywhere in a range: a parameter that
    // takes whole numbers (a fraction refused where its rounding is not)
    // needs whole-number choices instead.
    const double inside = l.low + 0.381966 * (l.high - l.low);
    std::vector<Override> rounded = setting;
    setting[i].value = yaml_number(inside);
    rounded[i].value = yaml_number(std::round(inside));
    if (!rejection(path, setting))
      continue;
    if (rejection(path, rounded))
      check_setting(path, setting); // another reason: in the scenario's own words
    throw InputError("--lever " + l.path + "=" + yaml_number(l.low) + ":" + yaml_number(l.high) + ": " + l.path +
                     " takes whole numbers, but a range LOW:HIGH is searched through fractions; give whole-number "
                     "choices as a list or FROM:TO:STEP (e.g. " + l.path + "=" + yaml_number(std::ceil(l.low)) + ":" +
                     yaml_number(std::floor(l.high)) + ":1)");
  }

  Evaluator ev(path, o, progress);
  OptimizeResult r;
  if (continuous) {
    std::vector<double> start;
    for (const Lever& l : o.levers)
      start.push_back(0.5 * (l.low + l.high));
    r = cobyla(o, ev, start);
  } else {
    r = successive_halving(o, ev);
  }
  for (const Target& t : o.constraints)
    r.metric_names.push_back(t.metric);
  return finish(std::move(r), ev);
}

} // namespace journeysim
