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
