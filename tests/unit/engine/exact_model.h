#pragma once
// The exact answer for MODEL.md's checkable subset, computed independently of
// the engine: a dynamic programme over days on the state (stage, days in
// stage, cart abandoned). Valid when every persona's engine attributes are
// fixed numbers and mood cannot change (mood_effect 0, or no emotions): then
// every daily probability is known exactly.

#include "journeysim/scenario/scenario.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <vector>

namespace journeysim::testing {

struct ExactFunnel {
  std::vector<double> reached; // P(agent ever reaches stage k by day H-1)
  std::vector<double> lost;    // P(agent is lost from stage k by day H-1)
};

inline double fixed_attribute(const Persona& p, const char* name)
{
  for (const auto& a : p.attributes)
    if (a.name == name) {
      assert(a.distribution.kind == Distribution::Kind::Fixed);
      return a.distribution.a;
    }
  return 0.5;
}

// Daily external arrival probability h(t) = min(1, p·c(t)) (model v2, no
// referrals); empty when everyone arrives on day 0.
inline std::vector<double> arrival_hazard(const Model& m, int horizon)
{
  if (m.arrivals.at_start)
    return {};
  std::vector<double> c(static_cast<std::size_t>(horizon), 1.0);
  for (const auto& camp : m.calendar)
    for (int d = camp.from; d <= camp.to && d < horizon; ++d)
      c[static_cast<std::size_t>(d)] *= camp.arrivals;
  for (auto& x : c)
    x = std::min(1.0, m.arrivals.daily * x);
  return c;
}

// Campaign factor on one touchpoint's reach, per day (1 outside campaigns).
inline std::vector<double> reach_factor(const Model& m, const std::string& touch, int horizon)
{
  std::vector<double> f(static_cast<std::size_t>(horizon), 1.0);
  for (const auto& camp : m.calendar)
    for (const auto& [name, x] : camp.reach)
      if (name == touch)
        for (int d = camp.from; d <= camp.to && d < horizon; ++d)
          f[static_cast<std::size_t>(d)] *= x;
  return f;
}

// One persona's funnel. State: (stage, days in stage, cart flag, trigger
// state). At most one triggered touchpoint (trigger: cart_abandoned, in one
// stage, with delay_days δ and max_per_agent 0 or 1); its state g is 0 idle,
// 1 + k fires in k days (k = 0..δ+1), or δ + 3 spent (its cap is reached).
inline ExactFunnel exact_funnel(const Model& m, const Persona& persona, int horizon)
{
  const std::size_t K = m.stages.size();
  int cap = 0; // days_in_stage beyond the largest threshold behave alike
  const Touchpoint* trig = nullptr;
  for (const auto& t : m.touchpoints) {
    cap = std::max(cap, t.target.min_days_in_stage);
    if (t.trigger != Trigger::Daily) {
      assert(!trig && t.trigger == Trigger::CartAbandoned && t.stages.size() == 1 && t.max_per_agent <= 1 &&
             t.cooldown_days == 0);
      trig = &t;
    }
  }
  const std::size_t D = static_cast<std::size_t>(cap) + 1;
  const std::size_t delay = trig ? static_cast<std::size_t>(trig->delay_days) : 0;
  const std::size_t G = trig ? delay + 4 : 1, SPENT = delay + 3;
  const double patience = fixed_attribute(persona, "patience");
  const double tech = fixed_attribute(persona, "tech_savvy");
  const double price = fixed_attribute(persona, "price_sensitivity");
  const double mood = persona.mood; // constant: no emotion can move it here
  const double k = m.mood_effect;
  const std::vector<double> hazard = arrival_hazard(m, horizon);
  std::vector<std::vector<double>> factor; // [touchpoint][day]
  for (const auto& t : m.touchpoints)
    factor.push_back(reach_factor(m, t.name, horizon));

  auto idx = [&](std::size_t s, std::size_t d, std::size_t c, std::size_t g) { return ((s * D + d) * 2 + c) * G + g; };
  std::vector<double> mass(K * D * 2 * G, 0.0), next(mass.size());
  ExactFunnel f{std::vector<double>(K, 0.0), std::vector<double>(K, 0.0)};
  double waiting = 1.0; // not arrived yet
  if (hazard.empty()) {
    mass[idx(0, 0, 0, 0)] = 1.0;
    f.reached[0] = 1.0;
    waiting = 0.0;
  }

  for (int day = 0; day < horizon; ++day) {
    if (!hazard.empty()) { // arrivals walk from their arrival day on
      const double arriving = waiting * hazard[static_cast<std::size_t>(day)];
      mass[idx(0, 0, 0, 0)] += arriving;
      f.reached[0] += arriving;
      waiting -= arriving;
    }
    std::fill(next.begin(), next.end(), 0.0);
    for (std::size_t s = 0; s < K; ++s) {
      const bool last = s + 1 == K;
      for (std::size_t d = 0; d < D; ++d) {
        // w[c][g]: mass still walking the touchpoints with cart flag c, trigger state g.
        std::vector<double> w(2 * G);
        bool any = false;
        for (std::size_t c = 0; c < 2; ++c)
          for (std::size_t g = 0; g < G; ++g)
            any |= (w[c * G + g] = mass[idx(s, d, c, g)]) != 0.0;
        if (!any)
          continue;
        double advanced = 0.0;
        for (const auto& t : m.touchpoints) {
          if (std::find(t.stages.begin(), t.stages.end(), static_cast<int>(s)) == t.stages.end())
            continue;
          if (static_cast<int>(d) < t.target.min_days_in_stage)
            continue;
          const double q = std::min(1.0, t.reach * persona.affinity_for(t.channel) *
                                             factor[static_cast<std::size_t>(&t - m.touchpoints.data())]
                                                   [static_cast<std::size_t>(day)]);
          double p = 0.0;
          if (!last) {
            if (t.checkout) {
              const double step = 1.0 - std::min(1.0, t.checkout->step_abandon * 2 * (1 - tech));
              p = 1.0;
              for (int i = 0; i < t.checkout->steps; ++i)
                p *= step;
            } else {
              p = t.advance * (1 + k * mood) * (t.discount > 0 ? 2 * price : 1.0);
              p = std::min(1.0, p);
            }
          }
          const std::vector<double> w0 = w;
          std::fill(w.begin(), w.end(), 0.0);
          if (&t == trig) {
            // Fires today (g = 1); exposed and not advanced: spent (cap 1),
            // or still "fired today" (no new schedule until tomorrow).
            w = w0;
            for (std::size_t c = 0; c < 2; ++c) {
              if (t.target.cart_abandoned && c == 0)
                continue;
              const double x = w0[c * G + 1];
              advanced += x * q * p;
              w[c * G + 1] = x * (1 - q) + (t.max_per_agent == 1 ? 0.0 : x * q * (1 - p));
              if (t.max_per_agent == 1)
                w[c * G + SPENT] += x * q * (1 - p);
            }
            continue;
          }
          for (std::size_t g = 0; g < G; ++g) {
            const double a0 = w0[g], a1 = w0[G + g];
            if (t.target.cart_abandoned) { // only agents whose cart was abandoned
              advanced += a1 * q * p;
              w[g] += a0;
              w[G + g] += a1 * (1 - q * p);
            } else if (t.checkout && !last) {
              // A failed checkout sets the cart flag and schedules the
              // trigger (the day after, plus its delay) unless one is
              // pending, fired today or spent.
              advanced += (a0 + a1) * q * p;
              const std::size_t g2 = trig && g == 0 ? delay + 2 : g;
              w[g] += a0 * (1 - q);
              w[G + g] += a1 * (1 - q);
              w[G + g2] += (a0 + a1) * q * (1 - p);
            } else {
              advanced += (a0 + a1) * q * p;
              w[g] += a0 * (1 - q * p);
              w[G + g] += a1 * (1 - q * p);
            }
          }
        }
        if (!last && advanced > 0) {
          next[idx(s + 1, 0, 0, 0)] += advanced;
          f.reached[s + 1] += advanced;
        }
        const double drop = std::min(1.0, m.stages[s].dropout * 2 * (1 - patience) * (1 - k * mood));
        const std::size_t d2 = std::min(d + 1, D - 1);
        for (std::size_t c = 0; c < 2; ++c)
          for (std::size_t g = 0; g < G; ++g) {
            // End of day: a pending trigger comes a day closer; one that
            // fired today (g = 1) is gone.
            const std::size_t g2 = g == 0 || g == SPENT ? g : g == 1 ? 0 : g - 1;
            f.lost[s] += w[c * G + g] * drop;
            next[idx(s, d2, c, g2)] += w[c * G + g] * (1 - drop);
          }
      }
    }
    std::swap(mass, next);
  }
  return f;
}

// The population's funnel: the persona mix weighted by share.
inline ExactFunnel exact_funnel(const Model& m, int horizon)
{
  double total = 0;
  for (const auto& p : m.personas)
    total += p.share;
  ExactFunnel f{std::vector<double>(m.stages.size(), 0.0), std::vector<double>(m.stages.size(), 0.0)};
  for (const auto& p : m.personas) {
    const ExactFunnel one = exact_funnel(m, p, horizon);
    for (std::size_t s = 0; s < m.stages.size(); ++s) {
      f.reached[s] += p.share / total * one.reached[s];
      f.lost[s] += p.share / total * one.lost[s];
    }
  }
  return f;
}

} // namespace journeysim::testing
