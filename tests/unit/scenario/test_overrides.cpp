// Overrides (a sweep's grid point) change the baseline the way a variant's
// `set` would, every variant inherits them, and mistakes point at "--set".

#include "journeysim/error.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

using namespace journeysim;

namespace {
const std::string PATH = std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml";

const Touchpoint& touchpoint(const Model& m, const std::string& name)
{
  for (const auto& t : m.touchpoints)
    if (t.name == name)
      return t;
  FAIL("no touchpoint " << name);
  throw;
}
} // namespace

TEST_CASE("overrides change the baseline and every variant built on it", "[scenario][overrides]")
{
  const Scenario s = load_scenario(PATH, {{"touchpoints.checkout.checkout.step_abandon", "0.2"},
                                          {"stages.intent.dropout", "0.05"},
                                          {"personas.gen_z_mobile.share", "0.6"}});
  for (const auto& m : s.variants) {
    INFO(m.name);
    CHECK(touchpoint(m, "checkout").checkout->step_abandon == 0.2);
    CHECK(m.stages[static_cast<std::size_t>(m.stage_index("intent"))].dropout == 0.05);
    CHECK(m.personas[0].share == 0.6);
  }
  // The variant's own change still applies on top.
  CHECK(touchpoint(s.variants[static_cast<std::size_t>(s.variant_index("simplified_checkout"))], "checkout")
          .checkout->steps == 2);
  CHECK(touchpoint(s.baseline(), "checkout").checkout->steps == 5);
  // The file's text is kept as read.
  CHECK(s.source.find("step_abandon: 0.10") != std::string::npos);
}

TEST_CASE("a bad override is reported at --set with a did-you-mean", "[scenario][overrides]")
{
  try {
    load_scenario(PATH, {{"stages.intent.dropout", "0.1"}, {"touchpoints.chekout.reach", "0.2"}});
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(e.file() == "--set");
    CHECK(e.line() == 2);
    CHECK_THAT(e.message(), Catch::Contains("did you mean 'checkout'"));
  }
  try {
    load_scenario(PATH, {{"touchpoints.checkout.reach", "1.5"}});
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(e.file() == "--set");
    CHECK_THAT(e.message(), Catch::Contains("[0, 1]"));
  }
  CHECK_THROWS_AS(load_scenario(PATH, {{"horizon_days", "10"}}), ScenarioError);
  CHECK_THROWS_AS(load_scenario(PATH, {{"touchpoints.checkout.checkout.steps", "2.5"}}), ScenarioError);
}

TEST_CASE("a budget's total and per_day replace each other in a variant or an override", "[scenario][overrides]")
{
  const std::string base = R"(
name: b
horizon_days: 30
population: 1000
stages:
  - {name: aware, dropout: 0.02}
  - {name: bought, purchase: true}
personas: [{name: p, share: 1}]
touchpoints:
  - {name: ads, channel: social, stages: [aware], reach: 0.6, advance: 0.1,
     budget: {total: 3000, cost_per_exposure: 0.01}}
)";
  // A variant that states the money per day: the base's total gave way (50 × 30 days).
  const Scenario s = parse_scenario(base + "variants:\n  - name: daily\n    set: {touchpoints.ads.budget.per_day: 50}\n",
                                    "b.yaml");
  CHECK(touchpoint(s.baseline(), "ads").budget->total == 3000);
  CHECK(touchpoint(s.variants[1], "ads").budget->total == 1500);
  CHECK(touchpoint(s.variants[1], "ads").budget->cost_per_exposure == 0.01); // the rest of the budget stays
  // An override (a sweep's or optimize's lever) the same way: 40 a day over the 120 days.
  const Scenario o = load_scenario(PATH, {{"touchpoints.social_ads.budget.per_day", "40"}});
  CHECK(touchpoint(o.baseline(), "social_ads").budget->total == 4800);
  // Both in one set is a contradiction, at the line that says it.
  try {
    parse_scenario(base + "variants:\n  - name: daily\n    set: {touchpoints.ads.budget.per_day: 50, "
                          "touchpoints.ads.budget.total: 10}\n",
                   "b.yaml");
    FAIL("accepted a budget set both ways");
  } catch (const ScenarioError& e) {
    CHECK(e.line() == 14);
    CHECK(std::string(e.what()).find("total or per_day, not both") != std::string::npos);
  }
}
