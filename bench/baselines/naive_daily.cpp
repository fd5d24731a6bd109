// Anchor 2 for docs/PERFORMANCE.md, not part of the product: a
// straightforward C++ loop — one day at a time per agent, a keyed hash per
// random draw — over the same compiled model and population as the engine.
// Single thread, no output. Prints one JSON object.
//   naive_daily SCENARIO.yaml AGENTS

#include "anchor_model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

using namespace journeysim;

namespace {

// SplitMix64 finaliser over (seed, agent, day, what): a keyed uniform in (0, 1).
double keyed_uniform(std::uint64_t seed, std::uint64_t agent, int day, std::uint64_t what)
{
  std::uint64_t z = seed ^ (agent * 0x9E3779B97F4A7C15ull) ^ (static_cast<std::uint64_t>(day) << 40) ^
                    (what * 0xBF58476D1CE4E5B9ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (static_cast<double>(z >> 11) + 0.5) * 0x1p-53;
}

} // namespace

int main(int argc, char** argv)
{
  if (argc != 3) {
    std::fprintf(stderr, "usage: naive_daily SCENARIO.yaml AGENTS\n");
    return 2;
  }
  const AnchorModel anchor(argv[1]);
  const auto& [s, population, m] = anchor;
  const std::uint64_t n = std::stoull(argv[2]);
  const int K = static_cast<int>(m.stages.size());
  const double k = m.mood_effect;

  const auto start = std::chrono::steady_clock::now();
  AgentColumns agents;
  std::uint64_t conversions = 0;
  double revenue = 0;
  const std::size_t block = 4096;
  for (std::uint64_t first = 0; first < n; first += block) {
    const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(block, n - first));
    population.generate(first, size, agents);
    for (std::size_t i = 0; i < size; ++i) {
      const std::uint64_t id = agents.id[i];
      const std::size_t p = agents.persona[i];
      double mood = m.mood0[p];
      int stage = 0, days_in_stage = 0;
      bool cart = false, converted = false;
      for (int day = 0; day < s.horizon_days; ++day) {
        const auto& st = m.stages[static_cast<std::size_t>(stage)];
        bool advanced = false;
        for (int ti : st.touches) {
          const auto& t = m.touches[static_cast<std::size_t>(ti)];
          if ((t.cart_abandoned_only && !cart) || days_in_stage < t.min_days_in_stage)
            continue;
          if (keyed_uniform(s.seed, id, day, t.hash * 4ull) >= m.exposure(p, static_cast<std::size_t>(ti)))
            continue;
          mood = std::clamp(mood + t.emotion, -1.0, 1.0);
          if (stage == K - 1)
            continue;
          if (t.checkout) {
            const double pass = 1 - std::min(1.0, t.step_abandon * 2 * (1 - agents.tech_savvy[i]));
            advanced = true;
            for (int j = 0; j < t.steps && advanced; ++j)
              advanced = keyed_uniform(s.seed, id, day, t.hash * 4ull + 1 + (static_cast<std::uint64_t>(j) << 32)) < pass;
            cart = !advanced;
          } else {
            double a = t.advance * (1 + k * mood) * (t.discount > 0 ? 2 * agents.price_sensitivity[i] : 1.0);
            advanced = keyed_uniform(s.seed, id, day, t.hash * 4ull + 2) < std::min(1.0, a);
          }
          if (advanced) {
            ++stage;
            days_in_stage = -1;
            cart = false;
            if (m.stages[static_cast<std::size_t>(stage)].purchase && !converted) {
              converted = true;
              revenue += 1.0;
            }
            break;
          }
        }
        if (!advanced) {
          const double drop = st.dropout * 2 * (1 - agents.patience[i]) * (1 - k * mood);
          if (keyed_uniform(s.seed, id, day, 3) < std::min(1.0, drop))
            break;
        }
        ++days_in_stage;
      }
      conversions += converted;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"baseline\": \"naive_daily_cpp\", \"agents\": %llu, \"threads\": 1, \"seconds\": %.4f, "
              "\"agents_per_second\": %.1f, \"conversion_rate\": %.5f}\n",
              static_cast<unsigned long long>(n), seconds, static_cast<double>(n) / seconds,
              static_cast<double>(conversions) / static_cast<double>(n));
  return revenue < 0; // keep the loop observable
}
