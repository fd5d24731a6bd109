// Same seed ⇒ identical results for any thread count and chunk size
// (MODEL.md "Randomness").

#include "collecting_sink.h"

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace journeysim;

namespace {

Scenario default_scenario()
{
  return load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml");
}

template <class T> bool same_bits(const std::vector<T>& a, const std::vector<T>& b)
{
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

bool same_outcomes(const OutcomeColumns& a, const OutcomeColumns& b)
{
  return same_bits(a.final_stage, b.final_stage) && same_bits(a.lost, b.lost) &&
         same_bits(a.lost_day, b.lost_day) && same_bits(a.stage_day, b.stage_day) &&
         same_bits(a.purchases, b.purchases) && same_bits(a.revenue, b.revenue) &&
         same_bits(a.cost, b.cost) && same_bits(a.touches, b.touches) &&
         same_bits(a.cart_abandons, b.cart_abandons) && same_bits(a.mood, b.mood);
}

} // namespace

TEST_CASE("results are bit-identical for 1, 2 and 7 threads and any chunk size", "[determinism]")
{
  const Scenario s = default_scenario();
  struct Setting {
    int threads;
    std::size_t chunk;
  };
  const Setting settings[] = {{1, 32768}, {2, 1024}, {7, 4096}, {2, 100000}};
  std::vector<testing::CollectingSink> sinks(std::size(settings));
  std::vector<RunResult> results;
  for (std::size_t i = 0; i < std::size(settings); ++i) {
    RunOptions o;
    o.agents = 50000;
    o.threads = settings[i].threads;
    o.chunk_agents = settings[i].chunk;
    results.push_back(run(s, o, &sinks[i]));
  }
  const auto& ref = sinks[0];
  REQUIRE(ref.variants.size() == s.variants.size());
  REQUIRE(ref.variants[0].all.size == 50000);
  for (std::size_t i = 1; i < sinks.size(); ++i) {
    INFO("setting " << i);
    for (std::size_t v = 0; v < ref.variants.size(); ++v) {
      CHECK(same_outcomes(ref.variants[v].all, sinks[i].variants[v].all));
      CHECK(same_bits(ref.variants[v].persona, sinks[i].variants[v].persona));
      const auto& a = results[0].totals[v];
      const auto& b = results[i].totals[v];
      // Floating-point sums too, bit for bit.
      CHECK(std::memcmp(&a.revenue, &b.revenue, sizeof(double)) == 0);
      CHECK(std::memcmp(&a.cost, &b.cost, sizeof(double)) == 0);
      CHECK(std::memcmp(&a.mood_sum, &b.mood_sum, sizeof(double)) == 0);
      CHECK(a.in_stage == b.in_stage);
      CHECK(a.tally.exposures == b.tally.exposures);
      CHECK(a.tally.touches_by_kind == b.tally.touches_by_kind);
      CHECK(a.tally.mood_in == b.tally.mood_in);
      CHECK(a.tally.mood_out == b.tally.mood_out);
    }
  }
}

TEST_CASE("a different seed gives different customers", "[determinism]")
{
  const Scenario s = default_scenario();
  testing::CollectingSink a, b;
  RunOptions o;
  o.agents = 5000;
  o.variants = {0};
  run(s, o, &a);
  o.seed = s.seed + 1;
  o.seed_given = true;
  run(s, o, &b);
  CHECK_FALSE(same_bits(a.variants[0].persona, b.variants[0].persona));
  CHECK_FALSE(same_outcomes(a.variants[0].all, b.variants[0].all));
}
