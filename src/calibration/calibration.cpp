#include "journeysim/calibration/calibration.h"

#include "journeysim/calibration/metric_target.h"
#include "journeysim/engine/runner.h"
#include "journeysim/error.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/population/quantile_tables.h"
#include "journeysim/scenario/loader.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <optional>
#include <tuple>

namespace journeysim {

namespace {

constexpr double CUT_95 = 3.841458820694124; //!< χ²₁ 0.95 quantile: the likelihood-ratio cut
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

struct Stopped {}; //!< Ctrl-C inside an evaluation

std::string fmt(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}


//! The simulated rates of the target's transitions at one parameter point.
struct Simulated {
  std::vector<double> rate; //!< reached[to] / reached[from]: the fitted transitions', then the shown ones
  std::vector<double> from; //!< simulated agents in `from`
  std::vector<MetricTerm> metrics; //!< per metric row of the target
};

class Objective {
public:
  Objective(const Scenario& scenario, const FunnelTarget& target, const std::vector<FreeParameter>& free,
            const CalibrationOptions& o)
    : scenario_(scenario), target_(target), free_(free), o_(o)
  {
    const std::size_t groups = scenario.baseline().personas.size() + 1;
    clock_stage_.assign(groups, -1);
    for (const MetricTarget& m : target.metrics)
      if (m.kind == MetricKind::FirstPurchaseQuantile)
        clock_stage_[m.persona < 0 ? groups - 1 : static_cast<std::size_t>(m.persona)] = m.clock_stage;
  }

  double theta(std::size_t i, double u) const { return free_[i].low + u * (free_[i].high - free_[i].low); }

  std::vector<double> values(const std::vector<double>& u) const
  {
    std::vector<double> v(u.size());
    for (std::size_t i = 0; i < u.size(); ++i)
      v[i] = theta(i, std::clamp(u[i], 0.0, 1.0));
    return v;
  }

  //! The scenario at a parameter point. A mistake (a PATH that names
  //! nothing, a value out of range) is an InputError naming the --free.
  Scenario scenario_at(const std::vector<double>& v) const
  {
    std::vector<Override> overrides;
    for (std::size_t i = 0; i < v.size(); ++i)
      overrides.push_back({free_[i].path, yaml_number(v[i])});
    try {
      Scenario s = parse_scenario(scenario_.source, scenario_.path, overrides);
      if (o_.random_stream)
        s.use_random_stream(*o_.random_stream);
      return s;
    } catch (const ScenarioError& e) {
      if (e.file() != "--set")
        throw;
      const std::size_t i = static_cast<std::size_t>(std::max(1, e.line())) - 1;
      throw InputError("--free " + free_[i].path + "=" + fmt(free_[i].low) + ":" + fmt(free_[i].high) + " (at " +
                       fmt(v[i]) + "): " + e.message());
    }
  }

  Simulated simulate(const std::vector<double>& u)
  {
    if (o_.cancel && o_.cancel->load())
      throw Stopped{};
    const Scenario s = scenario_at(values(u));
    RunOptions ro;
    ro.agents = o_.agents;
    ro.seed = o_.seed_given ? o_.seed : scenario_.seed; // the same customers at every point
    ro.seed_given = true;
    ro.threads = o_.threads;
    ro.variants = {0};
    ro.cancel = o_.cancel;
    ro.tables = tables_;
    RunResult r;
    // Metric rows need per-agent outcomes (purchases, days, revenue): a sink gathers them.
    std::optional<MetricSink> sink;
    if (!target_.metrics.empty())
      sink.emplace(s.baseline(), clock_stage_, s.horizon_days);
    try {
      r = run(s, ro, sink ? &*sink : nullptr);
    } catch (const Cancelled&) {
      throw Stopped{};
    }
    const VariantTotals& t = r.totals.front();
    const std::size_t K = t.stages;
    Simulated sim;
    if (sink) {
      MetricStatistics& st = sink->statistics;
      const std::size_t P = t.personas;
      st.reached.assign(P + 1, std::vector<std::int64_t>(K));
      for (std::size_t p = 0; p < P; ++p)
        std::copy_n(t.reached_by_persona.begin() + static_cast<std::ptrdiff_t>(p * K), K, st.reached[p].begin());
      st.reached[P] = t.reached;
      for (std::size_t i = 0; i < target_.metrics.size(); ++i)
        sim.metrics.push_back(evaluate_metric(target_.metrics, i, s.baseline(), st));
    }
    const auto add_rate = [&](const Transition& tr) {
      const auto count = [&](int k) {
        return static_cast<double>(tr.persona < 0 ? t.reached[k] : t.reached_by_persona[tr.persona * K + k]);
      };
      const double from = count(tr.from);
      sim.from.push_back(from);
      sim.rate.push_back(from > 0 ? count(tr.to) / from : 0.0);
    };
    for (const Transition& tr : target_.transitions)
      add_rate(tr);
    for (const Transition& tr : target_.shown) // after the fitted ones, which deviance() reads by index
      add_rate(tr);
    ++evaluations;
    if (phase_evaluations)
      ++*phase_evaluations;
    return sim;
  }

