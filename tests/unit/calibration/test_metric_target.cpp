#include "journeysim/calibration/calibration.h"
#include "journeysim/calibration/metric_target.h"
#include "journeysim/engine/runner.h"
#include "journeysim/error.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace journeysim;

namespace {

// Entering `repeat` is a second purchase, so review_request.advance sets the
// repeat-purchase rate; video.advance the interest -> intent rate and the
// time to first purchase; step_abandon the cart abandonment. Fixed basket.
const char* SCENARIO = R"(
name: metric-test
horizon_days: 30
population: 10000
seed: 5
mood_effect: 0
stages:
  - {name: interest, phase: pre_purchase,  dropout: 0.05}
  - {name: intent,   phase: purchase,      dropout: 0.05}
  - {name: purchase, phase: purchase,      dropout: 0.02, purchase: true}
  - {name: repeat,   phase: post_purchase, dropout: 0.02, purchase: true}
personas:
  - {name: everyone, share: 1, basket: 40}
touchpoints:
  - {name: video, channel: video, stages: [interest], reach: 0.3, advance: 0.2}
  - name: checkout
    channel: website
    stages: [intent]
    reach: 0.3
    checkout: {steps: 3, step_abandon: 0.1}
  - {name: review_request, channel: email, stages: [purchase], reach: 0.2, advance: 0.15}
)";

Scenario truth() { return parse_scenario(SCENARIO, "m.yaml"); }

//! What a shop with these customers would observe: the funnel's first two
//! stages and the metrics (no purchase-stage row: cart_abandon_rate gives it).
std::string observed_text(std::uint64_t customers, std::uint64_t seed)
{
  const Scenario s = truth();
  RunOptions o;
  o.agents = customers;
  o.seed = seed;
  o.seed_given = true;
  o.threads = 1;
  MetricSink sink(s.baseline(), {0, 0}, s.horizon_days);
  const RunResult r = run(s, o, &sink);
  const auto& reached = r.totals.front().reached;
  const MetricStatistics& st = sink.statistics;
  const double cart_abandon = 1.0 - static_cast<double>(reached[2]) / static_cast<double>(reached[1]);
  const double repeat = static_cast<double>(st.repeat_buyers[1]) / static_cast<double>(st.buyers[1]);
  const double p50 = first_purchase_quantile(st.days_to_first_purchase[1], 0.5);
  return "stage,reached\ninterest," + std::to_string(reached[0]) + "\nintent," + std::to_string(reached[1]) +
         "\n\nmetric,value\ncart_abandon_rate," + std::to_string(cart_abandon) + "\nrepeat_purchase_rate," +
         std::to_string(repeat) + "\nhours_to_first_purchase_p50," + std::to_string(p50) +
         "\norder_value_mean,40\norder_value_sd,5\ncustomers," + std::to_string(reached[0]) + "\n";
}

std::vector<FreeParameter> three_free()
{
  return {parse_free_parameter("touchpoints.video.advance=0.02:0.8"),
          parse_free_parameter("touchpoints.checkout.checkout.step_abandon=0.01:0.5"),
          parse_free_parameter("touchpoints.review_request.advance=0.01:0.6")};
}

const MetricFit& metric(const CalibrationResult& r, const std::string& name)
{
  for (const auto& m : r.metrics)
    if (m.target.row.name == name)
      return m;
  FAIL("no metric " << name);
  throw;
}

} // namespace

TEST_CASE("metric rows: a cart-abandonment rate with the cart stage's count gives the purchase stage's row",
          "[calibration]")
{
  const Scenario s = truth();
  const FunnelTarget t = match_target(
    s, parse_observed_funnel("stage,reached\ninterest,1000\nintent,200\n\nmetric,value\ncart_abandon_rate,0.7\n",
                             "t.csv"));
  REQUIRE(t.transitions.size() == 2);
  CHECK(t.transitions[1].from == 1);
  CHECK(t.transitions[1].to == 2);
  CHECK(t.transitions[1].n == 200);
  CHECK(t.transitions[1].y == 60); // 200 × (1 − 0.7)
  REQUIRE(t.metrics.size() == 1);
  CHECK(t.metrics[0].kind == MetricKind::CartAbandon);
  CHECK(t.metrics[0].n == 200);
  CHECK(t.metrics[0].not_fitted.empty());

  // Without the cart stage's count it cannot be fitted, and says why.
  const FunnelTarget u = match_target(
    s, parse_observed_funnel("stage,reached\ninterest,1000\npurchase,60\n\nmetric,value\ncart_abandon_rate,0.7\n"
                             "repeat_purchase_rate,0.2\norder_value_mean,40\n",
                             "t.csv"));
  REQUIRE(u.metrics.size() == 3);
  CHECK_THAT(u.metrics[0].not_fitted, Catch::Contains("needs a stage row for 'intent'"));
  CHECK(u.metrics[1].not_fitted.empty());
  CHECK(u.metrics[1].n == 60); // the buyers
  CHECK(u.metrics[2].n == 60);
}

