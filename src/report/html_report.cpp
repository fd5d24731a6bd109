#include "journeysim/report/html_report.h"

#include "svg.h"

#include "journeysim/analysis/paired_stats.h"
#include "journeysim/analysis/sample_size.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

namespace journeysim::report {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// One colour per variant everywhere on the page (the baseline is grey).
const char* const VARIANT_COLORS[] = {"#2563eb", "#ea580c", "#16a34a", "#dc2626", "#9333ea",
                                      "#0891b2", "#ca8a04", "#db2777", "#4d7c0f"};
// Personas get other hues, so a line is never mistaken for a variant.
const char* const PERSONA_COLORS[] = {"#0f766e", "#7c3aed", "#b45309", "#be185d",
                                      "#1e40af", "#4d7c0f", "#9f1239", "#475569"};

std::string variant_color(std::size_t i)
{
  return i == 0 ? "#64748b" : VARIANT_COLORS[(i - 1) % std::size(VARIANT_COLORS)];
}
std::string persona_color(std::size_t i) { return PERSONA_COLORS[i % std::size(PERSONA_COLORS)]; }

struct Kind {
  std::size_t column; //!< in journey_map/touches_by_kind
  const char* label;
  const char* color;
};
const Kind LANES[] = {{1, "pain points", "#dc2626"},
                      {2, "success points", "#16a34a"},
                      {3, "moments of truth", "#d97706"}};

std::string phase_color(const std::string& phase)
{
  if (phase == "pre_purchase")
    return "#eef4fc";
  if (phase == "purchase")
    return "#fdf3e6";
  if (phase == "post_purchase")
    return "#edf8ef";
  return "#f3f4f6";
}

std::string swatch(const std::string& color, bool line = false)
{
  return "<i class=\"swatch" + std::string(line ? " line" : "") + "\" style=\"background:" + color + "\"></i>";
}

//! A number of any size, readably: 1,234,567 / 12.35 / 0.0123.
std::string smart(double x)
{
  if (!std::isfinite(x))
    return fixed(x, 0);
  const double a = std::fabs(x);
  if (a >= 1000)
    return grouped(x);
  if (a >= 10)
    return fixed(x, 2);
  if (a >= 0.1 || a == 0)
    return fixed(x, 3);
  return fixed(x, 5);
}

std::string p_text(double p)
{
  if (!std::isfinite(p))
    return "—";
  if (p < 0.001)
    return "&lt; 0.001";
  return fixed(p, 3);
}

//! The comparison row of the conversion rate, if the variant has one.
const ComparisonRow* conversion_row(const VariantReport& v)
{
  if (!v.comparison)
    return nullptr;
  for (const auto& r : *v.comparison)
    if (r.metric == "conversion_rate")
      return &r;
  for (const auto& r : *v.comparison)
    if (r.metric.find("conversion") != std::string::npos && r.metric.find("cost") == std::string::npos)
      return &r;
  return nullptr;
}

// ---------------------------------------------------------------- sections

std::string identity(const ReportData& d)
{
  std::string h = "<header>\n<p class=\"kicker\">journeysim what-if report</p>\n<h1>" + escape(d.scenario_name) +
                  "</h1>\n";
  if (!d.scenario_description.empty())
    h += "<p class=\"lead\">" + escape(d.scenario_description) + "</p>\n";
  const auto item = [](const std::string& term, const std::string& value_html) {
    return "<div><dt>" + term + "</dt><dd>" + value_html + "</dd></div>";
  };
  h += "<dl class=\"identity\">";
  h += item("Agents (same customers in every variant)", grouped(static_cast<double>(d.population)));
  h += item("Seed", std::to_string(d.seed));
  h += item("Horizon", std::to_string(d.horizon_days) + " days");
  h += item("Variants", std::to_string(d.variants.size()));
  h += item("Run date (UTC)", escape(d.created_utc));
  h += item("journeysim", escape(d.journeysim_version));
  h += item("Scenario file", "<code>" + escape(d.scenario_path) + "</code>");
  h += item("Scenario SHA-256", "<code>" + escape(d.scenario_sha256.substr(0, 16)) + "…</code>");
  if (!d.command_line_set.empty()) { // the file's text alone is not what ran
    std::string set;
    for (const std::string& s : d.command_line_set)
      set += (set.empty() ? "" : " ") + std::string("<code>--set ") + escape(s) + "</code>";
    h += item("Changed on the command line", set);
  }
  h += item("Results file", "<code>" + escape(d.path) + "</code>");
  h += "</dl>\n</header>\n";
  return h;
}

//! Observed vs simulated, when the run's scenario was written by `journeysim calibrate`.
std::string observed_section(const ReportData& d)
{
  const Calibration& c = d.calibration;
  if (c.header.empty())
    return {};
  std::string h = "<section id=\"observed\">\n<h2>Observed vs simulated</h2>\n<p class=\"lead\">This scenario was "
                  "calibrated to an observed funnel. Per transition: the observed rate, the rate the calibration "
                  "fitted, and this run's baseline rate, with z = (this run − observed) / the standard deviation of "
                  "that difference, both samples' errors included (|z| &gt; 2: this run does not reproduce the observed transition).</p>\n";
  const std::size_t K = d.stages.size();
  const VariantReport& base = d.variants.front();
  auto index = [](const std::vector<std::string>& names, const std::string& n) {
    const auto it = std::find(names.begin(), names.end(), n);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
  };
  h += "<div class=\"scroll\"><table class=\"compact\">\n<thead><tr><th>transition</th><th>customers</th><th>observed</th>"
       "<th>calibration fit</th><th>this run</th><th>z</th></tr></thead>\n<tbody>\n";
  for (const auto& r : c.rows) {
    const int from = index(d.stages, r.from), to = index(d.stages, r.to);
    const int persona = r.persona.empty() ? -1 : index(d.personas, r.persona);
    double run = std::numeric_limits<double>::quiet_NaN(), simulated = 0.0;
    if (from >= 0 && to >= 0 && (r.persona.empty() || persona >= 0)) {
      auto reached = [&](int k) {
        return static_cast<double>(persona < 0 ? base.reached[k] : base.reached_by_persona[persona * K + k]);
      };
      simulated = reached(from);
      if (simulated > 0)
        run = reached(to) / simulated;
    }
    // Both are samples: the observed customers and this run's agents.
    const double n = static_cast<double>(r.customers), observed = static_cast<double>(r.reached) / n;
    const double sd = std::sqrt(std::max(observed * (1 - observed), 1e-12) * (1 / n + (simulated > 0 ? 1 / simulated : 0)));
    h += "<tr><td>" + escape((r.persona.empty() ? "" : r.persona + ": ") + r.from + " → " + r.to) + "</td><td>" +
         grouped(n) + "</td><td>" + smart(observed) + "</td><td>" + smart(r.fitted) + "</td><td>" + smart(run) +
         "</td><td>" + smart((run - observed) / sd) + "</td></tr>\n";
  }
  h += "</tbody></table></div>\n<details><summary>The calibration, as recorded in the scenario</summary>\n<pre>";
  for (const auto& line : c.header)
    h += escape(line) + "\n";
  return h + "</pre>\n</details>\n</section>\n";
}

std::string summary_table(const ReportData& d)
{
  const VariantReport& base = d.variants.front();
  std::string h = "<section id=\"summary\">\n<h2>Summary per variant</h2>\n"
                  "<p class=\"lead\">A conversion is reaching the first purchase stage. ROI is on profit: "
                  "(margin × list revenue − discounts − marketing cost) / marketing cost; without a margin, "
                  "(revenue − marketing cost) / marketing cost." +
                  (d.currency.empty() ? std::string() : " Money in " + escape(d.currency) + ".") +
                  "</p>\n<div class=\"scroll\"><table>\n<thead><tr>"
                  "<th>Variant</th><th>Conversion rate</th><th>vs baseline</th><th>Conversions</th>"
                  "<th>Purchases</th><th>Revenue</th><th>Marketing cost</th><th>Cost / conversion</th>"
                  "<th>ROI</th><th>Cart abandonment</th><th>Mean mood</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < d.variants.size(); ++i) {
    const VariantReport& v = d.variants[i];
    const double diff = 100 * (v.metric("conversion_rate") - base.metric("conversion_rate"));
    std::string delta = "—";
    if (i > 0)
      delta = "<span class=\"" + std::string(diff > 0 ? "up" : diff < 0 ? "down" : "") + "\">" +
              signed_fixed(diff, 2) + " pp</span>";
    h += "<tr><td>" + swatch(variant_color(i)) + "<b>" + escape(v.name) + "</b>";
    if (!v.description.empty())
      h += "<div class=\"desc\">" + escape(v.description) + "</div>";
    h += "</td><td>" + percent(v.metric("conversion_rate"), 2) + "</td><td>" + delta + "</td><td>" +
         grouped(v.metric("conversions")) + "</td><td>" + grouped(v.metric("purchases")) + "</td><td>" +
         grouped(v.metric("revenue")) + "</td><td>" + grouped(v.metric("cost")) + "</td><td>" +
         fixed(v.metric("cost_per_conversion"), 2) + "</td><td>" + percent(v.metric("roi"), 1) + "</td><td>" +
         percent(v.metric("cart_abandon_rate"), 1) + "</td><td>" + fixed(v.metric("mean_mood"), 3) +
         "</td></tr>\n";
  }
  h += "</tbody></table></div>\n</section>\n";
  return h;
}

