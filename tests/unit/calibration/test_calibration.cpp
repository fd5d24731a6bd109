#include "journeysim/calibration/calibration.h"
#include "journeysim/engine/runner.h"
#include "journeysim/error.h"
#include "journeysim/scenario/loader.h"

#include "unit/engine/exact_model.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>

using namespace journeysim;

namespace {

// The checkable subset (one persona, neutral attributes, mood_effect 0), so
// the exact programme gives the true funnel. True values: video.advance 0.2,
// checkout step_abandon 0.1.
const char* SCENARIO = R"(
name: calibration-test
horizon_days: 30
population: 10000
seed: 5
mood_effect: 0
stages:
  - {name: awareness, phase: pre_purchase, dropout: 0.05}
  - {name: interest,  phase: pre_purchase, dropout: 0.05}
  - {name: intent,    phase: purchase,     dropout: 0.05}
  - {name: purchase,  phase: purchase,     dropout: 0.01, purchase: true}
personas:
  - {name: everyone, share: 1, basket: 40}
touchpoints:
  - {name: ads,   channel: social, stages: [awareness], reach: 0.2, advance: 0.3}
  - {name: video, channel: video,  stages: [interest],  reach: 0.2, advance: 0.2}
  - {name: blog,  channel: blog,   stages: [interest],  reach: 0.1, advance: 0.1}
  - name: checkout
    channel: website
    stages: [intent]
    reach: 0.3
    checkout: {steps: 3, step_abandon: 0.1}
)";

const std::vector<std::string> STAGES = {"awareness", "interest", "intent", "purchase"};

Scenario scenario() { return parse_scenario(SCENARIO, "test.yaml"); }

std::vector<FreeParameter> two_free()
{
  return {parse_free_parameter("touchpoints.video.advance=0.02:0.8"),
          parse_free_parameter("touchpoints.checkout.checkout.step_abandon=0.01:0.5")};
}

//! The scenario started away from the truth (what calibrate starts from).
Scenario started_elsewhere()
{
  return parse_scenario(SCENARIO, "test.yaml",
                        {{"touchpoints.video.advance", "0.5"}, {"touchpoints.checkout.checkout.step_abandon", "0.3"}});
}

ObservedFunnel funnel_of(const std::vector<double>& reached)
{
  ObservedFunnel f;
  f.path = "observed.csv";
  for (std::size_t k = 0; k < reached.size(); ++k)
    f.stages.push_back({"", STAGES[k], std::llround(reached[k]), static_cast<int>(k) + 2});
  return f;
}

ObservedFunnel simulated_funnel(std::uint64_t agents, std::uint64_t seed)
{
  RunOptions o;
  o.agents = agents;
  o.seed = seed;
  o.seed_given = true;
  o.threads = 1;
  const RunResult r = run(scenario(), o, nullptr);
  std::vector<double> reached;
  for (auto v : r.totals.front().reached)
    reached.push_back(static_cast<double>(v));
  return funnel_of(reached);
}

CalibrationOptions options(std::uint64_t agents)
{
  CalibrationOptions o;
  o.agents = agents;
  o.seed = 12345; // not the seed of the observed data
  o.seed_given = true;
  o.threads = 1;
  return o;
}

bool covers(const ParameterFit& p, double truth) { return p.low95 <= truth && truth <= p.high95; }

} // namespace

TEST_CASE("calibrate: the exact funnel is recovered, within the reported intervals", "[calibration]")
{
  const Scenario truth = scenario();
  const auto exact = testing::exact_funnel(truth.baseline(), truth.baseline().personas[0], truth.horizon_days);
  std::vector<double> reached;
  for (double p : exact.reached)
    reached.push_back(20000 * p);
  const Scenario start = started_elsewhere();
  const FunnelTarget target = match_target(start, funnel_of(reached));
  const CalibrationResult r = calibrate(start, target, two_free(), options(100000));
  REQUIRE(r.intervals_done);
  REQUIRE_FALSE(r.interrupted);
  INFO(r.parameters[0].low95 << " " << r.parameters[0].value << " " << r.parameters[0].high95);
  INFO(r.parameters[1].low95 << " " << r.parameters[1].value << " " << r.parameters[1].high95);
  CHECK(covers(r.parameters[0], 0.2));
  CHECK(covers(r.parameters[1], 0.1));
  // Simulation error with 100 000 agents is far below the 20 000 observed customers' own.
  CHECK(r.parameters[0].value == Approx(0.2).margin(0.02));
  CHECK(r.parameters[1].value == Approx(0.1).margin(0.01));
  CHECK(r.parameters[0].high95 - r.parameters[0].low95 < 0.1);
  CHECK(r.degrees_of_freedom == 1);
  CHECK(r.deviance < 3.84); // the exact funnel fits
  CHECK(r.warnings.empty());
  // Near-quadratic here: both intervals come from the linear path, no profiling.
  CHECK(r.parameters[0].interval_method == "line");
  CHECK(r.parameters[1].interval_method == "line");
  CHECK(r.profiled_sides == 0);
  CHECK(r.evaluations == r.evaluations_fit + r.evaluations_information + r.evaluations_intervals);
  CHECK(r.evaluations_information == 4); // ±0.02 of each range
  CHECK(r.evaluations_intervals <= 4 * 3); // at most a few line points per side
  REQUIRE(r.transitions.size() == 3);
  for (const auto& t : r.transitions)
    CHECK(std::abs(t.residual) < 2);
}