TEST_CASE("metric rows: bad values are located errors", "[calibration]")
{
  auto parse = [](const std::string& metrics) {
    return parse_observed_funnel("stage,reached\ninterest,10\nintent,5\n\nmetric,value\n" + metrics, "t.csv");
  };
  CHECK_THROWS_WITH(parse("cart_abandon,0.5\n"), Catch::StartsWith("t.csv:6:1: unknown metric 'cart_abandon'"));
  CHECK_THROWS_WITH(parse("cart_abandon_rate,-0.1\n"),
                    "t.csv:6:19: cart_abandon_rate -0.1 is not a rate between 0 and 1");
  CHECK_THROWS_WITH(parse("repeat_purchase_rate,1.01\n"), Catch::Contains("is not a rate between 0 and 1"));
  CHECK_THROWS_WITH(parse("purchases,2.5\n"), Catch::Contains("purchases 2.5 is not a whole number >= 0"));
  CHECK_THROWS_WITH(parse("order_value_mean,-3\n"), Catch::Contains("order_value_mean -3 is negative"));
  CHECK_THROWS_WITH(parse("hours_to_first_purchase_p0,1\n"), Catch::Contains("unknown metric"));
  CHECK_THROWS_WITH(parse("hours_to_first_purchase_p25,5\nhours_to_first_purchase_p75,4\n"),
                    "t.csv:7:1: hours_to_first_purchase_p75 4 is below hours_to_first_purchase_p25 5: quantiles "
                    "cannot decrease");
  CHECK(parse("hours_to_first_purchase_p5,1\nhours_to_first_purchase_p99,1\n").metrics.size() == 2);
}

TEST_CASE("metric rows: a metric is fitted only if a free parameter acts on the stages it measures", "[calibration]")
{
  const Scenario s = truth();
  const FunnelTarget t = match_target(
    s, parse_observed_funnel("stage,reached\ninterest,1000\nintent,200\npurchase,60\n\nmetric,value\n"
                             "repeat_purchase_rate,0.2\nhours_to_first_purchase_p50,30\norder_value_mean,40\n",
                             "t.csv"));
  REQUIRE(t.metrics.size() == 3);
  const Model& m = s.baseline();
  const MetricTarget &repeat = t.metrics[0], &p50 = t.metrics[1], &order = t.metrics[2];
  CHECK(parameter_acts_on(m, "touchpoints.review_request.advance", repeat)); // acts in `purchase`
  CHECK_FALSE(parameter_acts_on(m, "touchpoints.video.advance", repeat));    // before the first purchase
  CHECK(parameter_acts_on(m, "touchpoints.video.advance", p50));
  CHECK(parameter_acts_on(m, "stages.intent.dropout", p50));
  CHECK_FALSE(parameter_acts_on(m, "stages.repeat.dropout", p50));
  CHECK_FALSE(parameter_acts_on(m, "touchpoints.checkout.checkout.step_abandon", order));
  CHECK(parameter_acts_on(m, "touchpoints.review_request.discount", order));
  CHECK(parameter_acts_on(m, "personas.everyone.mood", repeat));
}

TEST_CASE("metric rows: time to first purchase, a day's purchases spread over the day", "[calibration]")
{
  const std::vector<std::int64_t> days = {2, 2, 0};
  CHECK(first_purchase_cdf(days, 12) == Approx(0.25));
  CHECK(first_purchase_cdf(days, 36) == Approx(0.75));
  CHECK(first_purchase_cdf(days, 100) == Approx(1.0));
  CHECK(first_purchase_quantile(days, 0.5) == Approx(24.0));
  CHECK(first_purchase_quantile(days, 0.25) == Approx(12.0));
  CHECK(first_purchase_quantile(days, 0.75) == Approx(36.0));
}