std::string variant_legend(const ReportData& d)
{
  std::string h = "<div class=\"legend\">";
  for (std::size_t i = 0; i < d.variants.size(); ++i)
    h += "<span>" + swatch(variant_color(i)) + escape(d.variants[i].name) + "</span>";
  return h + "</div>\n";
}

//! The comparison row of `metric`, if the variant has one.
const ComparisonRow* row_of(const VariantReport& v, const std::string& metric)
{
  if (!v.comparison)
    return nullptr;
  for (const auto& r : *v.comparison)
    if (r.metric == metric)
      return &r;
  return nullptr;
}

bool significant(const ComparisonRow& r) { return std::isfinite(r.p_value) && r.p_value < 0.05; }

std::string relative_change(const ComparisonRow* r)
{
  if (!r || !std::isfinite(r->difference) || !(std::fabs(r->baseline) > 0))
    return "—";
  return signed_fixed(100 * r->difference / std::fabs(r->baseline), 1) + " %";
}

//! Ranking of the variants by conversion lift, and one paragraph: what wins,
//! by how much, how sure, at what cost, who loses, how to confirm it.
std::string recommendation_section(const ReportData& d)
{
  std::vector<std::size_t> ranked;
  for (std::size_t i = 1; i < d.variants.size(); ++i)
    if (conversion_row(d.variants[i]))
      ranked.push_back(i);
  if (ranked.empty())
    return "";
  const auto loses_profit = [&](std::size_t i) {
    const ComparisonRow* p = row_of(d.variants[i], "profit");
    return p && significant(*p) && p->difference < 0;
  };
  const auto by_lift = [&](std::size_t a, std::size_t b) {
    return conversion_row(d.variants[a])->difference > conversion_row(d.variants[b])->difference;
  };
  const auto profit_of = [&](std::size_t i) {
    const ComparisonRow* p = row_of(d.variants[i], "profit");
    return p && std::isfinite(p->difference) ? p->difference : -std::numeric_limits<double>::infinity();
  };
  // Where money is modelled, the decision is about it: the variants that
  // surely raise profit, most first. A larger conversion lift whose profit
  // is not shown to rise must not outrank one that surely earns more.
  std::vector<std::size_t> earners;
  for (std::size_t i : ranked)
    if (const ComparisonRow* p = row_of(d.variants[i], "profit"); p && significant(*p) && p->difference > 0)
      earners.push_back(i);
  std::stable_sort(earners.begin(), earners.end(), [&](std::size_t a, std::size_t b) { return profit_of(a) > profit_of(b); });
  // The table ranks as the verdict decides: by profit if some variant surely
  // raises it, else by conversion lift with those that surely lose profit last.
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    if (!earners.empty())
      return profit_of(a) > profit_of(b);
    if (loses_profit(a) != loses_profit(b))
      return !loses_profit(a);
    return by_lift(a, b);
  });
  // Profit beside the conversion lift: a change can convert more and earn less.
  const bool with_profit = std::any_of(ranked.begin(), ranked.end(),
                                       [&](std::size_t i) { return row_of(d.variants[i], "profit") != nullptr; });
  const auto profit_change = [&](const VariantReport& v) {
    const ComparisonRow* p = row_of(v, "profit");
    return p ? (p->difference >= 0 ? "+" : "") + smart(p->difference) + (significant(*p) ? " *" : "") : "—";
  };
  std::string rows;
  for (std::size_t r = 0; r < ranked.size(); ++r) {
    const VariantReport& v = d.variants[ranked[r]];
    const ComparisonRow& c = *conversion_row(v);
    rows += "<tr><td>" + std::to_string(r + 1) + "</td><td>" + swatch(variant_color(ranked[r])) + "<b>" +
            escape(v.name) + "</b></td><td>" + signed_fixed(100 * c.difference, 2) + " pp <small>[" +
            signed_fixed(100 * c.ci_low, 2) + ", " + signed_fixed(100 * c.ci_high, 2) + "]</small></td><td>" +
            (significant(c) ? "yes" : "no") + "</td><td>" + relative_change(row_of(v, "revenue_per_agent")) +
            "</td><td>" + relative_change(row_of(v, "marketing_cost")) + "</td><td>" +
            relative_change(row_of(v, "cost_per_conversion")) + "</td>" +
            (with_profit ? "<td>" + profit_change(v) + "</td>" : "") + "</tr>\n";
  }
  // The paragraph. The winner is the variant with the largest conversion
  // lift among those whose lift is significant: one ahead on its point
  // estimate alone must not hide one that surely helps. One that surely
  // loses profit does not win, however many more it converts (a deep
  // discount at a thin margin): it is named as such instead.
  const auto money = [&](double x) { return smart(x) + (d.currency.empty() ? "" : " " + escape(d.currency)); };
  const auto p_text = [](double p) { return p < 0.001 ? std::string("p &lt; 0.001") : "p = " + fixed(p, 3); };
  std::vector<std::size_t> winners, unprofitable;
  for (std::size_t i : ranked)
    if (significant(*conversion_row(d.variants[i])) && conversion_row(d.variants[i])->difference > 0)
      (loses_profit(i) ? unprofitable : winners).push_back(i);
  std::stable_sort(winners.begin(), winners.end(), by_lift); // the table's order may be by profit
  std::stable_sort(unprofitable.begin(), unprofitable.end(), by_lift);
  // Variants that convert fewer, surely: a strategist reading "no variant
  // raises conversion" must not take them for harmless.
  std::string lowering;
  std::size_t n_lowering = 0;
  for (auto it = ranked.rbegin(); it != ranked.rend(); ++it) {
    const ComparisonRow& c = *conversion_row(d.variants[*it]);
    if (significant(c) && c.difference < 0) {
      lowering += std::string(n_lowering ? ", " : "") + escape(d.variants[*it].name) + " (" +
                  signed_fixed(100 * c.difference, 2) + " pp)";
      ++n_lowering;
    }
  }
  const auto still = [&](std::size_t i) {
    const ComparisonRow& c = *conversion_row(d.variants[i]);
    return c.difference == 0 && c.ci_low == 0 && c.ci_high == 0;
  };
  // What the chosen variant changes besides conversion, who loses, how to confirm it.
  const auto effects_of = [&](const VariantReport& v, bool with_profit_effect) {
    const ComparisonRow* cost = row_of(v, "marketing_cost");
    const ComparisonRow* cpc = row_of(v, "cost_per_conversion");
    const ComparisonRow* rev = row_of(v, "revenue_per_agent");
    const ComparisonRow* profit = row_of(v, "profit");
    std::string effects;
    const auto effect = [&](const std::string& e) { effects += (effects.empty() ? "" : ", ") + e; };
    if (cost)
      effect("marketing cost " + relative_change(cost));
    if (cpc)
      effect("cost per conversion " + relative_change(cpc));
    if (rev)
      effect("revenue per customer " + relative_change(rev));
    if (profit && with_profit_effect)
      effect("profit " + std::string(profit->difference >= 0 ? "+" : "") + money(profit->difference) + " (95 % CI " +
             smart(profit->ci_low) + " to " + smart(profit->ci_high) + (significant(*profit) ? "" : ", not significant") +
             ")");
    if (effects.empty())
      return std::string();
    effects[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(effects[0])));
    return " " + effects + "; the cost of building the change itself is not in the model: weigh it against this.";
  };
  const auto who_loses = [&](const VariantReport& v) {
    if (v.persona_conversion.empty()) // other persona shares: no paired rows by persona
      return std::string(v.comparison ? " Who loses cannot be told by persona: its customers come from other persona "
                                        "shares." : "");
    // The persona with the largest significant conversion drop.
    const PersonaChange* loser = nullptr;
    for (const auto& pc : v.persona_conversion)
      if (pc.p_value < 0.05 && pc.difference < 0 && (!loser || pc.difference < loser->difference))
        loser = &pc;
    return loser ? " Who loses: " + escape(loser->persona) + " (" + signed_fixed(100 * loser->difference, 2) + " pp)."
                 : std::string(" No persona converts significantly less.");
  };
  const auto ab_test = [&](const ComparisonRow& c) {
    const analysis::AbTestPlan plan = analysis::plan_ab_test(c.baseline, c.variant, c.ci_low, c.ci_high);
    return " To confirm it before building: a real A/B test with " + grouped(plan.per_arm) +
           " customers per arm (80 % power, α = 0.05).";
  };
  const auto conversion_text = [&](const ComparisonRow& c) {
    return "conversion " + percent(c.baseline, 2) + " → " + percent(c.variant, 2) + " (" +
           signed_fixed(100 * c.difference, 2) + " pp" +
           (c.baseline > 0 ? ", " + signed_fixed(100 * c.difference / c.baseline, 1) + " % relative" : std::string()) +
           "; 95 % CI " + signed_fixed(100 * c.ci_low, 2) + " to " + signed_fixed(100 * c.ci_high, 2) + " pp, " +
           p_text(c.p_value) + ")";
  };
  const auto profit_text = [&](const ComparisonRow& p) {
    return money(p.difference) + " (" + relative_change(&p) + "; 95 % CI " + smart(p.ci_low) + " to " +
           smart(p.ci_high) + ", " + p_text(p.p_value) + ")";
  };
  // Budget left unspent beyond the baseline's: profit that is money not
  // spent (a reallocation onto a channel nobody can be reached on), not a
  // better journey. Said of the variant the verdict names.
  const auto unspent = [](const VariantReport& v) {
    double u = 0.0, planned = 0.0;
    if (v.spend)
      for (std::size_t c = 0; c < v.spend->channels.size(); ++c) {
        u += std::max(0.0, v.spend->planned[c] - v.spend->spend[c]);
        planned += v.spend->planned[c];
      }
    return std::pair<double, double>{u, planned};
  };
  const auto unspent_caution = [&](const VariantReport& v) {
    const auto [u, planned] = unspent(v);
    const double u0 = unspent(d.variants.front()).first;
    if (!(u - u0 > 0.01 * planned))
      return std::string();
    // Amounts of money as such: 3.90, not smart()'s 3.900 (read as thousands).
    const auto amount = [&](double x) {
      return (std::fabs(x) >= 1000 ? grouped(x) : fixed(x, 2)) + (d.currency.empty() ? "" : " " + escape(d.currency));
    };
    return " Caution: <b>" + escape(v.name) + "</b> leaves " + amount(u) + " of its planned budget unspent (the " +
           "baseline: " + (u0 > 0 ? amount(u0) : std::string("none")) + "): that much of its profit is money not "
           "spent, not a better journey — check that the touchpoints its budgets pay for can reach customers (reach, "
           "calendar, channel affinities).";
  };
  std::string text;
  if (!earners.empty() && (winners.empty() || winners.front() != earners.front())) {
    // The variant that surely earns most wins, whatever converts most.
    const VariantReport& top = d.variants[earners.front()];
    const ComparisonRow& c = *conversion_row(top);
    const ComparisonRow& p = *row_of(top, "profit");
    text = "<b>" + escape(top.name) + "</b> wins on profit: +" + profit_text(p) + "; " +
           (still(earners.front()) ? std::string("it changes no customer's conversion")
                                   : conversion_text(c) + (significant(c) ? "" : ", not significant")) +
           ".";
    text += effects_of(top, false);
    // The conversion leader, named once: as the runner-up if it is the next earner.
    const bool leader_second = earners.size() > 1 && !winners.empty() && winners.front() == earners[1];
    if (earners.size() > 1) {
      const ComparisonRow& p2 = *row_of(d.variants[earners[1]], "profit");
      text += " Runner-up: " + escape(d.variants[earners[1]].name) + " (profit +" + money(p2.difference) +
              (leader_second ? "; it converts more, " +
                                 signed_fixed(100 * conversion_row(d.variants[earners[1]])->difference, 2) +
                                 " pp, but earns less"
                             : "") +
              (p2.ci_high >= p.ci_low ? "; its interval overlaps the winner's, so the order of the two is not certain"
                                      : "") + ")." + unspent_caution(d.variants[earners[1]]);
    }
    if (!winners.empty() && !leader_second) {
      // The largest sure conversion lift, which earns less or is not shown to earn at all.
      const VariantReport& most = d.variants[winners.front()];
      const ComparisonRow& c2 = *conversion_row(most);
      const ComparisonRow* p2 = row_of(most, "profit");
      text += " <b>" + escape(most.name) + "</b> converts more (" + signed_fixed(100 * c2.difference, 2) + " pp) but " +
              (p2 && significant(*p2) ? "earns less: profit +" + money(p2->difference)
                                      : std::string("is not shown to earn more: profit ") +
                                          (p2 ? (p2->difference >= 0 ? "+" : "") + money(p2->difference) + " (95 % CI " +
                                                  smart(p2->ci_low) + " to " + smart(p2->ci_high) + ")"
                                              : std::string("not compared"))) +
              ".";
    }
    text += who_loses(top);
    if (significant(c) && c.difference > 0)
      text += ab_test(c);
    text += unspent_caution(top);
  } else if (winners.empty()) {
    const VariantReport& top = d.variants[ranked.front()];
    const ComparisonRow& c = *conversion_row(top);
    const bool nobody_moved = std::all_of(ranked.begin(), ranked.end(), still);
    if (nobody_moved)
      text = "No variant changes any customer's conversion.";
    else if (!unprofitable.empty())
      text = "No variant raises conversion and pays for it.";
    else if (still(ranked.front()))
      text = "No variant raises conversion: the best, " + escape(top.name) + ", changes no customer's conversion.";
    else
      text = "No variant raises conversion with confidence: the best, " + escape(top.name) + ", changes it by " +
             signed_fixed(100 * c.difference, 2) + " pp (95 % CI " + signed_fixed(100 * c.ci_low, 2) + " to " +
             signed_fixed(100 * c.ci_high, 2) + " pp" +
             (analysis::interval_and_test_disagree(c.ci_low, c.ci_high, c.p_value)
                ? "; the test, p = " + fixed(c.p_value, 3) +
                    ", disagrees with the interval: too few customers converted differently to tell"
                : "") +
             ").";
  } else {
    const VariantReport& top = d.variants[winners.front()];
    const ComparisonRow& c = *conversion_row(top);
    text = "<b>" + escape(top.name) + "</b> wins: " + conversion_text(c) + ".";
    text += effects_of(top, true);
    const ComparisonRow* profit = row_of(top, "profit");
    if (profit && !significant(*profit))
      text += " It converts more without being shown to earn more.";
    // The runner-up: where some variant surely raises profit (this one does
    // too), the next earner, as the table ranks; else the next sure lift.
    if (earners.size() > 1) {
      const ComparisonRow& p = *row_of(top, "profit");
      const ComparisonRow& p2 = *row_of(d.variants[earners[1]], "profit");
      text += " Runner-up: " + escape(d.variants[earners[1]].name) + " (profit +" + money(p2.difference) +
              (p2.ci_high >= p.ci_low ? "; its interval overlaps the winner's, so the order of the two is not certain"
                                      : "") + ")." + unspent_caution(d.variants[earners[1]]);
    } else if (!earners.empty() && winners.size() > 1) {
      text += " No other variant surely raises profit.";
    } else if (winners.size() > 1) {
      const VariantReport& second = d.variants[winners[1]];
      const ComparisonRow& c2 = *conversion_row(second);
      text += " Runner-up: " + escape(second.name) + " (" + signed_fixed(100 * c2.difference, 2) + " pp" +
              (c2.ci_high >= c.ci_low ? "; its interval overlaps the winner's, so the order of the two is not certain"
                                      : "") + ").";
    } else if (ranked.size() > 1) {
      text += unprofitable.empty() ? " No other variant raises conversion with confidence."
                                   : " No other variant raises conversion and pays for it.";
    }
    text += who_loses(top);
    text += ab_test(c);
    text += unspent_caution(top);
  }
  for (std::size_t i : unprofitable) { // sure to convert more, sure to earn less
    const ComparisonRow& c = *conversion_row(d.variants[i]);
    const ComparisonRow& p = *row_of(d.variants[i], "profit");
    text += " <b>" + escape(d.variants[i].name) + "</b> converts more (" + signed_fixed(100 * c.difference, 2) +
            " pp) but loses profit: " + money(p.difference) + " (" + relative_change(&p) + "; 95 % CI " +
            smart(p.ci_low) + " to " + smart(p.ci_high) + ", " + p_text(p.p_value) + ") — not a change to make for "
            "its conversions.";
  }
  if (n_lowering)
    text += " " + lowering + (n_lowering == 1 ? " converts" : " convert") + " significantly fewer customers.";
  if (winners.empty() && earners.empty()) {
    const ComparisonRow& c = *conversion_row(d.variants[ranked.front()]);
    text += unprofitable.empty() && c.difference > 0 && !still(ranked.front())
              ? " Otherwise keep the baseline, or simulate more customers if a lift of that size would matter."
              : " Otherwise keep the baseline.";
  }
  // A decision on an unsettled fixed point is not what the shop would see (as compare warns).
  std::string caution;
  for (const std::string& v : d.unsettled)
    caution += (caution.empty() ? "" : ", ") + escape(v);
  if (!caution.empty())
    caution = "<p class=\"caution\"><b>Caution:</b> the population feedback of " + caution +
              " did not converge: budgets' pacing and referrals are not settled, so neither are the numbers "
              "below. Rerun with a larger <code>feedback.max_passes</code> or tolerance before deciding.</p>\n";
  return "<section id=\"recommendation\">\n<h2>Recommendation</h2>\n" + caution + "<p class=\"verdict\">" + text +
         "</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>Rank</th><th>Variant</th><th>Conversion lift "
         "[95 % CI]</th><th>Significant</th><th>Revenue per customer</th><th>Marketing cost</th><th>Cost per "
         "conversion</th>" +
         (with_profit ? "<th>Profit" + (d.currency.empty() ? "" : " (" + escape(d.currency) + ")") +
                          " <small>(* significant)</small></th>"
                      : std::string()) +
         "</tr></thead>\n<tbody>\n" +
         rows + "</tbody></table></div>\n</section>\n";
}

