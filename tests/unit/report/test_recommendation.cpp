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

namespace {

ComparisonRow row(const std::string& metric, double difference, double ci_low, double ci_high, double p_value)
{
  return {metric, 1.0, 1.0 + difference, difference, ci_low, ci_high, p_value, "paired"};
}

ReportData run_with(const std::vector<std::pair<std::string, std::vector<ComparisonRow>>>& variants)
{
  ReportData d = run_with_conversion(0, 0, 0, 1);
  d.variants.resize(1);
  for (const auto& [name, rows] : variants) {
    VariantReport v = d.variants.front();
    v.name = name;
    v.comparison = rows;
    d.variants.push_back(v);
  }
  return d;
}

std::string paragraph(const std::string& page)
{
  const std::size_t at = page.find("<p class=\"verdict\">");
  return page.substr(at, page.find("</p>", at) - at);
}

} // namespace

TEST_CASE("report: the recommended variant is the best of those whose lift is significant", "[report]")
{
  // "noisy" is ahead on its point estimate, "precise" surely helps.
  const std::string p = paragraph(render_html(run_with({{"noisy", {row("conversion_rate", 0.0057, -0.0053, 0.0167, 0.3)}},
                                                        {"precise", {row("conversion_rate", 0.002, 0.0004, 0.0036, 0.031)}}})));
  CHECK(p.find("<b>precise</b> wins") != std::string::npos);
  CHECK(p.find("No variant raises") == std::string::npos);
  CHECK(p.find("No other variant raises conversion with confidence") != std::string::npos);
  CHECK(p.find("Runner-up") == std::string::npos); // noisy is not sure to help
}

TEST_CASE("report: a runner-up is named only if it surely helps too", "[report]")
{
  const std::string p = paragraph(render_html(run_with({{"a", {row("conversion_rate", 0.004, 0.002, 0.006, 0.001)}},
                                                        {"worse", {row("conversion_rate", -0.02, -0.03, -0.01, 0.001)}},
                                                        {"b", {row("conversion_rate", 0.003, 0.001, 0.005, 0.01)}}})));
  CHECK(p.find("<b>a</b> wins") != std::string::npos);
  CHECK(p.find("Runner-up: b (+0.30 pp; its interval overlaps") != std::string::npos);
  CHECK(p.find("Runner-up: worse") == std::string::npos);
  CHECK(p.find("worse (−2.00 pp) converts significantly fewer customers.") != std::string::npos); // not left out
}

TEST_CASE("report: a change that moves no conversion but raises profit wins on profit, not 'simulate more'", "[report]")
{
  ReportData d = run_with({{"loyalty_club", {row("conversion_rate", 0, 0, 0, 1), row("profit", 6325.9, 5298, 7354, 1e-6)}}});
  d.currency = "EUR";
  const std::string p = paragraph(render_html(d));
  INFO(p);
  CHECK(p.find("<b>loyalty_club</b> wins on profit: +6,326 EUR") != std::string::npos);
  CHECK(p.find("it changes no customer's conversion") != std::string::npos);
  CHECK(p.find("p &lt; 0.001") != std::string::npos);
  CHECK(p.find("simulate more") == std::string::npos);
}

TEST_CASE("report: a variant that converts more but surely loses profit does not win", "[report]")
{
  // A 40 % cart code at a 30 % margin: more buyers, less money.
  ReportData d = run_with({{"deep_discount", {row("conversion_rate", 0.0037, 0.003, 0.0044, 1e-6),
                                              row("profit", -7168, -8196, -6139, 1e-6)}},
                           {"small_discount", {row("conversion_rate", 0.001, 0.0004, 0.0016, 0.002),
                                               row("profit", -467, -648, -285, 1e-4)}}});
  d.currency = "EUR";
  const std::string page = render_html(d);
  const std::string p = paragraph(page);
  INFO(p);
  CHECK(p.find("wins") == std::string::npos);
  CHECK(p.find("No variant raises conversion and pays for it.") != std::string::npos);
  CHECK(p.find("<b>deep_discount</b> converts more (+0.37 pp) but loses profit: −7,168 EUR") != std::string::npos);
  CHECK(p.find("<b>small_discount</b> converts more") != std::string::npos);
  CHECK(p.find("simulate more") == std::string::npos);
  // The ranking shows profit beside the lift.
  CHECK(page.find("<th>Profit (EUR) <small>(* significant)</small></th>") != std::string::npos);
  CHECK(page.find("<td>−7,168 *</td>") != std::string::npos);

  // A profitable one among them wins, and its profit is stated.
  d = run_with({{"deep_discount", {row("conversion_rate", 0.0037, 0.003, 0.0044, 1e-6), row("profit", -7168, -8196, -6139, 1e-6)}},
                {"chat", {row("conversion_rate", 0.002, 0.001, 0.003, 1e-4), row("profit", 900, 400, 1400, 1e-3)}}});
  const std::string q = paragraph(render_html(d));
  INFO(q);
  CHECK(q.find("<b>chat</b> wins") != std::string::npos);
  CHECK(q.find("Profit +900.00 (95 % CI 400.00 to 1,400)") != std::string::npos);
  CHECK(q.find("No other variant raises conversion and pays for it.") != std::string::npos);
  CHECK(q.find("<b>deep_discount</b> converts more (+0.37 pp) but loses profit") != std::string::npos);
  // The ranking agrees with the verdict: the one that loses profit is last, not first.
  const std::string table = render_html(d);
  const std::size_t first = table.find("<tr><td>1</td>");
  REQUIRE(first != std::string::npos);
  CHECK(table.find("chat", first) < table.find("deep_discount", first));
}