  //! Σ binomial deviance / (1 + n/m): dividing by 1 + n/m (m simulated
  //! agents in `from`) accounts for the simulation's own sampling error.
  double deviance(const Simulated& sim) const
  {
    double d = 0.0;
    for (std::size_t i = 0; i < target_.transitions.size(); ++i) {
      const Transition& t = target_.transitions[i];
      const double n = static_cast<double>(t.n);
      d += binomial_deviance(n, static_cast<double>(t.y), sim.rate[i]) / inflation(n, sim.from[i]);
    }
    for (const MetricTerm& m : sim.metrics)
      d += m.deviance;
    return d;
  }

  static double inflation(double n, double m) { return m > 0 ? 1.0 + n / m : 1.0; }

  //! Deviance at u, with bookkeeping of the best point and progress.
  double operator()(const std::vector<double>& u, const char* phase, bool fitting)
  {
    Simulated sim = simulate(u);
    const double d = deviance(sim);
    if (fitting && d < best) {
      best = d;
      best_u = u;
      best_simulated = std::move(sim);
    }
    if (o_.progress) {
      const std::vector<double> v = values(u);
      o_.progress({phase, evaluations, d, best, &v});
    }
    return d;
  }

  int evaluations = 0;
  //! The running phase's counter, counted as evaluations happen so that an
  //! interrupted phase's share is right too.
  int* phase_evaluations = nullptr;
  double best = std::numeric_limits<double>::infinity();
  std::vector<double> best_u;
  Simulated best_simulated; //!< at best_u (common random numbers: simulating it again gives the same)

private:
  const Scenario& scenario_;
  const FunnelTarget& target_;
  const std::vector<FreeParameter>& free_;
  const CalibrationOptions& o_;
  std::vector<int> clock_stage_; //!< per group: where the time to first purchase starts (−1: not needed)
  std::shared_ptr<QuantileTables> tables_ = std::make_shared<QuantileTables>(); //!< built once for all runs
};

//! Minimise f over the unit box with BOBYQA from `u` (changed in place).
//! Returns the minimum found. Rethrows Stopped.
double minimise(std::vector<double>& u, const std::function<double(const std::vector<double>&)>& f,
                int max_evaluations, double step, double tolerance, double f_tolerance = -1)
{
  if (u.empty())
    return f(u);
  nlopt::opt opt(nlopt::LN_BOBYQA, static_cast<unsigned>(u.size()));
  opt.set_lower_bounds(std::vector<double>(u.size(), 0.0));
  opt.set_upper_bounds(std::vector<double>(u.size(), 1.0));
  opt.set_xtol_abs(tolerance);
  opt.set_ftol_abs(f_tolerance >= 0 ? f_tolerance : tolerance);
  opt.set_maxeval(max_evaluations);
  opt.set_initial_step(std::vector<double>(u.size(), step));
  bool stopped = false;
  std::exception_ptr failure; // NLopt would turn any exception into a bare "nlopt failure"
  struct Data {
    const std::function<double(const std::vector<double>&)>* f;
    bool* stopped;
    std::exception_ptr* failure;
    nlopt::opt* opt;
  } data{&f, &stopped, &failure, &opt};
  opt.set_min_objective(
    [](const std::vector<double>& x, std::vector<double>&, void* p) {
      auto* d = static_cast<Data*>(p);
      try {
        return (*d->f)(x);
      } catch (const Stopped&) {
        *d->stopped = true;
      } catch (...) {
        *d->failure = std::current_exception();
      }
      d->opt->force_stop();
      return std::numeric_limits<double>::max();
    },
    &data);
  for (auto& x : u) // the start must lie within the bounds
    x = std::clamp(x, 0.0, 1.0);
  double fmin = 0.0;
  try {
    opt.optimize(u, fmin);
  } catch (const nlopt::forced_stop&) {
    stopped = stopped || !failure;
  } catch (const nlopt::roundoff_limited&) {
    // the best point so far is in u
  }
  if (failure)
    std::rethrow_exception(failure);
  if (stopped)
    throw Stopped{};
  return fmin;
}

//! x solving A x = b (Gaussian elimination, partial pivoting); empty if A is (nearly) singular.
std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b)
{
  const std::size_t n = b.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r][c]) > std::abs(a[p][c]))
        p = r;
    if (std::abs(a[p][c]) < 1e-12 * (std::abs(a[c][c]) + 1e-300) || a[p][c] == 0.0)
      return {};
    std::swap(a[p], a[c]);
    std::swap(b[p], b[c]);
    for (std::size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (std::size_t k = c; k < n; ++k)
        a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (std::size_t c = n; c-- > 0;) {
    double v = b[c];
    for (std::size_t k = c + 1; k < n; ++k)
      v -= a[c][k] * x[k];
    x[c] = v / a[c][c];
  }
  return x;
}