//! Per variant and persona, the conversion change: who gains and who loses most.
std::string persona_section(const ReportData& d)
{
  bool any = false;
  for (std::size_t i = 1; i < d.variants.size(); ++i)
    any = any || !d.variants[i].persona_conversion.empty() || d.variants[i].comparison.has_value();
  if (!any)
    return "";
  std::string h = "<section id=\"personas\">\n<h2>Who gains and who loses</h2>\n<p class=\"lead\">Change in "
                  "each persona's conversion rate, variant minus baseline (percentage points, paired; 95 % CI in "
                  "brackets). Green: the persona that gains most; red: the one that loses most, where the change is "
                  "significant.</p>\n<div class=\"scroll\"><table class=\"compact\">\n<thead><tr><th>Variant</th>";
  for (const auto& p : d.personas)
    h += "<th>" + escape(p) + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 1; i < d.variants.size(); ++i) {
    const VariantReport& v = d.variants[i];
    if (v.persona_conversion.empty())
      continue;
    const PersonaChange *gain = nullptr, *loss = nullptr;
    for (const auto& pc : v.persona_conversion)
      if (pc.p_value < 0.05) {
        if (pc.difference > 0 && (!gain || pc.difference > gain->difference))
          gain = &pc;
        if (pc.difference < 0 && (!loss || pc.difference < loss->difference))
          loss = &pc;
      }
    h += "<tr><td>" + swatch(variant_color(i)) + escape(v.name) + "</td>";
    for (const auto& p : d.personas) {
      const auto it = std::find_if(v.persona_conversion.begin(), v.persona_conversion.end(),
                                   [&](const PersonaChange& pc) { return pc.persona == p; });
      if (it == v.persona_conversion.end()) {
        h += "<td>—</td>";
        continue;
      }
      h += std::string("<td") + (&*it == gain ? " class=\"gain\"" : &*it == loss ? " class=\"loss\"" : "") + ">" +
           signed_fixed(100 * it->difference, 2) + " <small>[" + signed_fixed(100 * it->ci_low, 2) + ", " +
           signed_fixed(100 * it->ci_high, 2) + "]</small></td>";
    }
    h += "</tr>\n";
  }
  h += "</tbody></table></div>\n";
  // Compared, but not by persona: agent i is another persona in it.
  std::string other_shares;
  for (std::size_t i = 1; i < d.variants.size(); ++i)
    if (d.variants[i].comparison && d.variants[i].persona_conversion.empty())
      other_shares += (other_shares.empty() ? "" : ", ") + escape(d.variants[i].name);
  if (!other_shares.empty())
    h += "<p>Not shown: " + other_shares + " — its customers are drawn from other persona shares, so a customer's "
         "persona differs between it and the baseline and there is no paired change by persona (each variant's "
         "own funnel by persona is in the results file).</p>\n";
  return h + "</section>\n";
}

