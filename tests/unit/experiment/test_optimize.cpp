// journeysim optimize on a scenario whose optimum is known in closed form.
//
// One persona with neutral attributes, no mood effect, two stages: an ad in
// the first with daily reach q, advance a = 0.5 and cost 1 per exposure, over
// H = 10 days and no dropout. Then P(convert) = 1 − (1 − q·a)^H and the cost
// per customer is P/a (every exposure until the advance costs 1). "Cheapest
// reach for 50 % conversion" is therefore q* = (1 − 0.5^(1/H)) / a = 0.13393.

#include "journeysim/experiment/optimize.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace journeysim;

namespace {

const char* const SCENARIO = R"(
name: closed-form
horizon_days: 10
population: 20000
seed: 5
mood_effect: 0
stages:
  - {name: awareness, phase: pre_purchase, dropout: 0}
  - {name: purchase, phase: purchase, purchase: true, dropout: 0}
personas:
  - {name: everyone, share: 1, basket: 10}
touchpoints:
  - {name: ad, channel: social, stages: [awareness], reach: 0.2, advance: 0.5, cost: 1}
)";

struct ScenarioFile {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("journeysim_optimize_" + std::to_string(::getpid()) + ".yaml")).string();
  explicit ScenarioFile(const std::string& text = SCENARIO) { std::ofstream(path) << text; }
  ~ScenarioFile() { std::filesystem::remove(path); }
};

double conversion(double q) { return 1 - std::pow(1 - 0.5 * q, 10); }

} // namespace

TEST_CASE("optimize: a continuous lever finds the closed-form cheapest reach for a target", "[experiment]")
{
  const ScenarioFile file;
  OptimizeOptions o;
  o.levers = {parse_lever("touchpoints.ad.reach=0.02:0.5")};
  o.objective.metric = "cost";
  o.constraints = {{"conversion_rate", true, 0.5}};
  o.replications = 4;
  o.threads = 2;
  const OptimizeResult r = optimize(file.path, o);
  REQUIRE(r.any_feasible);
  const double q_star = (1 - std::pow(0.5, 0.1)) / 0.5;
  const Evaluation& best = r.evaluations[r.best];
  // Sampling error of the constraint's mean (80,000 customers): SE 0.0018 in
  // conversion, i.e. 0.0007 in q (slope dP/dq = 2.68); COBYLA's tolerance
  // 0.00048 (1e-3 of the range). The best is the best *feasible* setting
  // evaluated: when COBYLA's last iterates land just on the infeasible side
  // by chance (as under random stream 2: 0.4997 at q = 0.1345), it is the
  // iterate before them, one trust-region step (≈ 0.006) further. 0.009 is
  // that step plus 4 SE.
  CHECK(best.x[0] == Approx(q_star).margin(0.009));
  CHECK(std::abs(conversion(best.x[0]) - 0.5) < 0.025);
  CHECK(best.feasible);
  CHECK(best.equivalent);
  CHECK(r.method.find("COBYLA") != std::string::npos);
  // Every evaluation ran the same 4 replications (common random numbers).
  for (const auto& e : r.evaluations)
    CHECK(e.objective.size() == 4);
}

TEST_CASE("optimize: a lever whose best is its bound is the bound, not COBYLA's approach to it", "[experiment]")
{
  // Live chat at 3 per exposure converts no better per money than the ad at
  // 1: the cheapest way to 50 % uses none of it. COBYLA closes in on the
  // bound without reaching it (4.5e-5 here; 2.3e-40 in USER_GUIDE's
  // example); within its tolerance of a bound, a lever is the bound.
  const ScenarioFile file(std::string(SCENARIO) +
                          "  - {name: chat, channel: chat, stages: [awareness], reach: 0.05, advance: 0.1, cost: 3}\n");
  OptimizeOptions o;
  o.levers = {parse_lever("touchpoints.ad.reach=0.02:0.5"), parse_lever("touchpoints.chat.reach=0:0.1")};
  o.objective.metric = "cost";
  o.constraints = {{"conversion_rate", true, 0.5}};
  o.replications = 4;
  o.agents = 5000;
  o.threads = 2;
  const OptimizeResult r = optimize(file.path, o);
  REQUIRE(r.any_feasible);
  CHECK(r.evaluations[r.best].x[1] == 0.0);
  for (const Evaluation& e : r.evaluations) {
    INFO(e.x[0] << ", " << e.x[1]);
    CHECK((e.x[1] == 0.0 || e.x[1] > 1e-4)); // never "nearly none"
    CHECK((e.x[0] == 0.02 || e.x[0] > 0.02 + 4.8e-4));
  }
}