TEST_CASE("metric rows: rates and quantiles are fitted with the stage rows and shown with residuals",
          "[calibration]")
{
  const Scenario start = parse_scenario(SCENARIO, "m.yaml",
                                        {{"touchpoints.video.advance", "0.4"},
                                         {"touchpoints.checkout.checkout.step_abandon", "0.3"},
                                         {"touchpoints.review_request.advance", "0.4"}});
  const FunnelTarget target = match_target(start, parse_observed_funnel(observed_text(20000, 101), "t.csv"));
  CalibrationOptions o;
  o.agents = 30000;
  o.seed = 12345;
  o.seed_given = true;
  o.threads = 1;
  o.fit_metrics = {"all"};
  const CalibrationResult r = calibrate(start, target, three_free(), o);
  REQUIRE(r.intervals_done);
  for (const auto& p : r.parameters)
    INFO(p.parameter.path << " " << p.low95 << " " << p.value << " " << p.high95 << " " << p.interval_method);
  CHECK(r.parameters[0].value == Approx(0.2).margin(0.03));
  CHECK(r.parameters[1].value == Approx(0.1).margin(0.02));
  CHECK(r.parameters[2].value == Approx(0.15).margin(0.05)); // only the repeat-purchase rate informs it
  CHECK(r.parameters[2].low95 <= 0.15);
  CHECK(r.parameters[2].high95 >= 0.15);

  const MetricFit& repeat = metric(r, "repeat_purchase_rate");
  CHECK(repeat.fitted);
  CHECK(std::abs(repeat.residual) < 2);
  CHECK(repeat.simulated == Approx(repeat.target.row.value).margin(0.03));
  const MetricFit& p50 = metric(r, "hours_to_first_purchase_p50");
  CHECK(p50.fitted); // video.advance moves it
  CHECK(std::abs(p50.residual) < 2);
  const MetricFit& cart = metric(r, "cart_abandon_rate");
  CHECK_FALSE(cart.fitted); // its term is the derived intent -> purchase transition
  CHECK_THAT(cart.target.not_fitted, Catch::Contains("fitted as the transition"));
  CHECK(cart.simulated == Approx(cart.target.row.value).margin(0.03));
  const MetricFit& order = metric(r, "order_value_mean");
  CHECK_FALSE(order.fitted); // no discount or persona parameter among the free ones
  CHECK(order.target.not_fitted == "no free parameter is a discount or a persona's: shown, not fitted");
  CHECK(order.simulated == Approx(40.0));
  CHECK(order.residual == Approx(0.0).margin(1e-9));
  CHECK_THAT(metric(r, "customers").target.not_fitted, Catch::Contains("conditioned on"));
  // 2 transitions + repeat rate + p50 quantile − 3 parameters.
  CHECK(r.degrees_of_freedom == 1);
  CHECK(r.p_value > 0.001);
}

TEST_CASE("metric rows: with persona rows, a persona's metric is fitted and the overall one shown", "[calibration]")
{
  const Scenario s = truth();
  const FunnelTarget target = match_target(
    s, parse_observed_funnel("persona,stage,reached\neveryone,intent,3000\neveryone,purchase,1500\n\n"
                             "persona,metric,value\neveryone,repeat_purchase_rate,0.25\n,repeat_purchase_rate,0.25\n",
                             "t.csv"));
  REQUIRE(target.metrics.size() == 2);
  CHECK(target.metrics[0].persona == 0);
  CHECK(target.metrics[0].n == 1500);
  CHECK_THAT(target.metrics[1].not_fitted, Catch::Contains("persona metrics are fitted"));
  CalibrationOptions o;
  o.agents = 20000;
  o.seed = 3;
  o.seed_given = true;
  o.threads = 1;
  o.intervals = false;
  const CalibrationResult r =
    calibrate(s, target, {parse_free_parameter("touchpoints.review_request.advance=0.01:0.9")}, o);
  REQUIRE(r.metrics.size() == 2);
  CHECK(r.metrics[0].fitted);
  CHECK(r.metrics[0].simulated == Approx(0.25).margin(0.03)); // fitted to it
  CHECK(std::abs(r.metrics[0].residual) < 2);
  CHECK_FALSE(r.metrics[1].fitted);
  CHECK(r.metrics[1].simulated == Approx(r.metrics[0].simulated)); // one persona: the same customers
  CHECK(r.degrees_of_freedom == 1); // intent -> purchase + the repeat rate − 1 parameter
}