//! Stage-to-stage conversion: the late, small stages read as rates of the one before.
std::string step_conversion_table(const ReportData& d)
{
  std::string h = "<details><summary>Stage-to-stage conversion (share of those who reached the stage before)</summary>"
                  "\n<div class=\"scroll\"><table class=\"compact\">\n<thead><tr><th>Variant</th>";
  for (std::size_t k = 1; k < d.stages.size(); ++k)
    h += "<th>" + escape(d.stages[k - 1]) + " → " + escape(d.stages[k]) + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < d.variants.size(); ++i) {
    const VariantReport& v = d.variants[i];
    h += "<tr><td>" + swatch(variant_color(i)) + escape(v.name) + "</td>";
    for (std::size_t k = 1; k < d.stages.size(); ++k)
      h += "<td>" + (v.reached[k - 1] > 0 ? percent(static_cast<double>(v.reached[k]) /
                                                      static_cast<double>(v.reached[k - 1]), 1)
                                          : std::string("—")) + "</td>";
    h += "</tr>\n";
  }
  return h + "</tbody></table></div></details>\n";
}

//! A compared metric's value in its unit: rates in %, days, money, counts.
std::string metric_value(const std::string& metric, double x, bool difference)
{
  if (!std::isfinite(x))
    return "—";
  const auto sign = [&](const std::string& t) { return difference && x > 0 ? "+" + t : t; };
  if (metric.find("rate") != std::string::npos || metric == "reach" || metric == "drop_off")
    return difference ? signed_fixed(100 * x, 3) + " pp" : percent(x, 2);
  if (metric == "roi")
    return difference ? signed_fixed(100 * x, 1) + " pp" : percent(x, 1);
  if (metric.rfind("time_to_convert", 0) == 0)
    return (difference ? signed_fixed(x, 1) : fixed(x, 1)) + " d";
  return sign(smart(x));
}