TEST_CASE("optimize: a setting whose objective is undefined ranks last", "[experiment]")
{
  // Reach 0 converts nobody: cost per conversion is undefined there. Listed
  // first, it used to survive successive halving and be declared the best.
  const ScenarioFile file;
  OptimizeOptions o;
  o.levers = {parse_lever("touchpoints.ad.reach=0,0.1,0.3")};
  o.objective.metric = "cost_per_conversion";
  o.replications = 4;
  o.agents = 2000;
  o.threads = 2;
  const OptimizeResult r = optimize(file.path, o);
  const Evaluation& best = r.evaluations[r.best];
  CHECK(best.x[0] != 0.0);
  CHECK(!std::isnan(best.mean));
  CHECK(best.objective.size() == 4);
}

TEST_CASE("optimize: a discrete lever by successive halving", "[experiment]")
{
  const ScenarioFile file;
  OptimizeOptions o;
  o.levers = {parse_lever("touchpoints.ad.reach=0.05,0.1,0.15,0.2,0.3")};
  o.objective.metric = "cost";
  o.constraints = {{"conversion_rate", true, 0.5}};
  o.replications = 8;
  o.threads = 2;
  o.agents = 5000;
  const OptimizeResult r = optimize(file.path, o);
  // P = 0.23, 0.40, 0.54, 0.65, 0.80: 0.15 is the cheapest that reaches 50 %.
  REQUIRE(r.any_feasible);
  CHECK(r.evaluations[r.best].x[0] == 0.15);
  CHECK(r.evaluations[r.best].objective.size() == 8);
  for (const auto& e : r.evaluations) {
    INFO(e.x[0]);
    CHECK(e.feasible == (e.x[0] >= 0.15));
    // The others cost significantly more (or miss the target).
    if (e.x[0] != 0.15)
      CHECK(!e.equivalent);
  }
  // Successive halving: the worst settings stopped at 2 replications.
  CHECK(r.evaluations.front().objective.size() == 2);

  // Maximising conversion: the largest reach.
  o.objective.metric = "conversion_rate";
  o.objective.maximize = true;
  o.constraints.clear();
  const OptimizeResult m = optimize(file.path, o);
  CHECK(m.evaluations[m.best].x[0] == 0.3);
}

TEST_CASE("optimize: successive halving's best is a survivor, not a setting dropped on lucky replications",
          "[experiment][optimize]")
{
  // At 800 customers per run and seed 12, live chat reach 0.25 is dropped
  // after 4 replications with a mean (3007.6) above every survivor's over 8,
  // yet loses to 0.35 on the same seeds.
  OptimizeOptions o;
  o.levers = {parse_lever("touchpoints.live_chat.reach=0,0.05,0.1,0.15,0.2,0.25,0.3,0.35")};
  o.objective.metric = "profit";
  o.objective.maximize = true;
  o.replications = 8;
  o.agents = 800;
  o.seed = 12;
  o.seed_given = true;
  o.threads = 1;
  const OptimizeResult r = optimize(std::string(JOURNEYSIM_SCENARIOS) + "/what_if_journey.yaml", o);
  const Evaluation& best = r.evaluations[r.best];
  CHECK(best.objective.size() == 8);
  CHECK(best.x[0] == 0.35);
  CHECK(best.mean == Approx(2782.72).margin(0.01));
  for (const Evaluation& e : r.evaluations) {
    INFO(e.x[0]);
    if (e.objective.size() == 8)
      CHECK(best.mean >= e.mean);
    // The difference is paired on the replications both have.
    const std::size_t common = std::min(best.objective.size(), e.objective.size());
    double paired = 0;
    for (std::size_t k = 0; k < common; ++k)
      paired += best.objective[k] - e.objective[k];
    CHECK(e.diff == Approx(paired / static_cast<double>(common)));
  }
  const auto dropped = std::find_if(r.evaluations.begin(), r.evaluations.end(),
                                    [](const Evaluation& e) { return e.x[0] == 0.25; });
  REQUIRE(dropped != r.evaluations.end());
  CHECK(dropped->objective.size() == 4);
  CHECK(dropped->mean > best.mean); // its lucky first four, not a reason to choose it
  CHECK(dropped->diff > 0);        // on those same four, 0.35 does better
}

