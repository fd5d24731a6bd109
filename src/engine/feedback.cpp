#include "journeysim/engine/feedback.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace journeysim {

namespace {

//! Calendar factor of each day for arrivals, or for one touchpoint's reach.
std::vector<double> calendar_factor(const Model& model, std::size_t horizon, const std::string* touch)
{
  std::vector<double> f(horizon, 1.0);
  for (const auto& c : model.calendar) {
    double factor = touch ? 1.0 : c.arrivals;
    if (touch)
      for (const auto& [name, x] : c.reach)
        if (name == *touch)
          factor *= x;
    for (int d = std::max(0, c.from); d <= c.to && d < static_cast<int>(horizon); ++d)
      f[static_cast<std::size_t>(d)] *= factor;
  }
  return f;
}

double referral_rate(const Model& model, const Persona& p)
{
  return std::isnan(p.referral_rate) ? model.referrals.rate : p.referral_rate;
}

//! E of MODEL.md "Budgets": the exposures an unlimited budget would buy from
//! budgeted touchpoint `paced` (touch `ti`) on a day, given its audience.
double saturated_exposures(const CompiledModel& compiled, const FeedbackCurves& curves, int paced, std::size_t ti,
                           std::size_t day, double calendar)
{
  const std::size_t P = compiled.mood0.size(), H = compiled.horizon();
  double E = 0.0;
  for (std::size_t p = 0; p < P; ++p)
    E += static_cast<double>(curves.eligible[(static_cast<std::size_t>(paced) * P + p) * H + day]) *
         std::min(1.0, compiled.reach_affinity(p, ti) * calendar);
  return E;
}

} // namespace

std::vector<double> referral_contacts(const Model& model, const FeedbackCurves& curves, std::size_t horizon)
{
  std::vector<double> contacts(horizon, 0.0);
  if (curves.advocates.empty())
    return contacts;
  for (std::size_t p = 0; p < model.personas.size(); ++p) {
    const double q = referral_rate(model, model.personas[p]);
    for (std::size_t t = 0; t < horizon; ++t)
      contacts[t] += q * static_cast<double>(curves.advocates[p * horizon + t]);
  }
  return contacts;
}

DayTables day_tables(const Model& model, const CompiledModel& compiled, std::uint64_t agents, double budget_share,
                     const FeedbackCurves* curves)
{
  const std::size_t H = compiled.horizon();
  DayTables d;

  if (!model.arrivals.at_start) {
    // h(t) = 1 − (1 − min(1, p·c(t))) · exp(−contacts(t−1)/N)
    const std::vector<double> c = calendar_factor(model, H, nullptr);
    const std::vector<double> contacts =
      model.referrals.enabled && curves ? referral_contacts(model, *curves, H) : std::vector<double>(H, 0.0);
    d.log_waiting.resize(H);
    d.referral_share.resize(H);
    double log_waiting = 0.0;
    for (std::size_t t = 0; t < H; ++t) {
      const double external = std::min(1.0, model.arrivals.daily * c[t]);
      const double pressure = t > 0 ? contacts[t - 1] / static_cast<double>(agents) : 0.0;
      const double h = 1.0 - (1.0 - external) * std::exp(-pressure);
      log_waiting += std::log1p(-external) - pressure;
      d.log_waiting[t] = log_waiting;
      d.referral_share[t] = h > 0.0 ? -std::expm1(-pressure) / h : 0.0;
    }
  }

  const std::size_t V = compiled.varying.size();
  d.calendar.assign(V * H, 1.0);
  d.pacing.assign(V * H, 1.0);
  d.price.assign(V * H, 0.0);
  d.next_change.assign(V * H, std::numeric_limits<int>::max());
  for (std::size_t v = 0; v < V; ++v) {
    const auto ti = static_cast<std::size_t>(compiled.varying[v]);
    const Touchpoint& t = model.touchpoints[ti];
    const std::vector<double> cal = calendar_factor(model, H, &t.name);
    double* calendar = &d.calendar[v * H];
    double* pacing = &d.pacing[v * H];
    double* price = &d.price[v * H];
    std::copy(cal.begin(), cal.end(), calendar);
    std::fill(price, price + H, t.cost);
    const int paced = compiled.touches[ti].paced;
    if (paced >= 0 && curves) {
      // Pacing (MODEL.md "Budgets"): the day's budget b buys exposures at
      // base cost c from an audience whose saturated exposures are E;
      // x = b / (c·E), a share x / (1 + x) of the saturated reach is shown,
      // at c·(1 + x) per exposure, so the budget is spent in expectation.
      // (Shared instead by the days that have an audience, tiny late
      // audiences got whole days' money and the fixed point oscillated.)
      const double b = t.budget->total * budget_share / static_cast<double>(H);
      const double c0 = t.budget->cost_per_exposure;
      for (std::size_t day = 0; day < H; ++day) {
        const double E = saturated_exposures(compiled, *curves, paced, ti, day, calendar[day]);
        if (E > 0.0 && c0 > 0.0) {
          const double x = b / (c0 * E);
          pacing[day] = x / (1.0 + x);
          price[day] = c0 * (1.0 + x);
        } else {
          pacing[day] = E > 0.0 ? 1.0 : 0.0; // free exposures, or nobody to show it to
          price[day] = c0;
        }
      }
    } else if (paced >= 0) {
      std::fill(price, price + H, t.budget->cost_per_exposure);
    }
    // A paced touchpoint's day differs from the next; a calendar-only one
    // changes at campaign boundaries.
    int* next = &d.next_change[v * H];
    int change = static_cast<int>(H);
    for (std::size_t day = H; day-- > 0;) {
      next[day] = change;
      if (paced >= 0 || day == 0 || calendar[day] != calendar[day - 1])
        change = static_cast<int>(day);
    }
  }
  return d;
}