std::string funnel_chart(const ReportData& d)
{
  const std::size_t K = d.stages.size(), V = d.variants.size();
  const double W = 1100, left = 150, right = 170, top = 34, bar = 13, gap = 2, group_gap = 16;
  const double group_h = static_cast<double>(V) * (bar + gap) - gap;
  const double H = top + static_cast<double>(K) * (group_h + group_gap) + 10;
  const Scale x{0, 1, left, W - right};
  Svg s(W, H, "Funnel per variant: share of customers who reached each stage");
  for (double t : nice_ticks(0, 1, 5)) {
    s.line(x(t), top - 6, x(t), H - 10, "#e5e7eb", 1);
    s.text(x(t), top - 12, percent(t, 0), "middle", "axis");
  }
  const VariantReport& base = d.variants.front();
  for (std::size_t k = 0; k < K; ++k) {
    const double y0 = top + static_cast<double>(k) * (group_h + group_gap);
    s.text(left - 12, y0 + group_h / 2 + 4, d.stages[k], "end", "label");
    for (std::size_t i = 0; i < V; ++i) {
      const VariantReport& v = d.variants[i];
      const double agents = std::max(1.0, v.metric("agents"));
      const double share = static_cast<double>(v.reached[k]) / agents;
      const double y = y0 + static_cast<double>(i) * (bar + gap);
      s.open_group(v.name + " — " + d.stages[k] + ": " + grouped(static_cast<double>(v.reached[k])) +
                   " customers (" + percent(share, 2) + ")");
      s.rect(x(0), y, x(share) - x(0), bar, variant_color(i), "rx=\"2\"");
      std::string label = percent(share, 2);
      if (i > 0) {
        const double diff = 100 * (share - static_cast<double>(base.reached[k]) / std::max(1.0, base.metric("agents")));
        if (std::fabs(diff) >= 0.005)
          label += "  (" + signed_fixed(diff, 2) + " pp)";
      }
      s.text(x(share) + 6, y + bar - 2.5, label, "start", "value");
      s.close_group();
    }
  }
  s.line(x(0), top - 6, x(0), H - 10, "#9ca3af", 1);
  return "<section id=\"funnel\">\n<h2>Funnel per variant</h2>\n<p class=\"lead\">Share of the " +
         grouped(static_cast<double>(d.population)) +
         " simulated customers who ever reached each stage; in brackets, the difference from the baseline in "
         "percentage points (pp).</p>\n" +
         variant_legend(d) + s.str() + step_conversion_table(d) + "</section>\n";
}

std::string lift_section(const ReportData& d)
{
  const VariantReport& base = d.variants.front();
  struct Row {
    std::size_t index;
    double diff, lo, hi, p, relative;
    bool has_ci;
  };
  std::vector<Row> rows;
  bool any_ci = false;
  for (std::size_t i = 1; i < d.variants.size(); ++i) {
    const VariantReport& v = d.variants[i];
    const double b = base.metric("conversion_rate");
    if (const ComparisonRow* c = conversion_row(v)) {
      rows.push_back({i, 100 * c->difference, 100 * c->ci_low, 100 * c->ci_high, c->p_value,
                      c->baseline != 0 ? c->difference / c->baseline : NaN, true});
      any_ci = true;
    } else {
      const double diff = v.metric("conversion_rate") - b;
      rows.push_back({i, 100 * diff, NaN, NaN, NaN, b != 0 ? diff / b : NaN, false});
    }
  }
  std::string h = "<section id=\"lift\">\n<h2>Conversion lift vs the baseline, with 95 % confidence interval</h2>\n";
  if (rows.empty())
    return h + "<p class=\"note\">The file holds only the baseline: there is nothing to compare.</p>\n</section>\n";
  h += "<p class=\"lead\">Conversion rate of each variant minus the baseline's (" +
       percent(base.metric("conversion_rate"), 2) +
       "), in percentage points. Every variant ran on the same customers, so the comparison is paired. "
       "A filled dot: the interval excludes 0.</p>\n";
  if (!any_ci)
    h += "<p class=\"note\" id=\"no-comparison\">This file has no <code>/comparison</code> group (written by "
         "newer versions of <code>journeysim run</code>): the differences of the summaries are shown "
         "without confidence intervals.</p>\n";

  double lo = 0, hi = 0;
  for (const Row& r : rows) {
    lo = std::min({lo, r.diff, r.has_ci ? r.lo : r.diff});
    hi = std::max({hi, r.diff, r.has_ci ? r.hi : r.diff});
  }
  // Room for the whiskers, but an axis that starts at 0 stays there.
  const double pad = std::max(0.08 * (hi - lo), 1e-6);
  const auto ticks = nice_ticks(lo < 0 ? lo - pad : 0.0, hi > 0 ? hi + pad : 0.0, 6);
  const double W = 1100, left = 190, right = 330, top = 16, row_h = 42;
  const double H = top + static_cast<double>(rows.size()) * row_h + 52;
  const Scale x{ticks.front(), ticks.back(), left, W - right};
  Svg s(W, H, "Conversion lift per variant with 95 % confidence intervals");
  const double bottom = top + static_cast<double>(rows.size()) * row_h;
  for (double t : ticks) {
    s.line(x(t), top, x(t), bottom, "#eef0f3", 1);
    s.text(x(t), bottom + 18, signed_fixed(t, 2), "middle", "axis");
  }
  s.line(x(0), top - 4, x(0), bottom + 4, "#111827", 1.2);
  s.text((left + W - right) / 2, bottom + 40, "conversion rate, variant − baseline (percentage points)", "middle",
         "label");
  for (std::size_t j = 0; j < rows.size(); ++j) {
    const Row& r = rows[j];
    const VariantReport& v = d.variants[r.index];
    const std::string c = variant_color(r.index);
    const double y = top + (static_cast<double>(j) + 0.5) * row_h;
    const bool significant = r.has_ci && (r.lo > 0 || r.hi < 0);
    std::string tip = v.name + ": " + signed_fixed(r.diff, 3) + " pp";
    if (r.has_ci)
      tip += ", 95 % CI [" + signed_fixed(r.lo, 3) + ", " + signed_fixed(r.hi, 3) + "]";
    s.open_group(tip, "class=\"forest-row\"");
    s.text(left - 14, y + 4, v.name, "end", "label");
    if (r.has_ci) {
      s.line(x(r.lo), y, x(r.hi), y, c, 2.5);
      s.line(x(r.lo), y - 7, x(r.lo), y + 7, c, 2.5);
      s.line(x(r.hi), y - 7, x(r.hi), y + 7, c, 2.5);
    }
    s.circle(x(r.diff), y, 6.5, significant || !r.has_ci ? c : "#ffffff",
             "stroke=\"" + c + "\" stroke-width=\"2.5\"");
    std::string text = signed_fixed(r.diff, 2) + " pp";
    if (r.has_ci)
      text += "  [" + signed_fixed(r.lo, 2) + ", " + signed_fixed(r.hi, 2) + "]";
    if (std::isfinite(r.relative))
      text += "  · " + signed_fixed(100 * r.relative, 1) + " % relative";
    s.text(W - right + 16, y + 4, text, "start", "value");
    s.close_group();
  }
  h += s.str();

  if (any_ci) {
    h += "<details><summary>Every compared metric (from <code>/comparison</code>)</summary>\n<div "
         "class=\"scroll\"><table class=\"compact\">\n<thead><tr><th>Variant</th><th>Metric</th><th>Baseline</th>"
         "<th>Variant</th><th>Difference</th><th>95 % CI</th><th>p-value</th><th>Method</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 1; i < d.variants.size(); ++i) {
      const VariantReport& v = d.variants[i];
      if (!v.comparison)
        continue;
      for (const ComparisonRow& c : *v.comparison)
        h += "<tr><td>" + swatch(variant_color(i)) + escape(v.name) + "</td><td>" + escape(c.metric) + "</td><td>" +
             metric_value(c.metric, c.baseline, false) + "</td><td>" + metric_value(c.metric, c.variant, false) +
             "</td><td>" + metric_value(c.metric, c.difference, true) + "</td><td>[" +
             metric_value(c.metric, c.ci_low, true) + ", " + metric_value(c.metric, c.ci_high, true) + "]</td><td>" +
             p_text(c.p_value) + "</td><td class=\"desc\">" + escape(c.method) + "</td></tr>\n";
    }
    h += "</tbody></table></div></details>\n";
  }
  return h + "</section>\n";
}

