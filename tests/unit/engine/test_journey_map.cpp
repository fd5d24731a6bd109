// The journey-map aggregates (touches per stage and kind, mood on entering
// and leaving each stage per persona) agree with the per-agent columns.

#include "collecting_sink.h"

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <numeric>

using namespace journeysim;

TEST_CASE("emotion curve and touches by kind add up to the per-agent outcomes", "[journey-map]")
{
  const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml");
  testing::CollectingSink sink;
  RunOptions o;
  o.agents = 40000;
  o.variants = {0};
  const RunResult r = run(s, o, &sink);
  const auto& t = r.totals[0];
  const auto& agents = sink.variants[0];
  const std::size_t K = t.stages, P = t.personas;

  // Every touch is counted once, under its stage and kind.
  const auto touches = std::accumulate(agents.all.touches.begin(), agents.all.touches.end(), std::int64_t{0});
  CHECK(std::accumulate(t.tally.touches_by_kind.begin(), t.tally.touches_by_kind.end(), std::int64_t{0}) == touches);
  const auto pain = static_cast<std::size_t>(TouchKind::PainPoint);
  CHECK(t.tally.touches_by_kind[static_cast<std::size_t>(s.baseline().stage_index("intent")) * 4 + pain] > 0);

  // Everyone enters the first stage with the persona's mood.
  for (std::size_t p = 0; p < P; ++p)
    CHECK(t.tally.mood_in[p * K] ==
          Approx(static_cast<double>(t.reached_by_persona[p * K]) * s.baseline().personas[p].mood).margin(1e-6));

  // Leaving a stage by advancing is entering the next: what is left over is
  // the mood at the end of each journey.
  double out = 0, in_later = 0;
  for (std::size_t p = 0; p < P; ++p)
    for (std::size_t k = 0; k < K; ++k) {
      out += t.tally.mood_out[p * K + k];
      in_later += k > 0 ? t.tally.mood_in[p * K + k] : 0.0;
    }
  // (over the customers who arrived: the others never entered a stage).
  double final_mood = 0;
  for (std::size_t i = 0; i < agents.all.size; ++i)
    if (agents.all.arrival_day[i] >= 0)
      final_mood += agents.all.mood[i];
  CHECK(out - in_later == Approx(final_mood).margin(1e-3));
  // Pain points at the cart: customers leave the cart less happy than they came.
  const std::size_t intent = static_cast<std::size_t>(s.baseline().stage_index("intent"));
  double mood_in = 0, mood_out = 0;
  for (std::size_t p = 0; p < P; ++p) {
    mood_in += t.tally.mood_in[p * K + intent];
    mood_out += t.tally.mood_out[p * K + intent];
  }
  CHECK(mood_out < mood_in);
}