TEST_CASE("report: 'no variant changes any conversion' only when none does, those that lower it are named",
          "[report]")
{
  ReportData d = run_with({{"higher_margin", {row("conversion_rate", 0, 0, 0, 1), row("profit", 500, 300, 700, 1e-5)}},
                           {"no_search", {row("conversion_rate", -0.00256, -0.00288, -0.00222, 1e-6)}}});
  const std::string p = paragraph(render_html(d));
  CHECK(p.find("No variant changes any customer's conversion") == std::string::npos);
  CHECK(p.find("<b>higher_margin</b> wins on profit: +500.00") != std::string::npos);
  INFO(p);
  CHECK(p.find("no_search (−0.26 pp) converts significantly fewer customers.") != std::string::npos);
  CHECK(p.find("simulate more") == std::string::npos);
}

TEST_CASE("report: a variant whose population feedback did not converge is a caution above the verdict", "[report]")
{
  ReportData d = run_with({{"chat", {row("conversion_rate", 0.002, 0.001, 0.003, 1e-4)}}});
  CHECK(render_html(d).find("Caution:") == std::string::npos);
  d.unsettled = {"chat"};
  const std::string page = render_html(d);
  const std::size_t caution = page.find("<p class=\"caution\"><b>Caution:</b> the population feedback of chat did not converge");
  CHECK(caution != std::string::npos);
  CHECK(caution < page.find("<p class=\"verdict\">"));
}

TEST_CASE("report: where money is modelled, the variant that surely earns most wins over a larger lift that does not",
          "[report]")
{
  // A strategist's coffee shop: doubling the ads budget converts a little
  // more but is not shown to earn more; moving budget between channels at
  // the same spend surely earns more.
  ReportData d = run_with({{"double_budget", {row("conversion_rate", 0.0023, 0.0011, 0.0035, 1e-4),
                                              row("profit", 145.32, -302.77, 593.40, 0.52)}},
                           {"meta_to_google", {row("conversion_rate", 0.0019, 0.0007, 0.0031, 0.002),
                                               row("profit", 2828, 2300, 3356, 1e-6)}}});
  d.currency = "EUR";
  const std::string page = render_html(d);
  const std::string p = paragraph(page);
  INFO(p);
  CHECK(p.find("<b>meta_to_google</b> wins on profit: +2,828 EUR") != std::string::npos);
  CHECK(p.find("<b>double_budget</b> converts more (+0.23 pp) but is not shown to earn more: profit +145.32 EUR "
               "(95 % CI −302.77 to 593.40)") != std::string::npos);
  CHECK(p.find("double_budget</b> wins") == std::string::npos);
  // The ranking agrees: by profit.
  const std::size_t first = page.find("<tr><td>1</td>");
  REQUIRE(first != std::string::npos);
  CHECK(page.find("meta_to_google", first) < page.find("double_budget", first));

  // The same lift alone, its profit not shown to rise: it wins on conversion and says it is not shown to earn more.
  d = run_with({{"double_budget", {row("conversion_rate", 0.0023, 0.0011, 0.0035, 1e-4), row("profit", 145.32, -302.77, 593.40, 0.52)}}});
  const std::string q = paragraph(render_html(d));
  INFO(q);
  CHECK(q.find("<b>double_budget</b> wins:") != std::string::npos);
  CHECK(q.find("It converts more without being shown to earn more.") != std::string::npos);
}