//! Customers per arm of the real A/B test that would confirm each variant's
//! conversion lift (docs/STATISTICS.md, "From a simulated lift to a real test").
std::string ab_test_section(const ReportData& d)
{
  std::string rows;
  for (std::size_t i = 1; i < d.variants.size(); ++i) {
    const VariantReport& v = d.variants[i];
    const ComparisonRow* c = conversion_row(v);
    if (!c || c->difference == 0)
      continue;
    const analysis::AbTestPlan p = analysis::plan_ab_test(c->baseline, c->variant, c->ci_low, c->ci_high);
    const auto n = [](double x) { return std::isinf(x) ? std::string("∞ (the CI includes 0)") : grouped(x); };
    rows += "<tr><td>" + swatch(variant_color(i)) + escape(v.name) + "</td><td>" + percent(p.baseline_rate, 2) +
            " → " + percent(p.variant_rate, 2) + "</td><td>" + signed_fixed(100 * p.lift, 2) + " pp</td><td><b>" +
            n(p.per_arm) + "</b></td><td>" + n(2 * p.per_arm) + "</td><td>" + n(p.per_arm_conservative) +
            "</td><td>" + n(p.per_arm_optimistic) + "</td></tr>\n";
  }
  if (rows.empty())
    return "";
  return "<section id=\"ab-test\">\n<h2>How large a real A/B test must be</h2>\n<p class=\"lead\">Before "
         "building a change, confirm it on real customers: a two-arm test (half see the change) needs this many "
         "customers <b>per arm</b> to detect the simulated conversion lift with 80 % power at a two-sided "
         "α = 0.05 (two proportions, normal approximation with continuity correction, Fleiss et al. 2003). If the "
         "true lift is only the nearer end of its 95 % CI, the test needs the larger number.</p>\n<div "
         "class=\"scroll\"><table>\n<thead><tr><th>Variant</th><th>Conversion</th><th>Simulated lift</th>"
         "<th>Customers per arm</th><th>In all</th><th>Per arm, lift at the CI's nearer end</th>"
         "<th>Per arm, lift at the CI's far end</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody></table></div>\n</section>\n";
}

//! `run --attribution`: each touchpoint's incremental value, most valuable first.
std::string touchpoint_value_section(const ReportData& d)
{
  if (d.touchpoint_values.empty())
    return "";
  std::vector<TouchpointValue> rows = d.touchpoint_values;
  std::stable_sort(rows.begin(), rows.end(),
                   [](const TouchpointValue& a, const TouchpointValue& b) { return a.conversions > b.conversions; });
  const bool rules = std::isfinite(rows.front().last_touch);
  const bool profit = std::isfinite(rows.front().profit);
  std::string h = "<section id=\"touchpoint-value\">\n<h2>What each touchpoint is really worth</h2>\n"
                  "<p class=\"lead\">For every touchpoint of the baseline, the same customers were simulated "
                  "once more without it: the difference is what the touchpoint itself brings (incremental), with "
                  "its 95 % confidence interval. Cost is the marketing cost it adds; profit is what it adds once the "
                  "goods sold, discounts and its own cost are paid; an incremental ROI (on that profit) below 0 % "
                  "means it costs more than it brings. A touchpoint whose interval includes 0 is not "
                  "shown to matter." +
                  std::string(rules ? " The last four columns: the conversions the usual attribution rules would "
                                      "credit to it on the same journeys — compare them with the first column, the "
                                      "truth." : "") +
                  "</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>Touchpoint</th>"
                  "<th>Incremental conversions [95 % CI]</th><th>Incremental revenue [95 % CI]</th>"
                  "<th>Incremental cost</th>" + std::string(profit ? "<th>Incremental profit [95 % CI]</th>" : "") +
                  "<th>Cost per incremental conversion</th><th>Incremental ROI</th>" +
                  std::string(rules ? "<th>Last touch</th><th>First touch</th><th>Linear</th><th>Markov</th>" : "") +
                  "</tr></thead>\n<tbody>\n";
  for (const TouchpointValue& t : rows) {
    const bool matters = t.conversions_low > 0 || t.conversions_high < 0;
    h += "<tr><td><b>" + escape(t.touchpoint) + "</b></td><td><span class=\"" +
         std::string(matters ? (t.conversions > 0 ? "up" : "down") : "") + "\">" + grouped(t.conversions) +
         "</span> [" + grouped(t.conversions_low) + ", " + grouped(t.conversions_high) + "]</td><td>" +
         grouped(t.revenue) + " [" + grouped(t.revenue_low) + ", " + grouped(t.revenue_high) + "]</td><td>" +
         grouped(t.cost) + "</td><td>" +
         (profit ? grouped(t.profit) +
                     (std::isfinite(t.profit_low) ? " [" + grouped(t.profit_low) + ", " + grouped(t.profit_high) + "]" : "") +
                     "</td><td>"
                 : std::string()) +
         (std::isfinite(t.cost_per_conversion) && t.cost > 0 && t.conversions > 0
                                             ? fixed(t.cost_per_conversion, 2)
                                             : std::string("—")) +
         "</td><td>" + (std::isfinite(t.roi) ? fixed(100 * t.roi, 0) + " %" : std::string("—")) + "</td>";
    if (rules)
      for (double c : {t.last_touch, t.first_touch, t.linear, t.markov})
        h += "<td>" + (std::isfinite(c) ? grouped(c) : std::string("—")) + "</td>";
    h += "</tr>\n";
  }
  return h + "</tbody></table></div>\n</section>\n";
}

