// Decisions from a sweep (experiment/sweep_decision.h) on a sweep built in
// memory: --customers scales totals only, and change costs (money) are
// refused for a metric that is not a total.

#include "journeysim/error.h"
#include "journeysim/experiment/sweep_decision.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace journeysim;

namespace {

//! Two grid points of one lever (steps = 3 and 5) over 1,000 agents per run.
SweepData two_points()
{
  SweepData s;
  s.path = "in-memory.h5";
  s.agents = 1000;
  s.replications = 3;
  s.parameters = {"touchpoints.checkout.checkout.steps"};
  s.variants = {"baseline"};
  s.metrics = {"conversions", "conversion_rate", "profit", "cost_per_conversion", "mean_mood"};
  for (int i = 0; i < 2; ++i) {
    SweepPoint p;
    p.point = i + 1;
    p.variant = "baseline";
    p.replications = 3;
    p.values = {i == 0 ? 3.0 : 5.0};
    p.metrics["conversions"] = {i == 0 ? 30.0 : 20.0, 1, 28, 32};
    p.metrics["conversion_rate"] = {i == 0 ? 0.03 : 0.02, 0.001, 0.028, 0.032};
    p.metrics["profit"] = {i == 0 ? 500.0 : 400.0, 10, 480, 520};
    p.metrics["cost_per_conversion"] = {i == 0 ? 70.0 : 75.0, 1, 68, 72};
    p.metrics["mean_mood"] = {0.1, 0.01, 0.09, 0.11};
    s.points.push_back(p);
  }
  return s;
}

} // namespace

TEST_CASE("decide: --customers scales totals, not rates, ratios or moods", "[experiment][decision]")
{
  const SweepData sweep = two_points();
  Objective o;
  o.scale = 1e6 / 1000; // 1,000,000 customers of the period
  o.maximize = true;
  for (const auto& [metric, best] : {std::pair<const char*, double>{"conversion_rate", 0.03}, {"mean_mood", 0.1}}) {
    o.metric = metric;
    const Decision d = decide(sweep, "baseline", o, nullptr);
    REQUIRE(d.best());
    CHECK(d.best()->metric == best);
    CHECK(d.best()->value == best);
  }
  o.maximize = false;
  o.metric = "cost_per_conversion";
  CHECK(decide(sweep, "baseline", o, nullptr).best()->metric == 70.0);
  o.maximize = true;
  o.metric = "profit";
  CHECK(decide(sweep, "baseline", o, nullptr).best()->metric == 500.0 * 1000);
  o.metric = "conversions";
  CHECK(decide(sweep, "baseline", o, nullptr).best()->metric == 30.0 * 1000);
}

TEST_CASE("decide: a target on a total is for the same customers as the objective", "[experiment][decision]")
{
  // profit 500 [480, 520] and 400 [..] per 1,000 simulated customers: for
  // 1,000,000 customers the first makes 480,000 at its CI's low end.
  const SweepData sweep = two_points();
  Objective o;
  o.scale = 1e6 / 1000;
  o.metric = "cost_per_conversion";
  const Target reached{"profit", true, 450000};
  const Decision d = decide(sweep, "baseline", o, &reached);
  REQUIRE(d.best());
  CHECK(d.best()->point->values[0] == 3.0);
  const Target missed{"profit", true, 600000};
  CHECK(!decide(sweep, "baseline", o, &missed).best());
  // A rate's target is not scaled.
  const Target rate{"conversion_rate", true, 0.025};
  const Decision r = decide(sweep, "baseline", o, &rate);
  REQUIRE(r.best());
  CHECK(r.best()->point->values[0] == 3.0);
}

TEST_CASE("parse_change_cost: today's value from the scenario, or from its change_costs, or refused",
          "[experiment][decision]")
{
  const std::string source = "touchpoints:\n  - {name: checkout, checkout: {steps: 5}}\n"
                             "change_costs:\n  touchpoints.live_chat.cooldown_days: {per_unit: 300, today: 2}\n";
  const ChangeCost written = parse_change_cost("touchpoints.checkout.checkout.steps=20000", source);
  CHECK(written.today == 5.0);
  CHECK(written.per_unit == 20000.0);
  // Not written, but stated by the scenario's change_costs: the command line
  // replaces the amount, not today's value.
  const ChangeCost stated = parse_change_cost("touchpoints.live_chat.cooldown_days=500", source);
  CHECK(stated.today == 2.0);
  CHECK(stated.per_unit == 500.0);
  CHECK_THROWS_WITH(parse_change_cost("touchpoints.live_chat.reach=500", source),
                    Catch::Contains("state today's value as PATH=AMOUNT@TODAY"));
  CHECK_THROWS_WITH(parse_change_cost("touchpoints.checkout.checkout.steps=-1", source),
                    Catch::Contains("cannot be negative"));
}