double budget_spend_error(const CompiledModel& compiled, const FeedbackCurves& priced, const FeedbackCurves& measured)
{
  const std::size_t H = compiled.horizon();
  const DayTables& days = compiled.days();
  double worst = 0.0;
  for (std::size_t k = 0; k < compiled.paced.size(); ++k) {
    const auto ti = static_cast<std::size_t>(compiled.paced[k]);
    const auto v = static_cast<std::size_t>(compiled.touches[ti].varying);
    // A day priced for an audience E_priced spends its budget times
    // E_measured / E_priced in expectation; a day priced for nobody spends
    // nothing whatever the pacing (days_without_audience() counts them).
    double error = 0.0;
    std::size_t priced_days = 0;
    for (std::size_t day = 0; day < H; ++day) {
      const double calendar = days.calendar[v * H + day];
      const double was = saturated_exposures(compiled, priced, static_cast<int>(k), ti, day, calendar);
      if (was > 0.0) {
        error += saturated_exposures(compiled, measured, static_cast<int>(k), ti, day, calendar) / was - 1.0;
        ++priced_days;
      }
    }
    worst = std::max(worst, priced_days > 0 ? std::abs(error) / static_cast<double>(priced_days) : 0.0);
  }
  return worst;
}

int days_without_audience(const FeedbackCurves& curves, std::size_t k, std::size_t personas, std::size_t horizon)
{
  int days = 0;
  for (std::size_t day = 0; day < horizon; ++day) {
    std::int64_t n = 0;
    for (std::size_t p = 0; p < personas; ++p)
      n += curves.eligible[(k * personas + p) * horizon + day];
    days += n == 0;
  }
  return days;
}

double curve_distance(const FeedbackCurves& a, const FeedbackCurves& b, std::size_t personas,
                      std::size_t horizon)
{
  double worst = 0.0;
  const auto per_day = [&](const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& y) {
    if (x.size() != y.size())
      return std::numeric_limits<double>::infinity();
    const std::size_t groups = horizon ? x.size() / horizon : 0;
    const std::size_t sets = personas ? groups / personas : 0;
    double w = 0.0;
    for (std::size_t s = 0; s < sets; ++s)
      for (std::size_t t = 0; t < horizon; ++t) {
        std::int64_t diff = 0;
        for (std::size_t p = 0; p < personas; ++p)
          diff += x[(s * personas + p) * horizon + t] - y[(s * personas + p) * horizon + t];
        w = std::max(w, std::abs(static_cast<double>(diff)));
      }
    return w;
  };
  worst = std::max(worst, per_day(a.advocates, b.advocates));
  worst = std::max(worst, per_day(a.eligible, b.eligible));
  return worst;
}

} // namespace journeysim
