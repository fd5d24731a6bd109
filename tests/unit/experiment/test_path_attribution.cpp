// Rule-based attribution on touch paths (experiment/path_attribution.h):
// the rules and the Markov removal effect against hand computations, and the
// recorded paths against the run's own outcomes.

#include "journeysim/experiment/path_attribution.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace journeysim;

TEST_CASE("rule-based attribution: last, first, linear and Markov by hand", "[experiment]")
{
  // Paths: a > b converts once; a alone fails once; b alone converts once.
  std::vector<PathCount> paths = {{{0, 1}, 1, 10.0, 0}, {{0}, 0, 0.0, 1}, {{1}, 1, 20.0, 0}};
  const RuleAttribution r = attribute_paths({"a", "b"}, paths);
  CHECK(r.last_touch == std::vector<double>{0, 2});
  CHECK(r.first_touch == std::vector<double>{1, 1});
  CHECK(r.linear == std::vector<double>{0.5, 1.5});
  // Markov: start → a 2/3, → b 1/3; a → b 1/2, → null 1/2; b → conversion 1.
  // P(conversion) = 2/3 · 1/2 + 1/3 = 2/3. Without a: 1/3 (effect 1/2);
  // without b: 0 (effect 1). Credits 2 · (1/2) / (3/2) and 2 · 1 / (3/2).
  CHECK(r.markov[0] == Approx(2.0 / 3.0).epsilon(1e-12));
  CHECK(r.markov[1] == Approx(4.0 / 3.0).epsilon(1e-12));
  // The ChannelAttribution file.
  std::ostringstream out;
  write_channel_attribution_paths(out, r);
  CHECK(out.str() == "path;total_conversions;total_conversion_value;total_null\n"
                     "a;0;0;1\n"
                     "a > b;1;10;0\n"
                     "b;1;20;0\n");
}

TEST_CASE("rule-based attribution: a loop and a repeated touch keep the Markov credits", "[experiment]")
{
  // a > a > b converts: the self-loop on a changes no absorption probability.
  const RuleAttribution once = attribute_paths({"a", "b"}, {{{0, 1}, 3, 0, 1}, {{1}, 1, 0, 1}});
  const RuleAttribution twice = attribute_paths({"a", "b"}, {{{0, 0, 1}, 3, 0, 1}, {{1}, 1, 0, 1}});
  CHECK(once.markov[0] == Approx(twice.markov[0]).epsilon(1e-9));
  CHECK(once.markov[1] == Approx(twice.markov[1]).epsilon(1e-9));
  CHECK(twice.linear[0] == Approx(2.0)); // 3 conversions × 2/3
  // Every rule hands out all 4 conversions.
  for (const auto* v : {&twice.last_touch, &twice.first_touch, &twice.linear, &twice.markov})
    CHECK((*v)[0] + (*v)[1] == Approx(4.0));
}

TEST_CASE("rule-based attribution: the recorded paths are the run's journeys", "[experiment]")
{
  const Scenario s = parse_scenario(R"(
name: paths
horizon_days: 40
seed: 3
stages:
  - {name: awareness, dropout: 0.02}
  - {name: interest, phase: pre_purchase, dropout: 0.03}
  - {name: purchase, phase: purchase, purchase: true, dropout: 0.01}
personas:
  - {name: p, share: 1, basket: {lognormal: [3, 0.5]}}
touchpoints:
  - {name: ads, channel: social, stages: [awareness], reach: 0.1, advance: 0.2, cost: 0.01}
  - {name: search, channel: search, stages: [awareness, interest], reach: 0.05, advance: 0.15}
  - {name: video, channel: video, stages: [interest], reach: 0.1, advance: 0.1}
  - {name: thanks, channel: email, stages: [purchase], reach: 0.5, advance: 0.1}
)", "paths.yaml");
  RunOptions o;
  o.agents = 20000;
  o.threads = 2;
  const RunResult run_result = run(s, o, nullptr);
  const Summary summary = run_result.totals[0].summary();
  const RuleAttribution r = path_attribution(s, o);
  std::int64_t conversions = 0;
  double value = 0;
  for (const PathCount& pc : r.paths) {
    conversions += pc.conversions;
    value += pc.value;
    // Paths stop at the conversion: never the post-purchase e-mail.
    for (std::uint16_t row : pc.path)
      CHECK(r.touchpoints[row] != "thanks");
  }
  // Every converter was moved by a touch, so has a path.
  CHECK(conversions == summary.conversions);
  CHECK(value == Approx(summary.revenue).epsilon(1e-12));
  double markov = 0;
  for (double c : r.markov)
    markov += c;
  CHECK(markov == Approx(static_cast<double>(conversions)));
  // Any thread count: the same paths and values.
  o.threads = 1;
  const RuleAttribution one = path_attribution(s, o);
  REQUIRE(one.paths.size() == r.paths.size());
  for (std::size_t i = 0; i < r.paths.size(); ++i) {
    CHECK(one.paths[i].path == r.paths[i].path);
    CHECK(one.paths[i].value == r.paths[i].value);
  }
}