TEST_CASE("decide: change costs count towards totals only", "[experiment][decision]")
{
  const SweepData sweep = two_points();
  Objective o;
  o.maximize = true;
  o.changes = {{"touchpoints.checkout.checkout.steps", 40.0, 5.0}};
  o.metric = "profit";
  const Decision d = decide(sweep, "baseline", o, nullptr);
  CHECK(d.best()->value == 500.0 - 2 * 40.0);
  for (const char* metric : {"conversion_rate", "cost_per_conversion", "mean_mood"}) {
    o.metric = metric;
    CHECK_THROWS_WITH(decide(sweep, "baseline", o, nullptr),
                      Catch::StartsWith(std::string("--change-cost: ") + metric + " is not a total"));
  }
  CHECK(is_total_metric("marketing_cost"));
  CHECK(!is_total_metric("roi"));
  CHECK(!is_total_metric("clv_per_customer"));
}

TEST_CASE("objective_change_costs: a rate takes none of the scenario's and refuses the command line's",
          "[experiment][decision]")
{
  const std::string source = "touchpoints:\n  - {name: checkout, checkout: {steps: 5}}\n"
                             "change_costs:\n  touchpoints.checkout.checkout.steps: 20000\n";
  const std::vector<std::string> levers = {"touchpoints.checkout.checkout.steps"};
  const auto stated = objective_change_costs("profit", source, levers, {});
  REQUIRE(stated.size() == 1);
  CHECK(stated[0].per_unit == 20000);
  CHECK(stated[0].today == 5);
  CHECK(objective_change_costs("conversion_rate", source, levers, {}).empty());
  CHECK_THROWS_AS(objective_change_costs("conversion_rate", source, levers, {{levers[0], 100, 5}}), InputError);
}

TEST_CASE("Decision::chosen: cheapest only when minimising towards a target", "[experiment][decision]")
{
  Decision d;
  d.objective.maximize = true;
  CHECK(d.chosen() == "best setting");
  d.has_target = true;
  CHECK(d.chosen() == "best setting");
  d.objective.maximize = false;
  CHECK(d.chosen() == "cheapest setting");
  d.has_target = false;
  CHECK(d.chosen() == "best setting");
}

TEST_CASE("decide: every setting is compared with the best pair by pair over the replications",
          "[experiment][decision]")
{
  // Profit per replication: the customers of replication r are the same at
  // both points, so a small steady lead is significant although the two
  // points' intervals overlap widely.
  SweepData sweep = two_points();
  sweep.points[0].by_replication["profit"] = {510, 390, 600}; // mean 500
  sweep.points[1].by_replication["profit"] = {410, 292, 498}; // mean 400: 100, 98, 102 behind
  Objective o;
  o.metric = "profit";
  o.maximize = true;
  Decision d = decide(sweep, "baseline", o, nullptr);
  REQUIRE(d.best());
  const Option& second = d.options[1];
  CHECK(second.diff == Approx(100.0));
  // t(0.975, 2) = 4.302653; sd of (100, 98, 102) = 2; half-width 4.302653 · 2 / √3
  CHECK(second.diff_low == Approx(100.0 - 4.302653 * 2 / std::sqrt(3.0)).epsilon(1e-6));
  CHECK(second.diff_high == Approx(100.0 + 4.302653 * 2 / std::sqrt(3.0)).epsilon(1e-6));
  CHECK(!second.equivalent);
  CHECK(d.options[0].equivalent);
  CHECK(d.options[0].diff == 0.0);

  // A lead that changes sign between replications is not significant.
  sweep.points[1].by_replication["profit"] = {560, 290, 450}; // −50, 100, 150
  d = decide(sweep, "baseline", o, nullptr);
  CHECK(d.options[1].diff == Approx(200.0 / 3));
  CHECK(d.options[1].diff_low < 0);
  CHECK(d.options[1].equivalent);

  // Change costs are the same in every replication: they move the difference, not its spread.
  o.changes = {{"touchpoints.checkout.checkout.steps", 10, 5}}; // moving to 3 costs 20
  d = decide(sweep, "baseline", o, nullptr);
  CHECK(d.options[1].diff == Approx(200.0 / 3 - 20));

  // Minimising: best − this is negative when the best is ahead.
  o = Objective();
  o.metric = "cost_per_conversion";
  sweep.points[0].by_replication["cost_per_conversion"] = {69, 70, 71};
  sweep.points[1].by_replication["cost_per_conversion"] = {74, 75, 76};
  d = decide(sweep, "baseline", o, nullptr);
  CHECK(d.options[1].diff == Approx(-5.0));
  CHECK(d.options[1].diff_high == Approx(-5.0)); // the same gap in every replication: no spread
  CHECK(!d.options[1].equivalent);

  // A file without the replications (one made in memory here): no comparison, nothing claimed.
  sweep.points[0].by_replication.clear();
  d = decide(sweep, "baseline", o, nullptr);
  CHECK(std::isnan(d.options[1].diff));
  CHECK(!d.options[1].equivalent);
}