TEST_CASE("calibrate: funnels simulated with other seeds are covered at the nominal rate", "[calibration][slow]")
{
  const Scenario start = started_elsewhere();
  int covered = 0, intervals = 0, on_line = 0, covered_on_line = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const FunnelTarget target = match_target(start, simulated_funnel(3000, 1000 + trial));
    CalibrationOptions o = options(30000);
    const CalibrationResult r = calibrate(start, target, two_free(), o);
    REQUIRE(r.intervals_done);
    for (const auto& [p, truth] : {std::pair{r.parameters[0], 0.2}, {r.parameters[1], 0.1}}) {
      covered += covers(p, truth);
      on_line += p.interval_method == "line";
      covered_on_line += p.interval_method == "line" && covers(p, truth);
      ++intervals;
    }
  }
  INFO(covered << " of " << intervals << " intervals cover the truth; " << covered_on_line << " of the " << on_line
                << " found on the linear path");
  CHECK(covered >= 0.9 * intervals);
  // The coverage is that of the fast method: most intervals come from the linear path.
  CHECK(on_line >= intervals / 2);
}

TEST_CASE("calibrate: interrupted during the intervals, the evaluations per phase add up", "[calibration]")
{
  const Scenario start = started_elsewhere();
  const FunnelTarget target = match_target(start, simulated_funnel(5000, 79));
  std::atomic<bool> cancel{false};
  CalibrationOptions o = options(20000);
  o.cancel = &cancel;
  // Ctrl-C after the first interval evaluation: the next one stops the fit.
  o.progress = [&](const CalibrationStep& step) {
    const std::string phase = step.phase;
    if (phase.rfind("interval ", 0) == 0 || phase.rfind("profile ", 0) == 0)
      cancel = true;
  };
  const CalibrationResult r = calibrate(start, target, two_free(), o);
  CHECK(r.interrupted);
  CHECK_FALSE(r.intervals_done);
  CHECK(r.evaluations_information == 4);
  CHECK(r.evaluations_intervals == 1);
  CHECK(r.evaluations == r.evaluations_fit + r.evaluations_information + r.evaluations_intervals);
}

TEST_CASE("calibrate: two parameters on the same transition are not separately identifiable", "[calibration]")
{
  const Scenario start = started_elsewhere();
  const FunnelTarget target = match_target(start, simulated_funnel(5000, 77));
  const std::vector<FreeParameter> free = {parse_free_parameter("touchpoints.video.advance=0.02:0.8"),
                                           parse_free_parameter("touchpoints.blog.advance=0.02:0.8")};
  CalibrationOptions o = options(20000);
  o.intervals = false;
  const CalibrationResult r = calibrate(start, target, free, o);
  bool warned = false;
  for (const auto& w : r.warnings)
    warned = warned || (w.find("touchpoints.video.advance and touchpoints.blog.advance are not separately "
                               "identifiable") != std::string::npos);
  INFO((r.warnings.empty() ? std::string("no warnings") : r.warnings.front()));
  CHECK(warned);
}

