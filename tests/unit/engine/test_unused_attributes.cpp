// A run whose sink reads no attribute column (RunOptions::attribute_columns
// false, run --summary-only) skips the attributes nothing uses and gives the
// same outcomes, bit for bit.

#include "collecting_sink.h"

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace journeysim;

TEST_CASE("skipping unused attributes changes no outcome", "[engine][determinism]")
{
  // age is targeted, income is not used by anything, patience by the engine.
  const Scenario s = parse_scenario(R"(
name: unused
horizon_days: 60
seed: 3
stages: [{name: a, dropout: 0.03}, {name: b, purchase: true}]
personas:
  - name: p
    share: 1
    attributes:
      age: {uniform: [18, 80]}
      income: {normal: [50, 10]}
      patience: {beta: [2, 3]}
touchpoints:
  - {name: older, channel: c, stages: [a], reach: 0.1, advance: 0.1, target: {age: {min: 40}}}
  - {name: all, channel: d, stages: [a], reach: 0.05, advance: 0.05}
)", "unused.yaml");
  RunOptions o;
  o.agents = 10000;
  o.threads = 2;
  testing::CollectingSink full, lean;
  const RunResult a = run(s, o, &full);
  o.attribute_columns = false;
  const RunResult b = run(s, o, &lean);
  CHECK(testing::same_outcomes(full.variants[0].all, lean.variants[0].all));
  CHECK(std::memcmp(&a.totals[0].revenue, &b.totals[0].revenue, sizeof(double)) == 0);
  CHECK(a.totals[0].tally.exposures == b.totals[0].tally.exposures);
  // Columns in order of appearance: age, income, patience.
  const std::size_t n = 10000;
  const auto& attrs = lean.variants[0].attributes;
  REQUIRE(attrs.size() == 3 * n);
  CHECK(std::isnan(attrs[n + 17]));            // income: not drawn
  CHECK(attrs[17] == full.variants[0].attributes[17]); // age: drawn
  CHECK(attrs[2 * n + 17] == full.variants[0].attributes[2 * n + 17]);
}
