#include "journeysim/report/html_report.h"

#include <catch2/catch.hpp>

using namespace journeysim::report;

namespace {

//! A two-variant run whose only comparison row is conversion, as given.
ReportData run_with_conversion(double difference, double ci_low, double ci_high, double p_value)
{
  ReportData d;
  d.scenario_name = "s";
  d.stages = {"awareness", "purchase"};
  d.personas = {"p"};
  d.persona_shares = {1.0};
  VariantReport base, v;
  base.name = "baseline";
  v.name = "change";
  for (VariantReport* r : {&base, &v}) {
    r->reached = {1000, 20};
    r->reached_by_persona = {1000, 20};
  }
  v.comparison = std::vector<ComparisonRow>{{"conversion_rate", 0.02, 0.02 + difference, difference, ci_low, ci_high,
                                             p_value, "mcnemar"}};
  d.variants = {base, v};
  return d;
}

} // namespace

TEST_CASE("report: the recommendation names a disagreement of interval and test neutrally, either way round",
          "[report]")
{
  const std::string neutral = "the test, p = ";
  // 0 outside the interval, the exact test not significant (a small run).
  const std::string a = render_html(run_with_conversion(0.008, 0.0002, 0.0158, 0.125));
  CHECK(a.find("No variant raises conversion with confidence") != std::string::npos);
  CHECK(a.find(neutral + "0.125, disagrees with the interval") != std::string::npos);
  // The reverse: the test significant, 0 inside the interval (best difference below 0).
  const std::string b = render_html(run_with_conversion(-0.004, -0.0081, 0.0001, 0.03));
  CHECK(b.find(neutral + "0.030, disagrees with the interval") != std::string::npos);
  CHECK(b.find("does not confirm") == std::string::npos);
  // Agreement: nothing added.
  const std::string c = render_html(run_with_conversion(0.001, -0.002, 0.004, 0.6));
  CHECK(c.find("disagrees") == std::string::npos);
}