TEST_CASE("calibrate: a parameter with no effect on the likelihood keeps its scenario value", "[calibration]")
{
  const Scenario start = started_elsewhere();
  const FunnelTarget target = match_target(start, simulated_funnel(5000, 80));
  // A cost changes no customer's path; the scenario's is 0 (not given), BOBYQA's first step is 0.1.
  const std::vector<FreeParameter> free = {parse_free_parameter("touchpoints.video.advance=0.02:0.8"),
                                           parse_free_parameter("touchpoints.blog.cost=0:1")};
  CalibrationOptions o = options(20000);
  o.intervals = false;
  const CalibrationResult r = calibrate(start, target, free, o);
  CHECK_FALSE(r.parameters[0].kept);
  CHECK(r.parameters[0].value == Approx(0.2).margin(0.05));
  CHECK(r.parameters[1].kept);
  CHECK(r.parameters[1].value == 0.0);
  CHECK_FALSE(r.parameters[1].at_bound);
  REQUIRE(r.warnings.size() == 1);
  CHECK_THAT(r.warnings[0], Catch::StartsWith("touchpoints.blog.cost: no effect") && Catch::EndsWith("its scenario value is kept"));
}

TEST_CASE("calibrate: a fit at a bound is reported", "[calibration]")
{
  const Scenario start = started_elsewhere();
  const FunnelTarget target = match_target(start, simulated_funnel(5000, 78));
  const std::vector<FreeParameter> free = {parse_free_parameter("touchpoints.video.advance=0.3:0.8")};
  CalibrationOptions o = options(20000);
  const CalibrationResult r = calibrate(start, target, free, o);
  CHECK(r.parameters[0].at_bound);
  CHECK(r.parameters[0].value == Approx(0.3).margin(1e-3));
  // The side at the bound is profiled (the line cannot leave the box) and printed as `bound`.
  CHECK(r.parameters[0].interval_method == "profile");
  CHECK(r.parameters[0].low95_at_bound);
  CHECK(r.parameters[0].low95 == Approx(0.3).margin(1e-3));
  CHECK(r.parameters[0].high95 > 0.3);
  CHECK(r.profiled_sides >= 1);
  REQUIRE_FALSE(r.warnings.empty());
  CHECK_THAT(r.warnings.back(), Catch::Contains("fitted at its lower bound"));
}

TEST_CASE("calibrate: bad targets and parameters are clear input errors", "[calibration]")
{
  const Scenario s = scenario();
  auto target = [&](const char* text) { return match_target(s, parse_observed_funnel(text, "t.csv")); };
  CHECK_THROWS_WITH(target("stage,reached\ninterest,100\nintnet,50\n"),
                    Catch::StartsWith("t.csv:3:1: unknown stage 'intnet' — did you mean 'intent'?"));
  CHECK_THROWS_WITH(target("stage,reached\ninterest,100\nintent,150\n"),
                    Catch::StartsWith("t.csv:3:1: 'intent' reached by 150 customers, more than the 100 who reached "
                                      "'interest'"));
  CHECK_THROWS_WITH(target("stage,reached\nview,100\ncart,50\n"),
                    Catch::StartsWith("t.csv: no stage of the target is a stage of the scenario"));
  CHECK_THROWS_WITH(target("stage,reached\ninterest,100\n"), Catch::Contains("nothing to fit"));
  CHECK_THROWS_WITH(target("persona,stage,reached\nnobody,interest,100\nnobody,intent,50\n"),
                    Catch::StartsWith("t.csv:2:1: unknown persona 'nobody'"));
  CHECK_THROWS_WITH(parse_free_parameter("touchpoints.video.advance=0.5:0.5"), Catch::Contains("LOW must be less than HIGH"));
  CHECK_THROWS_WITH(parse_free_parameter("touchpoints.video.advance=0.5"), Catch::Contains("expected PATH=LOW:HIGH"));
  CHECK_THROWS_AS(parse_free_parameter("touchpoints.video.advance=a:1"), InputError);

  const FunnelTarget t = target("stage,reached\ninterest,100\nintent,50\n");
  CalibrationOptions o = options(1000);
  CHECK_THROWS_WITH(calibrate(s, t, {parse_free_parameter("touchpoints.nothing.advance=0.1:0.2")}, o),
                    Catch::StartsWith("--free touchpoints.nothing.advance=0.1:0.2") &&
                      Catch::Contains("no touchpoint 'nothing'"));
  CHECK_THROWS_WITH(calibrate(s, t, {parse_free_parameter("touchpoints.video.advance=0.1:2")}, o),
                    Catch::StartsWith("--free touchpoints.video.advance=0.1:2 (at 2)"));
}