//! Eigenvalues (ascending) and eigenvectors (columns) of a small symmetric matrix (Jacobi rotations).
void symmetric_eigen(std::vector<std::vector<double>> a, std::vector<double>& values,
                     std::vector<std::vector<double>>& vectors)
{
  const std::size_t n = a.size();
  vectors.assign(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i)
    vectors[i][i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t q = p + 1; q < n; ++q)
        off += a[p][q] * a[p][q];
    if (off < 1e-30)
      break;
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t q = p + 1; q < n; ++q) {
        if (std::abs(a[p][q]) < 1e-300)
          continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (std::size_t k = 0; k < n; ++k) {
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < n; ++k) {
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (std::size_t k = 0; k < n; ++k) {
          const double vkp = vectors[k][p], vkq = vectors[k][q];
          vectors[k][p] = c * vkp - s * vkq;
          vectors[k][q] = s * vkp + c * vkq;
        }
      }
  }
  values.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    values[i] = a[i][i];
  // ascending order
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return values[x] < values[y]; });
  std::vector<double> sv(n);
  std::vector<std::vector<double>> svec(n, std::vector<double>(n));
  for (std::size_t j = 0; j < n; ++j) {
    sv[j] = values[order[j]];
    for (std::size_t k = 0; k < n; ++k)
      svec[k][j] = vectors[k][order[j]];
  }
  values = sv;
  vectors = svec;
}

} // namespace

bool metric_chosen(const std::vector<std::string>& chosen, const std::string& metric)
{
  for (const auto& c : chosen)
    if (c == "all" || c == metric ||
        (c == "hours_to_first_purchase" && first_purchase_quantile_of(metric) > 0))
      return true;
  return false;
}

double binomial_deviance(double n, double y, double p)
{
  p = std::clamp(p, 1e-12, 1.0 - 1e-12);
  double d = 0.0;
  if (y > 0)
    d += y * std::log(y / (n * p));
  if (n - y > 0)
    d += (n - y) * std::log((n - y) / (n * (1 - p)));
  return 2 * d;
}

