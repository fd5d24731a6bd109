#pragma once
// The exact answer for MODEL.md's checkable subset, computed independently of
// the engine: a dynamic programme over days on the state (stage, days in
// stage, cart abandoned). Valid when every persona's engine attributes are
// fixed numbers and mood cannot change (mood_effect 0, or no emotions): then
// every daily probability is known exactly.

#include "journeysim/scenario/scenario.h"

#include <algorithm>
#include <cassert>
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

// One persona's funnel.
inline ExactFunnel exact_funnel(const Model& m, const Persona& persona, int horizon)
{
  const std::size_t K = m.stages.size();
  int cap = 0; // days_in_stage beyond the largest threshold behave alike
  for (const auto& t : m.touchpoints)
    cap = std::max(cap, t.target.min_days_in_stage);
  const std::size_t D = static_cast<std::size_t>(cap) + 1;
  const double patience = fixed_attribute(persona, "patience");
  const double tech = fixed_attribute(persona, "tech_savvy");
  const double price = fixed_attribute(persona, "price_sensitivity");
  const double mood = persona.mood; // constant: no emotion can move it here
  const double k = m.mood_effect;

  auto idx = [&](std::size_t s, std::size_t d, std::size_t c) { return (s * D + d) * 2 + c; };
  std::vector<double> mass(K * D * 2, 0.0), next(mass.size());
  ExactFunnel f{std::vector<double>(K, 0.0), std::vector<double>(K, 0.0)};
  mass[idx(0, 0, 0)] = 1.0;
  f.reached[0] = 1.0;

  for (int day = 0; day < horizon; ++day) {
    std::fill(next.begin(), next.end(), 0.0);
    for (std::size_t s = 0; s < K; ++s) {
      const bool last = s + 1 == K;
      for (std::size_t d = 0; d < D; ++d) {
        // w[c]: mass still walking the touchpoints with cart flag c.
        double w[2] = {mass[idx(s, d, 0)], mass[idx(s, d, 1)]};
        if (w[0] == 0.0 && w[1] == 0.0)
          continue;
        double advanced = 0.0;
        for (const auto& t : m.touchpoints) {
          if (std::find(t.stages.begin(), t.stages.end(), static_cast<int>(s)) == t.stages.end())
            continue;
          if (static_cast<int>(d) < t.target.min_days_in_stage)
            continue;
          const double q = std::min(1.0, t.reach * persona.affinity_for(t.channel));
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
          const double w0 = w[0], w1 = w[1];
          if (!t.target.cart_abandoned) {
            advanced += (w0 + w1) * q * p;
            if (t.checkout && !last) {
              w[0] = w0 * (1 - q);
              w[1] = w1 * (1 - q * p) + w0 * q * (1 - p);
            } else {
              w[0] = w0 * (1 - q * p);
              w[1] = w1 * (1 - q * p);
            }
          } else { // only agents whose cart was abandoned
            advanced += w1 * q * p;
            w[1] = w1 * (1 - q * p);
          }
        }
        if (!last && advanced > 0) {
          next[idx(s + 1, 0, 0)] += advanced;
          f.reached[s + 1] += advanced;
        }
        const double drop = std::min(1.0, m.stages[s].dropout * 2 * (1 - patience) * (1 - k * mood));
        const std::size_t d2 = std::min(d + 1, D - 1);
        for (std::size_t c = 0; c < 2; ++c) {
          f.lost[s] += w[c] * drop;
          next[idx(s, d2, c)] += w[c] * (1 - drop);
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
