// Each engine attribute and the mood act in the documented direction, by the
// documented factor (MODEL.md "Agents"). Measured on day 0, where every
// probability is exactly one formula.

#include "collecting_sink.h"

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace journeysim;

namespace {

struct DayZero {
  std::vector<double> advanced, lost; // per persona: fraction on day 0
};

DayZero day_zero(const std::string& text)
{
  const Scenario s = parse_scenario(text, "effects.yaml");
  testing::CollectingSink sink;
  RunOptions o;
  o.agents = 200000;
  run(s, o, &sink);
  const auto& v = sink.variants[0];
  const std::size_t P = s.baseline().personas.size();
  std::vector<double> n(P), adv(P), lost(P);
  for (std::size_t i = 0; i < v.all.size; ++i) {
    const auto p = v.persona[i];
    n[p] += 1;
    adv[p] += v.all.stage_day[i * v.all.stages + 1] == 0;
    lost[p] += v.all.lost_day[i] == 0;
  }
  DayZero d;
  for (std::size_t p = 0; p < P; ++p) {
    REQUIRE(n[p] > 20000);
    d.advanced.push_back(adv[p] / n[p]);
    d.lost.push_back(lost[p] / n[p]);
  }
  return d;
}

// Two personas that differ in one thing; one touchpoint and one dropout.
std::string scenario(const std::string& persona_a, const std::string& persona_b,
                     const std::string& touchpoint, double mood_effect = 0.5)
{
  return "name: effects\nhorizon_days: 5\nmood_effect: " + std::to_string(mood_effect) +
         "\nstages:\n  - {name: a, dropout: 0.1}\n  - {name: b, purchase: true}\n"
         "personas:\n  - {name: p0, share: 1, " + persona_a + "}\n  - {name: p1, share: 1, " +
         persona_b + "}\ntouchpoints:\n  - " + touchpoint + "\n";
}

void check_fraction(double measured, double expected)
{
  const double se = std::sqrt(expected * (1 - expected) / 100000.0);
  INFO("measured " << measured << ", expected " << expected);
  CHECK(std::abs(measured - expected) < 4.5 * se);
}

} // namespace

TEST_CASE("patience scales dropout by 2(1 - patience)", "[effects]")
{
  const auto d = day_zero(scenario("attributes: {patience: 0.2}", "attributes: {patience: 0.8}",
                                   "{name: t, channel: c, stages: [a], reach: 0, advance: 0}"));
  check_fraction(d.lost[0], 0.1 * 1.6);
  check_fraction(d.lost[1], 0.1 * 0.4);
  CHECK(d.lost[0] > d.lost[1]); // impatient customers leave sooner
}

TEST_CASE("tech_savvy scales checkout step abandonment by 2(1 - tech_savvy)", "[effects]")
{
  const auto d = day_zero(scenario("attributes: {tech_savvy: 0.1}", "attributes: {tech_savvy: 0.9}",
                                   "{name: t, channel: c, stages: [a], reach: 1, checkout: {steps: 3, step_abandon: 0.2}}"));
  check_fraction(d.advanced[0], std::pow(1 - 0.2 * 1.8, 3));
  check_fraction(d.advanced[1], std::pow(1 - 0.2 * 0.2, 3));
  CHECK(d.advanced[1] > d.advanced[0]);
}

TEST_CASE("price_sensitivity scales a discount's advance by 2 price_sensitivity", "[effects]")
{
  const std::string p0 = "attributes: {price_sensitivity: 0.25}";
  const std::string p1 = "attributes: {price_sensitivity: 0.9}";
  const auto with = day_zero(scenario(p0, p1, "{name: t, channel: c, stages: [a], reach: 1, advance: 0.3, discount: 0.1}"));
  check_fraction(with.advanced[0], 0.3 * 0.5);
  check_fraction(with.advanced[1], 0.3 * 1.8);
  // Without a discount the attribute does nothing.
  const auto without = day_zero(scenario(p0, p1, "{name: t, channel: c, stages: [a], reach: 1, advance: 0.3}"));
  check_fraction(without.advanced[0], 0.3);
  check_fraction(without.advanced[1], 0.3);
}

TEST_CASE("mood scales advance by 1 + k m and dropout by 1 - k m", "[effects]")
{
  // The exposure's emotion is applied before the advance draw.
  const auto d = day_zero(scenario("mood: 0.6", "mood: -0.8",
                                   "{name: t, channel: c, stages: [a], reach: 1, advance: 0.4, emotion: 0.1}", 0.5));
  const double m0 = 0.7, m1 = -0.7;
  check_fraction(d.advanced[0], 0.4 * (1 + 0.5 * m0));
  check_fraction(d.advanced[1], 0.4 * (1 + 0.5 * m1));
  check_fraction(d.lost[0], (1 - 0.4 * (1 + 0.5 * m0)) * 0.1 * (1 - 0.5 * m0));
  check_fraction(d.lost[1], (1 - 0.4 * (1 + 0.5 * m1)) * 0.1 * (1 - 0.5 * m1));
  CHECK(d.advanced[0] > d.advanced[1]); // happier customers move on
  CHECK(d.lost[0] < d.lost[1]);
}

TEST_CASE("mood_effect 0 switches emotions off", "[effects]")
{
  const auto d = day_zero(scenario("mood: 0.9", "mood: -0.9",
                                   "{name: t, channel: c, stages: [a], reach: 1, advance: 0.4, emotion: 0.1}", 0.0));
  check_fraction(d.advanced[0], 0.4);
  check_fraction(d.advanced[1], 0.4);
}