std::string journey_map_chart(const ReportData& d, const VariantReport& v)
{
  const JourneyMap& jm = *v.journey_map;
  const std::size_t K = d.stages.size(), P = d.personas.size();
  const bool named = !v.touchpoints_by_stage_kind.empty();
  const double W = 1100, left = 130, right = 20, top = 30, curve_h = 300, lane_h = named ? 74 : 44;
  const double lanes_top = top + curve_h + 36;
  const double H = lanes_top + 3 * lane_h + 34;
  const double cw = (W - left - right) / static_cast<double>(K);
  const auto cx = [&](std::size_t k) { return left + (static_cast<double>(k) + 0.5) * cw; };

  // The emotion curve of all customers: persona means weighted by reach.
  std::vector<double> all_in(K, NaN), all_out(K, NaN);
  double lo = 0, hi = 0;
  for (std::size_t k = 0; k < K; ++k) {
    double n = 0, sin = 0, sout = 0;
    for (std::size_t p = 0; p < P; ++p) {
      const double in = jm.mood_in[p * K + k], out = jm.mood_out[p * K + k];
      const auto w = static_cast<double>(v.reached_by_persona[p * K + k]);
      if (std::isfinite(in) && std::isfinite(out) && w > 0) {
        n += w;
        sin += w * in;
        sout += w * out;
        lo = std::min({lo, in, out});
        hi = std::max({hi, in, out});
      }
    }
    if (n > 0) {
      all_in[k] = sin / n;
      all_out[k] = sout / n;
    }
  }
  const double pad = std::max(0.08 * (hi - lo), 0.02);
  const auto ticks = nice_ticks(lo - pad, hi + pad, 6);
  const Scale y{ticks.front(), ticks.back(), top + curve_h, top};

  Svg s(W, H, "Journey map of " + v.name + ": mean mood per persona along the stages, and touchpoints by kind");
  // Phase bands behind everything, labelled where each phase starts.
  for (std::size_t k = 0; k < K; ++k) {
    s.rect(left + static_cast<double>(k) * cw, top - 22, cw, H - top - 10 + 22 - 24, phase_color(d.phases[k]));
    if (k == 0 || d.phases[k] != d.phases[k - 1]) {
      std::string phase = d.phases[k];
      std::replace(phase.begin(), phase.end(), '_', ' ');
      s.text(left + static_cast<double>(k) * cw + 6, top - 8, phase, "start", "phase");
    }
  }
  for (double t : ticks) {
    s.line(left, y(t), W - right, y(t), t == 0 ? "#6b7280" : "#d9dde3", t == 0 ? 1.2 : 0.8,
           t == 0 ? "stroke-dasharray=\"4 3\"" : "");
    s.text(left - 8, y(t) + 4, fixed(t, 2), "end", "axis");
  }
  s.text(28, top + curve_h / 2, "mean mood (entering → leaving each stage)", "middle", "label",
         "transform=\"rotate(-90 28 " + coord(top + curve_h / 2) + ")\"");
  for (std::size_t k = 1; k < K; ++k)
    s.line(left + static_cast<double>(k) * cw, top - 22, left + static_cast<double>(k) * cw, H - 34, "#ffffff", 2);

  const auto curve = [&](const std::vector<double>& in, const std::vector<double>& out, std::size_t stride,
                         std::size_t row) {
    std::vector<std::pair<double, double>> pts;
    for (std::size_t k = 0; k < K; ++k) {
      const double a = in[row * stride + k], b = out[row * stride + k];
      pts.emplace_back(cx(k) - 0.25 * cw, std::isfinite(a) ? y(a) : NaN);
      pts.emplace_back(cx(k) + 0.25 * cw, std::isfinite(b) ? y(b) : NaN);
    }
    return pts;
  };
  for (std::size_t p = 0; p < P; ++p) {
    const std::string c = persona_color(p);
    s.open_group(d.personas[p]);
    const auto pts = curve(jm.mood_in, jm.mood_out, K, p);
    s.polyline(pts, c, 2);
    for (const auto& [px, py] : pts)
      if (std::isfinite(py))
        s.circle(px, py, 3, c);
    s.close_group();
  }
  s.open_group("all customers (weighted by how many reached each stage)");
  s.polyline(curve(all_in, all_out, 0, 0), "#111827", 4, "stroke-opacity=\"0.55\"");
  s.close_group();

  // Touchpoint lanes: marker area ∝ exposures.
  std::int64_t biggest = 1;
  for (std::size_t k = 0; k < K; ++k)
    for (const Kind& kind : LANES)
      biggest = std::max(biggest, jm.touches_by_kind[k * 4 + kind.column]);
  for (std::size_t l = 0; l < std::size(LANES); ++l) {
    const Kind& kind = LANES[l];
    const double ly = lanes_top + (static_cast<double>(l) + 0.5) * lane_h;
    s.text(left - 8, ly + 4, kind.label, "end", "label");
    for (std::size_t k = 0; k < K; ++k) {
      const std::int64_t n = jm.touches_by_kind[k * 4 + kind.column];
      if (n <= 0)
        continue;
      const double r = 3 + 15 * std::sqrt(static_cast<double>(n) / static_cast<double>(biggest));
      std::string names;
      if (named)
        for (const auto& name : v.touchpoints_by_stage_kind[k][kind.column])
          names += (names.empty() ? "" : ", ") + name;
      s.open_group(d.stages[k] + ": " + grouped(static_cast<double>(n)) + " exposures to " + kind.label +
                   (names.empty() ? "" : " (" + names + ")"));
      const double by = named ? ly - 10 : ly;
      s.circle(cx(k), by, r, kind.color, "fill-opacity=\"0.8\" stroke=\"#1f2937\" stroke-width=\"0.6\"");
      s.text(cx(k) + r + 5, by + 4, grouped(static_cast<double>(n)), "start", "value");
      // The touchpoints themselves, one per line under the bubble (two at most).
      if (named) {
        const auto& list = v.touchpoints_by_stage_kind[k][kind.column];
        for (std::size_t j = 0; j < std::min<std::size_t>(2, list.size()); ++j) {
          const std::string label = j == 1 && list.size() > 2 ? list[1] + " +" + std::to_string(list.size() - 2)
                                                              : list[j];
          s.text(cx(k), ly + 18 + 11 * static_cast<double>(j), label, "middle", "tpname");
        }
      }
      s.close_group();
    }
  }
  s.text(left + 6, lanes_top - 8, "touchpoint exposures in each stage, by kind (area ∝ exposures)", "start", "axis");
  for (std::size_t k = 0; k < K; ++k)
    s.text(cx(k), H - 12, d.stages[k], "middle", "label stage");
  return s.str();
}

//! The emotion curve of all customers, variant minus baseline, per stage:
//! where the change makes the journey feel better or worse.
std::string mood_difference_chart(const ReportData& d, const VariantReport& base, const VariantReport& v)
{
  const std::size_t K = d.stages.size(), P = d.personas.size();
  const auto all = [&](const VariantReport& x, const std::vector<double>& m, std::size_t k) {
    double n = 0, sum = 0;
    for (std::size_t p = 0; p < P; ++p) {
      const auto w = static_cast<double>(x.reached_by_persona[p * K + k]);
      if (w > 0 && std::isfinite(m[p * K + k]))
        n += w, sum += w * m[p * K + k];
    }
    return n > 0 ? sum / n : NaN;
  };
  std::vector<double> din(K), dout(K);
  double lo = 0, hi = 0;
  for (std::size_t k = 0; k < K; ++k) {
    din[k] = all(v, v.journey_map->mood_in, k) - all(base, base.journey_map->mood_in, k);
    dout[k] = all(v, v.journey_map->mood_out, k) - all(base, base.journey_map->mood_out, k);
    for (double x : {din[k], dout[k]})
      if (std::isfinite(x))
        lo = std::min(lo, x), hi = std::max(hi, x);
  }
  const double pad = std::max(0.1 * (hi - lo), 0.002);
  const auto ticks = nice_ticks(lo - pad, hi + pad, 4);
  const double W = 1100, left = 130, right = 20, top = 14, h = 150;
  const double H = top + h + 30;
  const double cw = (W - left - right) / static_cast<double>(K);
  const Scale y{ticks.front(), ticks.back(), top + h, top};
  Svg s(W, H, "Mood of all customers, " + v.name + " minus baseline, entering and leaving each stage");
  for (double t : ticks) {
    s.line(left, y(t), W - right, y(t), t == 0 ? "#374151" : "#e5e7eb", t == 0 ? 1.2 : 0.8);
    s.text(left - 8, y(t) + 4, signed_fixed(t, 3), "end", "axis");
  }
  std::vector<std::pair<double, double>> pts;
  for (std::size_t k = 0; k < K; ++k) {
    const double cx = left + (static_cast<double>(k) + 0.5) * cw;
    pts.emplace_back(cx - 0.25 * cw, std::isfinite(din[k]) ? y(din[k]) : NaN);
    pts.emplace_back(cx + 0.25 * cw, std::isfinite(dout[k]) ? y(dout[k]) : NaN);
    s.text(cx, H - 8, d.stages[k], "middle", "axis");
  }
  s.polyline(pts, "#111827", 2.5);
  for (const auto& [px, py] : pts)
    if (std::isfinite(py))
      s.circle(px, py, 3.5, py < y(0) ? "#16a34a" : py > y(0) ? "#dc2626" : "#6b7280");
  s.text(left + 6, top + 10, "mood, variant − baseline (above 0: the change feels better)", "start", "axis");
  return s.str();
}