CalibrationResult calibrate(const Scenario& scenario, const FunnelTarget& given_target,
                            const std::vector<FreeParameter>& free, const CalibrationOptions& o)
{
  // The metric rows not chosen by fit_metrics are only shown.
  FunnelTarget target = given_target;
  for (MetricTarget& m : target.metrics)
    if (has_term(m) && !metric_chosen(o.fit_metrics, m.row.name))
      m.not_fitted = m.kind == MetricKind::FirstPurchaseQuantile
                       ? "not chosen: the model's clock is days in stages, not the shop's hours; "
                         "--fit-metrics all fits it"
                       : "not chosen (--fit-metrics)";
  for (MetricTarget& m : target.metrics)
    if (has_term(m) && std::none_of(free.begin(), free.end(), [&](const FreeParameter& p) {
          return parameter_acts_on(scenario.baseline(), p.path, m);
        }))
      m.not_fitted = m.kind == MetricKind::OrderValue
                       ? "no free parameter is a discount or a persona's: shown, not fitted"
                       : "no free parameter acts on the stages it measures: shown, not fitted";
  if (free.empty())
    throw InputError("nothing to calibrate: give at least one --free PATH=LOW:HIGH (or a `calibrate:` list)");
  if (o.agents == 0)
    throw InputError("--agents: expected at least 1");
  const std::size_t k = free.size();
  Objective objective(scenario, target, free, o);
  CalibrationResult r;
  r.agents = o.agents;
  r.seed = o.seed_given ? o.seed : scenario.seed;

  // Start: the scenario's own values, pulled inside the bounds.
  std::vector<double> u(k);
  for (std::size_t i = 0; i < k; ++i) {
    const auto v = current_value(scenario.baseline(), free[i].path);
    const double start = v ? std::clamp(*v, free[i].low, free[i].high) : (free[i].low + free[i].high) / 2;
    u[i] = (start - free[i].low) / (free[i].high - free[i].low);
    r.parameters.push_back({free[i], start, start, NaN, NaN, false, false, false, ""});
  }
  // Both bounds must give a valid scenario (a PATH that names nothing fails here, before any simulation).
  {
    std::vector<double> lo(k), hi(k);
    for (std::size_t i = 0; i < k; ++i) {
      lo[i] = free[i].low;
      hi[i] = free[i].high;
    }
    objective.scenario_at(lo);
    objective.scenario_at(hi);
  }

  objective.phase_evaluations = &r.evaluations_fit;
  try {
    const auto fit = [&](const std::vector<double>& x) { return objective(x, "fit", true); };
    minimise(u, fit, o.max_evaluations, 0.1, 1e-4);
    // At a fixed seed the deviance is piecewise constant in the parameters,
    // with small dips a converged trust region can sit in far from the
    // optimum. While the fit is poor (deviance above the 99th percentile of
    // its chi-square) BOBYQA restarts from the best point with its first,
    // wide trust region, as long as that improves the deviance by more than
    // one (Py-BOBYQA's restarts for noisy objectives, Cartis et al. 2019).
    int observations = static_cast<int>(target.transitions.size());
    for (const MetricTarget& m : target.metrics)
      observations += has_term(m);
    const double poor = boost::math::quantile(boost::math::chi_squared(std::max(1, observations - static_cast<int>(k))), 0.99);
    for (int restart = 0; restart < 3 && objective.best > poor && objective.evaluations < o.max_evaluations; ++restart) {
      const double before = objective.best;
      std::vector<double> v = objective.best_u;
      minimise(v, fit, o.max_evaluations - objective.evaluations, 0.1, 1e-4);
      if (objective.best > before - 1.0)
        break;
    }
  } catch (const Stopped&) {
    r.interrupted = true;
  }
  if (objective.best_u.empty()) { // interrupted before the first evaluation
    r.evaluations = objective.evaluations;
    return r;
  }
  u = objective.best_u;
  const double best = objective.best;
  for (std::size_t i = 0; i < k; ++i) {
    r.parameters[i].value = objective.theta(i, u[i]);
    r.parameters[i].at_bound = u[i] < 1e-3 || u[i] > 1 - 1e-3;
  }

  // The fit per transition, at the estimate.
  const std::size_t T = target.transitions.size();
  auto fill_transitions = [&](const Simulated& sim) {
    r.transitions.clear();
    const auto add_fit = [&](const Transition& tr, std::size_t t, bool fitted) {
      const double n = static_cast<double>(tr.n), p = std::clamp(sim.rate[t], 1e-12, 1 - 1e-12);
      const double sd = std::sqrt(n * p * (1 - p) * Objective::inflation(n, sim.from[t]));
      r.transitions.push_back(
        {tr, sim.rate[t], sd > 0 ? (static_cast<double>(tr.y) - n * p) / sd : 0.0, sim.from[t], fitted});
    };
    for (std::size_t t = 0; t < T; ++t)
      add_fit(target.transitions[t], t, true);
    for (std::size_t s = 0; s < target.shown.size(); ++s)
      add_fit(target.shown[s], T + s, false);
  };
  // The metric rows at the estimate: a row with a term counts as one observation.
  for (std::size_t j = 0; j < target.metrics.size(); ++j) {
    const MetricTerm& m = objective.best_simulated.metrics[j];
    MetricFit f{target.metrics[j], m.simulated, m.residual, false};
    f.fitted = has_term(f.target) && !m.expected.empty();
    if (has_term(f.target) && !f.fitted)
      f.target.not_fitted = "no spread of order values to weigh it by (give order_value_sd)";
    if (f.target.kind == MetricKind::CartAbandon && f.target.not_fitted.empty())
      f.target.not_fitted = "fitted as the transition it is part of (above)";
    r.metrics.push_back(std::move(f));
  }
  auto set_goodness_of_fit = [&](double deviance) {
    int observations = static_cast<int>(T);
    for (const MetricFit& m : r.metrics)
      observations += m.fitted;
    r.deviance = deviance;
    r.degrees_of_freedom = observations - static_cast<int>(k);
    r.p_value = r.degrees_of_freedom > 0 ? boost::math::cdf(boost::math::complement(
                                             boost::math::chi_squared(r.degrees_of_freedom), std::max(0.0, deviance)))
                                         : NaN;
  };
  set_goodness_of_fit(best);
  if (r.interrupted) {
    r.evaluations = objective.evaluations;
    return r;
  }

  objective.phase_evaluations = &r.evaluations_information;
  try {
    const Simulated at = objective.best_simulated;
    fill_transitions(at);

    // Identifiability: the Fisher information of the transitions in the unit
    // scale, J = Σ n / (p(1−p)·inflation) · ∇p ∇pᵀ, from central differences.
    std::vector<std::vector<double>> grad(k, std::vector<double>(T, 0.0));
    // Metric rows' terms: J += Σ ∇(e/sd) ∇(e/sd)ᵀ over their expected values e (sd at the estimate).
    std::vector<std::vector<std::vector<double>>> metric_grad(k); // [parameter][metric][component]
    for (std::size_t i = 0; i < k; ++i) {
      const double h = 0.02;
      std::vector<double> a = u, b = u;
      a[i] = std::max(0.0, u[i] - h);
      b[i] = std::min(1.0, u[i] + h);
      const Simulated sa = objective.simulate(a), sb = objective.simulate(b);
      if (o.progress) {
        const std::vector<double> v = objective.values(b);
        o.progress({"information", objective.evaluations, objective.deviance(sb), best, &v});
      }
      for (std::size_t t = 0; t < T; ++t)
        grad[i][t] = (sb.rate[t] - sa.rate[t]) / (b[i] - a[i]);
      metric_grad[i].resize(r.metrics.size());
      for (std::size_t j = 0; j < r.metrics.size(); ++j) {
        const MetricTerm &ma = sa.metrics[j], &mb = sb.metrics[j], &m0 = at.metrics[j];
        if (!r.metrics[j].fitted || ma.expected.size() != m0.expected.size() || mb.expected.size() != m0.expected.size())
          continue;
        for (std::size_t c = 0; c < m0.expected.size(); ++c)
          metric_grad[i][j].push_back(m0.sd[c] > 0 ? (mb.expected[c] - ma.expected[c]) / m0.sd[c] / (b[i] - a[i]) : 0.0);
      }
    }
    std::vector<std::vector<double>> info(k, std::vector<double>(k, 0.0));
    for (std::size_t t = 0; t < T; ++t) {
      const double n = static_cast<double>(target.transitions[t].n);
      const double p = std::clamp(at.rate[t], 1e-9, 1 - 1e-9);
      const double w = n / (p * (1 - p) * Objective::inflation(n, at.from[t]));
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j)
          info[i][j] += w * grad[i][t] * grad[j][t];
    }
    // A metric row no free parameter moves is only shown: its term, constant, leaves D's goodness of fit.
    double constant = 0.0;
    for (std::size_t j = 0; j < r.metrics.size(); ++j) {
      if (!r.metrics[j].fitted)
        continue;
      double moved = 0.0;
      for (std::size_t i = 0; i < k; ++i)
        for (double g : metric_grad[i][j])
          moved = std::max(moved, std::abs(g));
      if (moved < 1e-9) {
        r.metrics[j].fitted = false;
        r.metrics[j].target.not_fitted = "no free parameter acts on it: shown, not fitted";
        constant += at.metrics[j].deviance;
        continue;
      }
      for (std::size_t c = 0; c < metric_grad[0][j].size(); ++c)
        for (std::size_t i = 0; i < k; ++i)
          for (std::size_t l = 0; l < k; ++l)
            info[i][l] += metric_grad[i][j][c] * metric_grad[l][j][c];
    }
    if (constant > 0)
      set_goodness_of_fit(best - constant);
    double largest = 0.0;
    for (std::size_t i = 0; i < k; ++i)
      largest = std::max(largest, info[i][i]);
    // Wald half-widths √(3.84 (J⁻¹)_ii), where each interval side's search starts (0.03 where J is singular).
    std::vector<double> wald(k, 0.03);
    auto conditional_widths = [&] {
      for (std::size_t i = 0; i < k; ++i)
        if (info[i][i] > 0)
          wald[i] = std::sqrt(CUT_95 / info[i][i]);
    };
    bool information_well_conditioned = true; // J can be inverted: the line method may be tried
    std::vector<std::size_t> active;
    for (std::size_t i = 0; i < k; ++i) {
      if (info[i][i] <= 1e-9 * largest || info[i][i] < 1e-6) {
        r.warnings.push_back(free[i].path + ": no effect on the observed stages near the fit: the data cannot "
                                            "identify it (fix it, or observe a stage it acts on); its scenario "
                                            "value is kept");
        // Where BOBYQA's steps left it says nothing about the data: not a fitted value.
        ParameterFit& p = r.parameters[i];
        p.kept = true;
        p.value = p.start;
        p.at_bound = false;
      } else {
        active.push_back(i);
      }
    }
    conditional_widths();
    information_well_conditioned = active.size() == k;
    if (active.size() >= 2) {
      // Scaled to unit diagonal, a near-zero eigenvalue is a direction the data cannot see.
      std::vector<std::vector<double>> c(active.size(), std::vector<double>(active.size()));
      for (std::size_t a = 0; a < active.size(); ++a)
        for (std::size_t b = 0; b < active.size(); ++b)
          c[a][b] = info[active[a]][active[b]] / std::sqrt(info[active[a]][active[a]] * info[active[b]][active[b]]);
      std::vector<double> ev;
      std::vector<std::vector<double>> vec;
      symmetric_eigen(c, ev, vec);
      // With an ill-conditioned J, the conditional width 1/√J_ii (the default below) is the safer guess.
      information_well_conditioned = information_well_conditioned && ev.front() > 0.01;
      if (information_well_conditioned)
        for (std::size_t a = 0; a < active.size(); ++a) {
          double inverse = 0.0; // (C⁻¹)_aa = Σ_j v_aj² / λ_j
          for (std::size_t j = 0; j < ev.size(); ++j)
            inverse += vec[a][j] * vec[a][j] / ev[j];
          wald[active[a]] = std::sqrt(CUT_95 * inverse / info[active[a]][active[a]]);
        }
      for (std::size_t j = 0; j < ev.size() && ev[j] < 0.01; ++j) {
        std::string names;
        int count = 0;
        for (std::size_t a = 0; a < active.size(); ++a)
          if (std::abs(vec[a][j]) > 0.25) {
            names += (names.empty() ? "" : " and ") + free[active[a]].path;
            ++count;
          }
        if (count >= 2)
          r.warnings.push_back(names + " are not separately identifiable: they act on the observed funnel "
                                       "only together (a flat direction of the likelihood, eigenvalue " +
                               fmt(std::max(0.0, ev[j])) + " of the scaled information); fix all but one");
      }
    }

    // 95 % intervals: where the profile deviance (D minimised over the other
    // parameters) rises by χ²₁(0.95) = 3.84 above its minimum. To first order
    // the profile runs along the straight line û_rest − J_rr⁻¹ J_ri (u_i − û_i):
    // each side is first sought on that line (one simulation per point, no
    // inner fit; the "line" method). Only a side where the line leaves the
    // box, meets a bound or does not settle, or a parameter of an
    // ill-conditioned J, is profiled point by point (inner fits).
    // J⁻¹ (column by column); empty when J is singular.
    std::vector<std::vector<double>> covariance;
    for (std::size_t c = 0; c < k && information_well_conditioned; ++c) {
      std::vector<double> unit(k, 0.0);
      unit[c] = 1.0;
      const std::vector<double> column = solve(info, unit);
      if (column.empty()) {
        covariance.clear();
        break;
      }
      covariance.resize(k, std::vector<double>(k));
      for (std::size_t j = 0; j < k; ++j)
        covariance[j][c] = column[j];
    }
    objective.phase_evaluations = &r.evaluations_intervals;
    if (o.intervals) {
      const bool well_conditioned = information_well_conditioned;
      for (std::size_t i = 0; i < k; ++i) {
        const std::string phase = "interval " + free[i].path;
        const std::string profile_phase = "profile " + free[i].path;
        // Where the others go as parameter i moves, to first order: the
        // conditional optimum û_rest − J_rr⁻¹ J_ri (u_i − û_i). It warm-starts
        // each profile point, so a short inner fit suffices.
        std::vector<double> rest_start, slope(k - 1, 0.0);
        std::vector<std::vector<double>> j_rr;
        std::vector<double> j_ri;
        for (std::size_t j = 0; j < k; ++j)
          if (j != i) {
            rest_start.push_back(u[j]);
            j_ri.push_back(-info[j][i]);
            j_rr.emplace_back();
            for (std::size_t l = 0; l < k; ++l)
              if (l != i)
                j_rr.back().push_back(info[j][l]);
          }
        bool slope_known = k == 1;
        if (k > 1)
          if (const auto x = solve(j_rr, j_ri); !x.empty()) {
            slope = x;
            slope_known = true;
          }
        auto predicted = [&](const std::vector<double>& from, double shift) {
          std::vector<double> out = from;
          for (std::size_t m = 0; m < out.size(); ++m)
            out[m] = std::clamp(out[m] + std::clamp(slope[m], -5.0, 5.0) * shift, 0.0, 1.0);
          return out;
        };
        // Which others the inner fits re-optimise: those correlated with
        // parameter i (|r| ≥ 0.3 in J⁻¹; all of them when J cannot be
        // inverted). The rest follow the linear path: they hardly move the
        // profile, and each freed parameter costs evaluations per point.
        std::vector<std::size_t> coupled; // indices into rest
        for (std::size_t j = 0, m = 0; j < k; ++j) {
          if (j == i)
            continue;
          const bool known = !covariance.empty() && covariance[i][i] > 0 && covariance[j][j] > 0;
          if (!known || std::abs(covariance[i][j]) >= 0.3 * std::sqrt(covariance[i][i] * covariance[j][j]))
            coupled.push_back(m);
          ++m;
        }
        auto profile = [&](double ui, std::vector<double>& rest) {
          std::vector<double> x;
          for (std::size_t m : coupled)
            x.push_back(rest[m]);
          auto f = [&](const std::vector<double>& y) {
            for (std::size_t c = 0; c < coupled.size(); ++c)
              rest[coupled[c]] = y[c];
            std::vector<double> full(k);
            for (std::size_t j = 0, m = 0; j < k; ++j)
              full[j] = j == i ? ui : rest[m++];
            return objective(full, profile_phase.c_str(), false);
          };
          // The cut needs the excess to ±0.02 of deviance, not the others to
          // a fine precision: a tolerance on D's scale, a tight one on x so
          // that it does not stop a steep direction early, few evaluations.
          const double excess = minimise(x, f, 2 * static_cast<int>(x.size()) + 8, 0.02, 1e-5, 0.02) - best;
          for (std::size_t c = 0; c < coupled.size(); ++c) // where the inner fit ended: the next point's start
            rest[coupled[c]] = std::clamp(x[c], 0.0, 1.0);
          return excess;
        };
        // The profile search of one side, from a first distance d: step
        // outward, each step's guess treating the profile as quadratic
        // (distance × √(3.84 / excess)), kept inside the bracket found so
        // far; done when the next guess moves by less than 5 % (or 6 steps).
        // Returns the edge's distance from û_i, and whether it is the bound.
        auto profile_side = [&](int side, double d) {
          ++r.profiled_sides;
          const double room = side < 0 ? u[i] : 1.0 - u[i];
          std::vector<double> rest = rest_start;
          double last = 0.0; // |u_i − û_i| of the last profile point
          d = std::min(std::clamp(d, 0.002, 0.5), room);
          double edge = NaN, inside = 0.0, outside = NaN;
          bool reached_bound = false;
          for (int step = 0; step < 6 && d > 0; ++step) {
            rest = predicted(rest, side * (d - last));
            last = d;
            const double excess = profile(u[i] + side * d, rest);
            if (excess < CUT_95) {
              inside = d;
              if (d >= room) {
                reached_bound = true;
                break;
              }
            } else {
              outside = d;
            }
            double next = excess > 0.01 ? d * std::sqrt(CUT_95 / excess) : 4 * d;
            next = std::min({next, 4 * d, room});
            if (!std::isnan(outside))
              next = std::clamp(next, inside + 0.05 * (outside - inside), outside - 0.05 * (outside - inside));
            edge = next;
            if (std::abs(next - d) <= 0.05 * d)
              break;
            d = next;
          }
          if (d <= 0 || reached_bound)
            return std::pair{room, true};
          return std::pair{edge, false};
        };
        // One side along the profile's linear path: where D on the line
        // û + (e_i + slope) t crosses the cut. √excess is linear in t for a
        // quadratic D, so each step solves for it: first from the Wald
        // half-width outward (t × √(3.84 / excess)), then, once the cut is
        // bracketed, by false position inside the bracket. Done when the
        // excess is within 10 % of 3.84 (at most 6 points). Nothing (profile
        // instead) when the line leaves the box or meets a bound, D falls
        // below its minimum along it, or it does not settle. `curved`: the
        // excess at the Wald half-width was outside 0.5–2 × 3.84, D is far
        // from quadratic there and the path may bend away from the line.
        auto line_side = [&](int side, bool& curved) -> std::optional<double> {
          const double room = side < 0 ? u[i] : 1.0 - u[i];
          const double root_cut = std::sqrt(CUT_95);
          double d = wald[i];
          if (!well_conditioned || !slope_known || !(d > 0))
            return std::nullopt;
          double lo = 0.0, g_lo = -root_cut, hi = NaN, g_hi = NaN; // g = √excess − √3.84
          for (int step = 0; step < 6; ++step) {
            if (d >= room)
              return std::nullopt;
            std::vector<double> full(k);
            for (std::size_t j = 0, m = 0; j < k; ++j) {
              if (j == i) {
                full[j] = u[i] + side * d;
                continue;
              }
              full[j] = rest_start[m] + slope[m] * side * d;
              if (full[j] < 0.0 || full[j] > 1.0)
                return std::nullopt;
              ++m;
            }
            const double excess = objective(full, phase.c_str(), false) - best;
            if (step == 0)
              curved = excess < 0.5 * CUT_95 || excess > 2 * CUT_95;
            if (excess < 0)
              return std::nullopt; // a better point than the fit's: the profile will find it
            if (std::abs(excess - CUT_95) <= 0.1 * CUT_95)
              return std::min(d * root_cut / std::sqrt(excess), room);
            const double g = std::sqrt(excess) - root_cut;
            (g < 0 ? lo : hi) = d;
            (g < 0 ? g_lo : g_hi) = g;
            if (std::isnan(hi))
              d = std::min(excess > 0.01 ? d * root_cut / std::sqrt(excess) : 4 * d, 4 * d);
            else
              d = std::clamp(lo - g_lo * (hi - lo) / (g_hi - g_lo), lo + 0.05 * (hi - lo), hi - 0.05 * (hi - lo));
          }
          return std::nullopt;
        };
        bool profiled = false;
        for (int side : {-1, +1}) {
          double edge = NaN;
          bool at_bound = false;
          bool curved = false;
          const auto line = line_side(side, curved);
          if (line && !curved) {
            edge = *line;
          } else {
            // The line's D is never below the profile's: its edge, if any, is
            // a close first guess from inside.
            profiled = true;
            std::tie(edge, at_bound) = profile_side(side, line ? *line : wald[i]);
          }
          const double v = objective.theta(i, std::clamp(u[i] + side * edge, 0.0, 1.0));
          (side < 0 ? r.parameters[i].low95 : r.parameters[i].high95) = v;
          (side < 0 ? r.parameters[i].low95_at_bound : r.parameters[i].high95_at_bound) = at_bound;
        }
        r.parameters[i].interval_method = profiled ? "profile" : "line";
        if (r.parameters[i].low95_at_bound && r.parameters[i].high95_at_bound)
          r.warnings.push_back(free[i].path + ": its 95 % interval spans the whole range " + fmt(free[i].low) + " to " +
                               fmt(free[i].high) + ": the data cannot pin it down");
      }
      r.intervals_done = true;
    }
  } catch (const Stopped&) {
    r.interrupted = true;
  }
  for (const auto& p : r.parameters)
    if (p.at_bound)
      r.warnings.push_back(p.parameter.path + ": fitted at its " +
                           (std::abs(p.value - p.parameter.low) < std::abs(p.value - p.parameter.high) ? "lower" : "upper") +
                           " bound " + fmt(p.value) +
                           ": the best fit may lie outside LOW:HIGH (widen it if the value is plausible)");
  r.evaluations = objective.evaluations;
  return r;
}

} // namespace journeysim
