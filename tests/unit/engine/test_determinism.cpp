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

} // namespace

//! The same results for 1, 2 and 7 threads and any chunk size, and whether
//! the population feedback's passes keep the agents or generate them again.
static void check_any_threads(const Scenario& s)
{
  struct Setting {
    int threads;
    std::size_t chunk;
    std::uint64_t cache_bytes = RunOptions{}.population_cache_bytes;
  };
  const Setting settings[] = {{1, 32768}, {2, 1024}, {7, 4096}, {2, 100000}, {2, 4096, 0}};
  std::vector<testing::CollectingSink> sinks(std::size(settings));
  std::vector<RunResult> results;
  for (std::size_t i = 0; i < std::size(settings); ++i) {
    RunOptions o;
    o.agents = 50000;
    o.threads = settings[i].threads;
    o.chunk_agents = settings[i].chunk;
    o.population_cache_bytes = settings[i].cache_bytes;
    results.push_back(run(s, o, &sinks[i]));
  }
  const auto& ref = sinks[0];
  REQUIRE(ref.variants.size() == s.variants.size());
  REQUIRE(ref.variants[0].all.size == 50000);
  for (std::size_t i = 1; i < sinks.size(); ++i) {
    INFO("setting " << i);
    for (std::size_t v = 0; v < ref.variants.size(); ++v) {
      CHECK(testing::same_outcomes(ref.variants[v].all, sinks[i].variants[v].all));
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
      // Model v2: money sums, realised spend, arrivals, the feedback's fixed point.
      CHECK(std::memcmp(&a.discounts, &b.discounts, sizeof(double)) == 0);
      CHECK(std::memcmp(&a.clv, &b.clv, sizeof(double)) == 0);
      CHECK(std::memcmp(a.tally.spend.data(), b.tally.spend.data(), a.tally.spend.size() * sizeof(double)) == 0);
      CHECK(a.arrivals == b.arrivals);
      CHECK(a.advocates == b.advocates);
      CHECK(a.tally.eligible == b.tally.eligible);
      CHECK(results[0].feedback[v].passes == results[i].feedback[v].passes);
      CHECK(results[0].feedback[v].curves.advocates == results[i].feedback[v].curves.advocates);
      CHECK(results[0].feedback[v].curves.eligible == results[i].feedback[v].curves.eligible);
    }
  }
}

TEST_CASE("results are bit-identical for 1, 2 and 7 threads and any chunk size", "[determinism]")
{
  // The model-v1 shop (no population feedback); the default, model-v2 shop
  // has the same features as model_v2.yaml below, which runs in less time.
  check_any_threads(load_scenario(std::string(JOURNEYSIM_TEST_DATA) + "/legacy/checkout_what_if_v1.yaml"));
}

TEST_CASE("model v2 (arrivals, calendar, referrals, budgets, triggers, money): bit-identical for any threads",
          "[determinism]")
{
  Scenario s = load_scenario(std::string(JOURNEYSIM_TEST_DATA) + "/good/model_v2.yaml");
  REQUIRE(s.baseline().needs_feedback());
  check_any_threads(s);
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
  CHECK_FALSE(testing::same_outcomes(a.variants[0].all, b.variants[0].all));
}