TEST_CASE("report: the runner-up follows the profit ranking, and a variant is named once", "[report]")
{
  // The conversion winner earns most too; the next earner is the runner-up,
  // not a larger-lift variant whose profit is not shown to rise.
  ReportData d = run_with({{"simplified_checkout", {row("conversion_rate", 0.0015, 0.001, 0.002, 1e-6),
                                                    row("profit", 2458, 2000, 2900, 1e-6)}},
                           {"margin_up", {row("conversion_rate", 0, 0, 0, 1), row("profit", 1435, 1200, 1700, 1e-6)}},
                           {"proactive_chat", {row("conversion_rate", 0.0007, 0.0002, 0.0012, 0.01),
                                               row("profit", 373.81, -100, 850, 0.2)}}});
  std::string p = paragraph(render_html(d));
  INFO(p);
  CHECK(p.find("<b>simplified_checkout</b> wins:") != std::string::npos);
  CHECK(p.find("Runner-up: margin_up (profit +1,435") != std::string::npos);
  CHECK(p.find("Runner-up: proactive_chat") == std::string::npos);

  // The top earner converts less than the runner-up earner: the runner-up is
  // named once, with its larger lift.
  d = run_with({{"margin_up", {row("conversion_rate", 0, 0, 0, 1), row("profit", 3000, 2500, 3500, 1e-6)}},
                {"simplified_checkout", {row("conversion_rate", 0.0015, 0.001, 0.002, 1e-6),
                                         row("profit", 2458, 2000, 2900, 1e-6)}}});
  p = paragraph(render_html(d));
  INFO(p);
  CHECK(p.find("<b>margin_up</b> wins on profit") != std::string::npos);
  CHECK(p.find("Runner-up: simplified_checkout (profit +2,458; it converts more, +0.15 pp, but earns less") !=
        std::string::npos);
  CHECK(p.find("<b>simplified_checkout</b> converts more") == std::string::npos);
}

TEST_CASE("report: a winner whose profit is budget left unspent says so", "[report]")
{
  // Half the social budget moved to a channel nobody uses: spend falls, profit "rises".
  ReportData d = run_with({{"social_to_tiktok", {row("conversion_rate", -0.0021, -0.003, -0.0012, 1e-4),
                                                 row("profit", 11688, 10721, 12655, 1e-6)}}});
  d.currency = "PLN";
  d.variants[0].spend = Spend{{"social", "tiktok"}, {36000, 0}, {36000, 0}};
  d.variants[1].spend = Spend{{"social", "tiktok"}, {18000, 0}, {18000, 18000}};
  std::string p = paragraph(render_html(d));
  INFO(p);
  CHECK(p.find("<b>social_to_tiktok</b> wins on profit") != std::string::npos);
  CHECK(p.find("Caution: <b>social_to_tiktok</b> leaves 18,000 PLN of its planned budget unspent (the baseline: "
               "none)") != std::string::npos);
  // Small amounts as money (3.90, not 3.900).
  d.variants[1].spend = Spend{{"social", "tiktok"}, {18000, 0}, {18000, 3.9}};
  CHECK(paragraph(render_html(d)).find("leaves 3.90 PLN of its planned budget unspent") == std::string::npos); // under 1 %
  d.variants[0].spend = Spend{{"social"}, {100}, {100}};
  d.variants[1].spend = Spend{{"social"}, {96.1}, {100}};
  CHECK(paragraph(render_html(d)).find("leaves 3.90 PLN of its planned budget unspent") != std::string::npos);
  // The runner-up's profit from unspent budget is cautioned too.
  ReportData r = run_with({{"great_checkout", {row("conversion_rate", 0.002, 0.001, 0.003, 1e-4), row("profit", 900, 400, 1400, 1e-3)}},
                           {"pause_useless", {row("conversion_rate", 0, 0, 0, 1), row("profit", 541, 300, 800, 1e-3)}}});
  r.variants[0].spend = Spend{{"social"}, {300}, {300}};
  r.variants[1].spend = Spend{{"social"}, {300}, {300}};
  r.variants[2].spend = Spend{{"social"}, {0}, {300}};
  p = paragraph(render_html(r));
  INFO(p);
  CHECK(p.find("Runner-up: pause_useless") != std::string::npos);
  CHECK(p.find("Caution: <b>pause_useless</b> leaves 300.00 of its planned budget unspent") != std::string::npos);
  // Spent as planned: no caution.
  d.variants[1].spend = Spend{{"social", "tiktok"}, {18000, 18000}, {18000, 18000}};
  CHECK(paragraph(render_html(d)).find("Caution") == std::string::npos);
}
