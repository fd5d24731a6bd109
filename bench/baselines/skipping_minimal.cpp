// Anchor 3 for docs/PERFORMANCE.md, not part of the product: the least code
// that skips quiet days — naive_daily's model (same exposures, moods,
// checkout, advances and dropout; no repeat purchases, budgets, triggers,
// tallies or output) walked event to event as the engine walks it: one
// geometric draw of the quiet days per segment, one uniform for the first
// event of an eventful day, one per later event. It measures how far the
// engine's scalar kernel is from a bare loop over the same model, and how
// much of that bare loop the random numbers are:
//   skipping_minimal SCENARIO.yaml AGENTS [splitmix|philox]
// splitmix: a keyed 64-bit hash per draw (as naive_daily); philox: one
// Philox4x32-7 block per segment, the engine's generator. Single thread.
// Prints one JSON object.

#include "anchor_model.h"

#include "journeysim/rng/philox.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

using namespace journeysim;

namespace {

//! The four uniforms of one segment of one agent.
struct Draws {
  double quiet, first, decision, rest;
};

Draws splitmix_draws(std::uint64_t seed, std::uint64_t agent, std::uint32_t segment)
{
  Draws d{};
  double* out[4] = {&d.quiet, &d.first, &d.decision, &d.rest};
  for (std::uint64_t w = 0; w < 4; ++w) {
    std::uint64_t z = seed ^ (agent * 0x9E3779B97F4A7C15ull) ^ (std::uint64_t{segment} << 40) ^
                      ((w + 1) * 0xBF58476D1CE4E5B9ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    *out[w] = (static_cast<double>(z >> 11) + 0.5) * 0x1p-53;
  }
  return d;
}

Draws philox_draws(std::uint64_t seed, std::uint64_t agent, std::uint32_t segment)
{
  const rng::Counter c = rng::philox4x32<7>(
    {static_cast<std::uint32_t>(agent), static_cast<std::uint32_t>(agent >> 32), segment, 0},
    {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
  return {rng::to_unit(c[0]), rng::to_unit(c[1]), rng::to_unit(c[2]), rng::to_unit(c[3])};
}

} // namespace

int main(int argc, char** argv)
{
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: skipping_minimal SCENARIO.yaml AGENTS [splitmix|philox]\n");
    return 2;
  }
  const std::string generator = argc == 4 ? argv[3] : "splitmix";
  if (generator != "splitmix" && generator != "philox") {
    std::fprintf(stderr, "skipping_minimal: generator must be splitmix or philox\n");
    return 2;
  }
  const auto draws = generator == "philox" ? philox_draws : splitmix_draws;
  const AnchorModel anchor(argv[1]);
  const auto& [s, population, m] = anchor;
  const std::uint64_t n = std::stoull(argv[2]);
  const int K = static_cast<int>(m.stages.size());
  const int H = s.horizon_days;
  const double k = m.mood_effect;

  const auto start = std::chrono::steady_clock::now();
  AgentColumns agents;
  std::uint64_t conversions = 0, segments = 0;
  double generate_seconds = 0;
  const std::size_t block = 4096;
  for (std::uint64_t first = 0; first < n; first += block) {
    const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(block, n - first));
    const auto generating = std::chrono::steady_clock::now();
    population.generate(first, size, agents);
    generate_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - generating).count();
    for (std::size_t i = 0; i < size; ++i) {
      const std::uint64_t id = agents.id[i];
      const std::size_t p = agents.persona[i];
      const double patience = 2 * (1 - agents.patience[i]), tech = 2 * (1 - agents.tech_savvy[i]),
                   price = 2 * agents.price_sensitivity[i];
      double mood = m.mood0[p];
      int stage = 0, days_in_stage = 0, day = 0;
      bool cart = false, converted = false;
      std::uint32_t segment = 0;
      const auto drop_chance = [&] {
        return std::min(1.0, m.stages[static_cast<std::size_t>(stage)].dropout * patience * (1 - k * mood));
      };
      const auto targets = [&](const CompiledTouch& t) {
        return !(t.cart_abandoned_only && !cart) && days_in_stage >= t.min_days_in_stage;
      };
      // An exposure: mood, then the decision; true if the agent advanced.
      const auto expose = [&](const CompiledTouch& t, double u) {
        mood = std::clamp(mood + t.emotion, -1.0, 1.0);
        if (stage == K - 1)
          return false;
        bool advanced;
        if (t.checkout) {
          const double pass = 1 - std::min(1.0, t.step_abandon * tech);
          advanced = u < std::pow(pass, t.steps);
          cart = !advanced;
        } else {
          advanced = u < std::min(1.0, t.advance * (1 + k * mood) * (t.discount > 0 ? price : 1.0));
        }
        if (advanced) {
          ++stage;
          days_in_stage = -1;
          cart = false;
          if (m.stages[static_cast<std::size_t>(stage)].purchase)
            converted = true;
        }
        return advanced;
      };
      bool lost = false;
      while (day < H && !lost) {
        const auto& touches = m.stages[static_cast<std::size_t>(stage)].touches;
        // The segment: its touchpoints' chances, and when targeting changes.
        int until_change = H - day;
        double open = 1.0;
        for (int ti : touches) {
          const auto& t = m.touches[static_cast<std::size_t>(ti)];
          if (t.cart_abandoned_only && !cart)
            continue;
          if (days_in_stage < t.min_days_in_stage)
            until_change = std::min(until_change, t.min_days_in_stage - days_in_stage);
          else
            open *= 1 - m.exposure(p, static_cast<std::size_t>(ti));
        }
        const double drop = drop_chance();
        const double quiet = open * (1 - drop);
        const Draws u = draws(s.seed, id, segment++);
        ++segments;
        const double g = quiet >= 1.0 ? INFINITY : std::floor(std::log(u.quiet) / std::log(quiet));
        if (g >= until_change) {
          day += until_change;
          days_in_stage += until_change;
          continue;
        }
        day += static_cast<int>(g);
        days_in_stage += static_cast<int>(g);
        // The first event of the day, then one uniform for each later one.
        double x = u.first * (1 - quiet), none_yet = 1.0;
        int from = 0;
        bool exposed = false;
        for (; from < static_cast<int>(touches.size()); ++from) {
          const auto& t = m.touches[static_cast<std::size_t>(touches[static_cast<std::size_t>(from)])];
          if (!targets(t))
            continue;
          const double mass = none_yet * m.exposure(p, static_cast<std::size_t>(touches[static_cast<std::size_t>(from)]));
          if (x < mass) {
            exposed = true;
            break;
          }
          x -= mass;
          none_yet *= 1 - m.exposure(p, static_cast<std::size_t>(touches[static_cast<std::size_t>(from)]));
        }
        if (!exposed) {
          lost = drop > 0; // the dropout came first (else rounding: nothing happened)
          ++day;
          ++days_in_stage;
          continue;
        }
        double next = u.rest;
        std::uint32_t later = 0;
        for (bool advanced = expose(m.touches[static_cast<std::size_t>(touches[static_cast<std::size_t>(from)])], u.decision);
             !advanced;) {
          // Later touchpoints of the day, then the dropout, by one uniform.
          double none = 1.0;
          int hit = -1;
          for (int pos = from + 1; pos < static_cast<int>(touches.size()); ++pos) {
            const auto& t = m.touches[static_cast<std::size_t>(touches[static_cast<std::size_t>(pos)])];
            if (!targets(t))
              continue;
            const double q = m.exposure(p, static_cast<std::size_t>(touches[static_cast<std::size_t>(pos)]));
            if (next < none * q) {
              hit = pos;
              break;
            }
            next -= none * q;
            none *= 1 - q;
          }
          if (hit < 0) {
            lost = next < none * drop_chance();
            break;
          }
          const Draws more = draws(s.seed, id ^ (std::uint64_t{1} << 63), segment * 64 + later++);
          from = hit;
          advanced = expose(m.touches[static_cast<std::size_t>(touches[static_cast<std::size_t>(hit)])], more.decision);
          next = more.rest;
        }
        ++day;
        ++days_in_stage;
      }
      conversions += converted;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"baseline\": \"skipping_minimal_%s\", \"agents\": %llu, \"threads\": 1, \"seconds\": %.4f, "
              "\"agents_per_second\": %.1f, \"conversion_rate\": %.5f, \"segments_per_agent\": %.2f, "
              "\"generate_seconds\": %.4f}\n",
              generator.c_str(), static_cast<unsigned long long>(n), seconds, static_cast<double>(n) / seconds,
              static_cast<double>(conversions) / static_cast<double>(n),
              static_cast<double>(segments) / static_cast<double>(n), generate_seconds);
  return 0;
}