TEST_CASE("parse_target: a rate is a fraction, a per-cent typed for it is refused", "[experiment][decision]")
{
  const Target t = parse_target("conversion_rate>=0.035", "--target");
  CHECK(t.metric == "conversion_rate");
  CHECK(t.at_least);
  CHECK(t.value == 0.035);
  CHECK(parse_target("profit>=100000", "--target").value == 100000); // a total has no such bound
  CHECK(parse_target("cart_abandon_rate<=1", "--subject-to").value == 1);
  for (const char* bad : {"cart_abandon_rate<=60", "conversion_rate>=1.2", "conversion_rate_mature>=-0.1"}) {
    INFO(bad);
    try {
      parse_target(bad, "--subject-to");
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find("a fraction from 0 to 1 (0.6 = 60 %") != std::string::npos);
    }
  }
}

TEST_CASE("parse_target: a rate or ROI may be written as a per-cent, ROI above 10 needs its %", "[experiment][decision]")
{
  CHECK(parse_target("conversion_rate>=3.5%", "--target").value == 3.5 / 100);
  CHECK(parse_target("roi>=150%", "--target").value == 1.5);
  CHECK(parse_target("roi>=-0.5", "--target").value == -0.5);
  CHECK(parse_target("roi>=10", "--target").value == 10);
  CHECK(parse_target("roi>=4000%", "--target").value == 40);
  const auto refused = [](const char* text) {
    try {
      parse_target(text, "--target");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused("roi>=150") == "--target roi>=150: roi is a fraction (1.5 = 150 %); write roi>=150% if you meant 150 %");
  CHECK(refused("profit>=5%") == "--target profit>=5%: profit is not a rate or ROI, so it takes no %");
  CHECK(refused("conversion_rate>=120%").find("a fraction from 0 to 1") != std::string::npos);
  CHECK(refused("conversion_rate>=%").find("expected METRIC>=VALUE") != std::string::npos);
}

TEST_CASE("a lever a variant fixes is refused, and a fitted parameter it fixes is named", "[experiment][decision]")
{
  const std::string source = R"(
variants:
  - name: pause_social
    set: {touchpoints.social_ads.budget.total: 0}
  - name: easier
    set: {touchpoints.checkout.checkout.step_abandon: 0.05}
  - name: child
    base: easier
    set: {stages.intent.dropout: 0.1}
  - name: no_chat
    remove: {touchpoints: [live_chat]}
)";
  // A budget's per_day and total state the same money: setting one fixes the other.
  CHECK_THROWS_WITH(check_levers_reach(source, "pause_social", {"touchpoints.social_ads.budget.per_day"}),
                    Catch::Contains("it sets touchpoints.social_ads.budget.total itself"));
  CHECK_THROWS_WITH(check_levers_reach(source, "child", {"touchpoints.checkout.checkout.step_abandon"}),
                    Catch::Contains("its base 'easier' sets"));
  CHECK_THROWS_WITH(check_levers_reach(source, "no_chat", {"touchpoints.live_chat.reach"}),
                    Catch::Contains("removes the touchpoint of touchpoints.live_chat.reach"));
  CHECK_NOTHROW(check_levers_reach(source, "easier", {"touchpoints.social_ads.budget.per_day"}));
  CHECK_NOTHROW(check_levers_reach(source, "baseline", {"touchpoints.checkout.checkout.step_abandon"}));
  // Every fitted parameter a variant keeps, its own and its base's.
  const std::vector<std::string> notes =
    variants_setting(source, {"stages.intent.dropout", "touchpoints.checkout.checkout.step_abandon"});
  CHECK(notes == std::vector<std::string>{
                   "variant 'easier' sets touchpoints.checkout.checkout.step_abandon itself",
                   "variant 'child' sets stages.intent.dropout itself",
                   "variant 'child' (through its base 'easier') sets touchpoints.checkout.checkout.step_abandon itself"});
}