TEST_CASE("calibrate: the calibrated scenario loads and holds the fitted values", "[calibration]")
{
  const Scenario s = scenario();
  const std::string text = calibrated_yaml(s, two_free(), {0.25, 0.125}, "fitted by a test\nsecond line");
  CHECK(text.rfind("# fitted by a test\n# second line\n", 0) == 0);
  const Scenario c = parse_scenario(text, "calibrated.yaml");
  CHECK(c.baseline().touchpoints[1].advance == 0.25);
  CHECK(c.baseline().touchpoints[3].checkout->step_abandon == 0.125);
  CHECK(c.baseline().touchpoints[0].advance == 0.3);
}

TEST_CASE("binomial deviance", "[calibration]")
{
  CHECK(binomial_deviance(100, 30, 0.3) == Approx(0.0).margin(1e-12));
  CHECK(binomial_deviance(100, 0, 0.1) == Approx(2 * 100 * std::log(1 / 0.9)));
  CHECK(binomial_deviance(10, 5, 0.4) == Approx(2 * (5 * std::log(0.5 / 0.4) + 5 * std::log(0.5 / 0.6))));
}

TEST_CASE("calibrate: with persona rows, each persona's transitions are fitted and the overall rows only shown",
          "[calibration]")
{
  const Scenario s = scenario();
  const FunnelTarget t = match_target(
    s, parse_observed_funnel("persona,stage,reached\neveryone,interest,100\neveryone,purchase,20\n,interest,100\n"
                             ",intent,50\n,purchase,20\n",
                             "t.csv"));
  REQUIRE(t.by_persona);
  REQUIRE(t.transitions.size() == 1);
  CHECK(t.transitions[0].persona == 0);
  CHECK(t.transitions[0].from == 1); // interest
  CHECK(t.transitions[0].to == 3);   // purchase: the next observed stage, not the next stage
  CHECK(t.transitions[0].n == 100);
  CHECK(t.transitions[0].y == 20);
  // The overall rows make transitions that are shown at the fit, not fitted.
  REQUIRE(t.shown.size() == 2);
  CHECK(t.shown[0].persona == -1);
  CHECK(t.shown[0].from == 1);
  CHECK(t.shown[0].to == 2);
  CHECK(t.shown[0].n == 100);
  CHECK(t.shown[0].y == 50);
  CHECK(t.shown[1].from == 2);
  CHECK(t.shown[1].to == 3);
  CHECK(t.shown[1].y == 20);
  CalibrationOptions o = options(5000);
  o.intervals = false;
  const CalibrationResult r = calibrate(s, t, {parse_free_parameter("touchpoints.video.advance=0.02:0.8")}, o);
  REQUIRE(r.transitions.size() == 3);
  CHECK(r.transitions[0].fitted);
  CHECK_FALSE(r.transitions[1].fitted);
  CHECK_FALSE(r.transitions[2].fitted);
  CHECK(r.transitions[1].transition.persona == -1);
  // One persona: the overall rate at the fit is the persona's, a real simulated rate.
  CHECK(r.transitions[1].fitted_rate * r.transitions[2].fitted_rate == Approx(r.transitions[0].fitted_rate));
  CHECK(r.degrees_of_freedom == 0); // the shown rows add no observation
}

TEST_CASE("calibrate: a scenario's calibrate: section lists the free parameters, checked by the loader",
          "[calibration]")
{
  const std::string base = SCENARIO;
  const Scenario s = parse_scenario(base + "calibrate:\n  free:\n    touchpoints.video.advance: 0.02:0.8\n"
                                           "    stages.intent.dropout: [0.01, 0.3]\n",
                                    "c.yaml");
  REQUIRE(s.calibrate.free.size() == 2);
  CHECK(s.calibrate.free[0] == std::pair<std::string, std::string>{"touchpoints.video.advance", "0.02:0.8"});
  CHECK(s.calibrate.free[1] == std::pair<std::string, std::string>{"stages.intent.dropout", "0.01:0.3"});
  const int line = 25; // the line of the bad range below
  CHECK_THROWS_WITH(parse_scenario(base + "calibrate:\n  free:\n    touchpoints.video.advance: 0.8:0.02\n", "c.yaml"),
                    Catch::StartsWith("c.yaml:" + std::to_string(line) + ":32: calibrate.free.touchpoints.video.advance:") &&
                      Catch::Contains("LOW must be less than HIGH"));
  CHECK_THROWS_WITH(parse_scenario(base + "calibrate:\n  fre: {}\n", "c.yaml"), Catch::Contains("did you mean 'free'"));
}