TEST_CASE("optimize: --customers scales totals only, change costs need a total", "[experiment][optimize]")
{
  const ScenarioFile file;
  OptimizeOptions o;
  o.levers = {parse_lever("touchpoints.ad.reach=0.1,0.2")};
  o.objective.maximize = true;
  o.replications = 2;
  o.agents = 2000;
  o.threads = 1;
  const auto best_mean = [&](const char* metric, double scale) {
    o.objective.metric = metric;
    o.objective.scale = scale;
    const OptimizeResult r = optimize(file.path, o);
    return r.evaluations[r.best].mean;
  };
  // P(convert) at reach 0.2 = 0.65: a rate stays one whatever the customers.
  const double rate = best_mean("conversion_rate", 1);
  CHECK(rate == Approx(conversion(0.2)).margin(0.03));
  CHECK(best_mean("conversion_rate", 50) == rate);
  CHECK(best_mean("conversions", 50) == Approx(50 * best_mean("conversions", 1)));
  o.objective.changes = {{"touchpoints.ad.reach", 100, 0.2}};
  CHECK_THROWS_WITH(best_mean("conversion_rate", 1), Catch::Contains("conversion_rate is not a total"));
}

TEST_CASE("optimize: settings that do not differ are all good choices", "[experiment]")
{
  const ScenarioFile file;
  OptimizeOptions o;
  // The ad's emotion does nothing with mood_effect 0: every setting is the same.
  o.levers = {parse_lever("touchpoints.ad.emotion=0,0.1,0.2")};
  o.objective.metric = "conversion_rate";
  o.objective.maximize = true;
  o.replications = 4;
  o.agents = 3000;
  const OptimizeResult r = optimize(file.path, o);
  for (const auto& e : r.evaluations) {
    CHECK(e.equivalent);
    CHECK(e.diff == 0);
  }
}

TEST_CASE("optimize: a setting successive halving dropped is not called as good as the best", "[experiment]")
{
  // Reaches a thousandth apart: sampling noise decides the first round, and a
  // dropped setting's interval over two replications (t with 1 df: ±12.7 sd)
  // holds 0 — little is known about it, which is not being as good.
  const ScenarioFile file;
  OptimizeOptions o;
  o.levers = {parse_lever("touchpoints.ad.reach=0.200,0.201,0.202,0.203")};
  o.objective.metric = "conversion_rate";
  o.objective.maximize = true;
  o.replications = 4;
  o.agents = 2000;
  const OptimizeResult r = optimize(file.path, o);
  const Evaluation& best = r.evaluations[r.best];
  std::size_t dropped_but_not_significant = 0;
  for (const auto& e : r.evaluations) {
    if (e.objective.size() >= best.objective.size())
      continue;
    const bool identical = e.diff_low == 0 && e.diff_high == 0;
    dropped_but_not_significant += e.diff_low <= 0 && e.diff_high >= 0 && !identical;
    CHECK(e.equivalent == identical);
  }
  CHECK(dropped_but_not_significant > 0); // the case the rule is for did occur
}

TEST_CASE("optimize: levers are parsed or refused with an example", "[experiment]")
{
  const Lever range = parse_lever("touchpoints.ad.reach=0.1:0.4");
  CHECK(range.continuous());
  CHECK(range.low == 0.1);
  CHECK(range.high == 0.4);
  const Lever steps = parse_lever("touchpoints.checkout.checkout.steps=1:5:2");
  CHECK(steps.values == std::vector<double>{1, 3, 5});
  CHECK(parse_lever("a.b=1,2").values == std::vector<double>{1, 2});
  CHECK_THROWS_WITH(parse_lever("touchpoints.ad.reach=0.4:0.1"), Catch::Contains("LOW < HIGH"));
  CHECK_THROWS_WITH(parse_lever("touchpoints.ad.reach"), Catch::Contains("PATH=LOW:HIGH"));
}

TEST_CASE("optimize: a whole-number parameter as a range is refused before running, as a --lever error",
          "[experiment][optimize]")
{
  OptimizeOptions o;
  o.levers = {parse_lever("touchpoints.checkout.checkout.steps=1:6")};
  o.objective.metric = "profit";
  o.objective.maximize = true;
  o.replications = 2;
  o.agents = 500;
  std::size_t runs = 0;
  CHECK_THROWS_WITH(optimize(std::string(JOURNEYSIM_SCENARIOS) + "/what_if_journey.yaml", o,
                             [&](std::size_t, std::size_t n) { runs = n; }),
                    "--lever touchpoints.checkout.checkout.steps=1:6: touchpoints.checkout.checkout.steps takes "
                    "whole numbers, but a range LOW:HIGH is searched through fractions; give whole-number choices "
                    "as a list or FROM:TO:STEP (e.g. touchpoints.checkout.checkout.steps=1:6:1)");
  CHECK(runs == 0);
}
