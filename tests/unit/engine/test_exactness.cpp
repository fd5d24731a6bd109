// The engine against the exact dynamic programme (MODEL.md "Checking it
// exactly"): at 10^6 agents, the fraction reaching each stage and the
// fraction lost at each stage must lie within 4.5 standard errors.

#include "exact_model.h"

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace journeysim;

namespace {

void check_within_sampling_error(double simulated_count, double exact, double n, const std::string& what)
{
  const double se = std::sqrt(std::max(exact * (1 - exact), 1e-12) / n);
  const double z = (simulated_count / n - exact) / se;
  INFO(what << ": simulated " << simulated_count / n << ", exact " << exact << ", z = " << z);
  CHECK(std::abs(z) < 4.5);
}

void check_scenario(const std::string& file, rng::Stream stream = rng::DEFAULT_STREAM)
{
  Scenario s = load_scenario(std::string(JOURNEYSIM_TEST_DATA) + "/exact/" + file);
  for (Model& m : s.variants)
    m.random_stream = stream;
  RunOptions o;
  o.variants = {0};
  const RunResult r = run(s, o, nullptr);
  const auto& totals = r.totals[0];
  const double n = static_cast<double>(r.agents);
  REQUIRE(r.agents == 1000000);
  const testing::ExactFunnel exact = testing::exact_funnel(s.baseline(), s.horizon_days);
  std::int64_t lost_total = 0;
  for (std::size_t k = 0; k < s.baseline().stages.size(); ++k) {
    const std::string stage = file + " stage " + s.baseline().stages[k].name;
    check_within_sampling_error(static_cast<double>(totals.reached[k]), exact.reached[k], n, stage + " reached");
    std::int64_t lost = 0;
    for (int d = 0; d < s.horizon_days; ++d)
      lost += totals.lost[static_cast<std::size_t>(d) * totals.stages + k];
    lost_total += lost;
    check_within_sampling_error(static_cast<double>(lost), exact.lost[k], n, stage + " lost");
  }
  // Not a trivial case: a good share converts, some go all the way, many are lost.
  CHECK(exact.reached[static_cast<std::size_t>(s.baseline().first_purchase_stage())] > 0.01);
  CHECK(exact.reached.back() > 1e-4);
  CHECK(lost_total > r.agents / 10);
}

} // namespace

TEST_CASE("one persona matches the exact funnel", "[exact][slow]")
{
  check_scenario("single_persona.yaml");
}

TEST_CASE("personas with fixed attributes, affinities and moods match the exact funnel", "[exact][slow]")
{
  check_scenario("personas_fixed.yaml");
}

TEST_CASE("cart-abandon targeting (same day and next day) matches the exact funnel", "[exact][slow]")
{
  check_scenario("cart_targeting.yaml");
}

TEST_CASE("min_days_in_stage targeting with a discount matches the exact funnel", "[exact][slow]")
{
  check_scenario("dwell_discount.yaml");
}

TEST_CASE("the exact programme itself: a one-stage drop-out is geometric", "[exact]")
{
  const Scenario s = parse_scenario(R"(
name: t
horizon_days: 10
stages:
  - {name: a, dropout: 0.1}
  - {name: b, purchase: true}
personas: [{name: p, share: 1}]
touchpoints: [{name: x, channel: c, stages: [a], reach: 0.0, advance: 0.5}]
)", "inline.yaml");
  const auto f = testing::exact_funnel(s.baseline(), s.horizon_days);
  CHECK(f.lost[0] == Approx(1 - std::pow(0.9, 10)).epsilon(1e-12));
  CHECK(f.reached[1] == 0.0);
}

TEST_CASE("arrivals over time with a campaign calendar match the exact funnel", "[exact][slow]")
{
  check_scenario("arrivals_calendar.yaml");
}

TEST_CASE("campaigns moving reach match the exact funnel, one word per segment (stream 4)", "[exact][slow]")
{
  check_scenario("calendar_reach.yaml", rng::Stream::v4);
}

TEST_CASE("campaigns moving reach match the exact funnel, a segment per change (stream 3)", "[exact][slow]")
{
  check_scenario("calendar_reach.yaml", rng::Stream::v3);
}

TEST_CASE("a triggered, capped cart e-mail matches the exact funnel", "[exact][slow]")
{
  check_scenario("cart_trigger.yaml");
}

TEST_CASE("the exact programme: arrivals follow 1 - prod(1 - h)", "[exact]")
{
  const Scenario s = parse_scenario(R"(
name: t
horizon_days: 10
arrivals: {daily: 0.1}
calendar: [{name: c, from: 3, to: 4, arrivals: 5}]
stages:
  - {name: a, dropout: 0}
  - {name: b, purchase: true}
personas: [{name: p, share: 1}]
touchpoints: [{name: x, channel: c, stages: [a], reach: 0.0, advance: 0.5}]
)", "inline.yaml");
  const auto f = testing::exact_funnel(s.baseline(), s.horizon_days);
  CHECK(f.reached[0] == Approx(1 - std::pow(0.9, 8) * 0.5 * 0.5).epsilon(1e-12));
}