std::string journey_section(const ReportData& d)
{
  std::string h = "<section id=\"journey\">\n<h2>Journey map with emotion curve</h2>\n"
                  "<p class=\"lead\">Stages from left to right, shaded by phase. Lines: the mean mood (−1 … +1) "
                  "of each persona on entering and on leaving every stage; the thick grey line is all customers. "
                  "Below: how often customers met pain points, success points and moments of truth in each "
                  "stage.</p>\n";
  std::string legend = "<div class=\"legend\">";
  for (std::size_t p = 0; p < d.personas.size(); ++p)
    legend += "<span>" + swatch(persona_color(p), true) + escape(d.personas[p]) + " <small>(" +
              percent(d.persona_shares[p], 0) + ")</small></span>";
  legend += "<span>" + swatch("#6b7280", true) + "all customers</span>";
  for (const Kind& kind : LANES)
    legend += "<span>" + swatch(kind.color) + kind.label + "</span>";
  legend += "</div>\n";
  bool any = false;
  for (std::size_t i = 0; i < d.variants.size(); ++i) {
    const VariantReport& v = d.variants[i];
    if (!v.journey_map)
      continue;
    h += std::string("<details class=\"map\"") + (any ? "" : " open") + "><summary>" + swatch(variant_color(i)) +
         escape(v.name) + (i == 0 ? " (baseline)" : "") + "</summary>\n" + legend + journey_map_chart(d, v);
    if (i > 0 && d.variants.front().journey_map)
      h += "<p class=\"lead\">Difference from the baseline: the mean mood of all customers entering and leaving "
           "each stage, " + escape(v.name) + " minus baseline.</p>\n" + mood_difference_chart(d, d.variants.front(), v);
    h += "</details>\n";
    any = true;
  }
  if (!any)
    h += "<p class=\"note\">This file has no <code>journey_map/</code> groups (results files of older "
         "versions of journeysim): run the scenario again to get the journey map.</p>\n";
  return h + "</section>\n";
}

const char* const CSS = R"(
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb}
*{box-sizing:border-box}
body{margin:0;background:#f4f6f9;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 32px 40px}
header{margin-bottom:8px}
.kicker{margin:0;color:#2563eb;font-weight:600;text-transform:uppercase;letter-spacing:.06em;font-size:12px}
h1{font-size:30px;margin:2px 0 6px}
h2{font-size:20px;margin:0 0 4px}
.lead{color:var(--muted);margin:0 0 12px;max-width:900px}
nav{display:flex;gap:18px;font-size:14px;margin:14px 0 0}
nav a{color:#2563eb;text-decoration:none}
dl.identity{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:8px 24px;margin:16px 0 0;padding:14px 18px;background:#fff;border:1px solid var(--line);border-radius:10px;font-size:14px}
dl.identity dt{color:var(--muted);font-size:12px}
dl.identity dd{margin:0;font-weight:600;overflow-wrap:anywhere}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px;font-weight:400}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:20px 0;box-shadow:0 1px 2px rgba(15,23,42,.04)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13.5px;font-variant-numeric:tabular-nums}
th,td{padding:7px 8px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top;white-space:nowrap}
th{white-space:normal}
td:first-child{min-width:210px}
th:first-child,td:first-child{text-align:left;white-space:normal}
thead th{color:var(--muted);font-weight:600;font-size:12px;border-bottom:2px solid var(--line)}
table.compact td,table.compact th{padding:4px 8px;font-size:13px}
.desc{color:var(--muted);font-size:12px;font-weight:400;white-space:normal;text-align:left}
.up{color:#15803d;font-weight:600}.down{color:#b91c1c;font-weight:600}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:7px;vertical-align:-1px}
.swatch.line{height:4px;width:18px;border-radius:2px;vertical-align:3px}
.legend{display:flex;flex-wrap:wrap;gap:6px 20px;font-size:13px;margin:8px 0 4px}
.legend small{color:var(--muted)}
.note{background:#fffbeb;border-left:4px solid #f59e0b;padding:8px 12px;margin:10px 0;font-size:14px}
details{margin:10px 0}
details>summary{cursor:pointer;font-weight:600;font-size:15px;padding:4px 0}
svg{display:block;max-width:100%;height:auto;margin:6px 0}
svg text{font-family:inherit;font-size:12px;fill:#374151}
svg .axis{font-size:11px;fill:#6b7280}
svg .label{font-size:13px;fill:#1f2937}
svg .value{font-size:11.5px;fill:#374151}
svg .phase{font-size:11px;fill:#6b7280;font-style:italic;text-transform:uppercase;letter-spacing:.05em}
svg .stage{font-weight:600}
svg .tpname{font-size:10px;fill:#4b5563}
.verdict{font-size:16px;font-weight:600;background:#eff6ff;border-left:4px solid #2563eb;padding:10px 14px}
.caution{background:#fef2f2;border-left:4px solid #dc2626;padding:8px 14px}
td.gain{background:#dcfce7}td.loss{background:#fee2e2}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:24px}
)";

//! Marketing spend per channel, planned and realised, and where customers
//! came from (model v2): a budget-neutral variant shows equal totals.
std::string spend_section(const ReportData& d)
{
  if (!d.variants.front().spend)
    return "";
  const std::string cur = d.currency.empty() ? "" : " (" + escape(d.currency) + ")";
  std::string h = "<section id=\"spend\">\n<h2>Spend per channel" + cur + " and where customers came from</h2>\n"
                  "<p class=\"lead\">Realised spend is what the exposures cost; planned is the budgets (and what "
                  "touchpoints with a stated reach cost). Referral share: customers who arrived through a "
                  "recommendation.</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>Variant</th>";
  const Spend& base = *d.variants.front().spend;
  for (const auto& c : base.channels)
    h += "<th>" + escape(c) + "</th>";
  h += "<th>Total spend</th><th>Planned</th><th>Profit</th><th>Referral share</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < d.variants.size(); ++i) {
    const VariantReport& v = d.variants[i];
    h += "<tr><td>" + swatch(variant_color(i)) + "<b>" + escape(v.name) + "</b></td>";
    double total = 0, planned = 0;
    for (const auto& c : base.channels) {
      double x = 0;
      if (v.spend)
        for (std::size_t j = 0; j < v.spend->channels.size(); ++j)
          if (v.spend->channels[j] == c)
            x = v.spend->spend[j];
      h += "<td>" + grouped(x) + "</td>";
    }
    if (v.spend)
      for (std::size_t j = 0; j < v.spend->channels.size(); ++j) {
        total += v.spend->spend[j];
        planned += v.spend->planned[j];
      }
    const double arrived = v.metric("arrived"), referred = v.metric("referral_arrivals");
    h += "<td><b>" + grouped(total) + "</b></td><td>" + grouped(planned) + "</td><td>" + grouped(v.metric("profit")) +
         "</td><td>" + (arrived > 0 ? percent(referred / arrived, 1) : std::string("—")) + "</td></tr>\n";
  }
  return h + "</tbody></table></div>\n</section>\n";
}

} // namespace

const char* report_stylesheet() { return CSS; }

std::string render_html(const ReportData& d)
{
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"journeysim " +
                  escape(d.journeysim_version) + "\">\n<title>journeysim report — " + escape(d.scenario_name) +
                  "</title>\n<style>" + CSS + "</style>\n</head>\n<body>\n<main>\n";
  h += identity(d);
  h += "<nav><a href=\"#recommendation\">Recommendation</a><a href=\"#summary\">Summary</a><a href=\"#funnel\">Funnel</a><a href=\"#lift\">Lift with 95 % CI</a>"
       "<a href=\"#ab-test\">A/B test size</a><a href=\"#personas\">Personas</a><a href=\"#spend\">Spend</a>"
       "<a href=\"#journey\">Journey map</a>" +
       std::string(d.calibration.header.empty() ? "" : "<a href=\"#observed\">Observed vs simulated</a>") +
       "</nav>\n";
  h += observed_section(d);
  h += recommendation_section(d);
  h += summary_table(d);
  h += funnel_chart(d);
  h += lift_section(d);
  h += ab_test_section(d);
  h += persona_section(d);
  h += touchpoint_value_section(d);
  h += spend_section(d);
  h += journey_section(d);
  h += "<footer>Made by <code>journeysim report</code> from <code>" + escape(d.path) +
       "</code>. Self-contained: no scripts, no network.</footer>\n</main>\n</body>\n</html>\n";
  return h;
}

} // namespace journeysim::report
