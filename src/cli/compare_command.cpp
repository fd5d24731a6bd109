// journeysim compare: each variant against the baseline on the same customers
// (paired; docs/STATISTICS.md), as a terminal table, CSV or JSON.

#include "commands.h"

#include "cli_util.h"
#include "json.h"
#include "csv.h"

#include "journeysim/analysis/paired_stats.h"
#include "journeysim/analysis/sample_size.h"
#include "journeysim/error.h"
#include "journeysim/results/results_reader.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

namespace po = boost::program_options;

namespace journeysim::cli {

namespace {

using analysis::ComparisonRow;
using analysis::ComparisonTables;
using analysis::Estimate;

constexpr double SIGNIFICANT = 0.05;
const char* const MINUS = "\u2212"; // typographic minus

// ---------------------------------------------------------------- formatting

//! How a metric's values are shown.
enum class Unit { Rate, Count, Money, Ratio, Days, Plain };

Unit unit_of(const std::string& metric)
{
  if (metric == "conversion_rate" || metric == "cart_abandon_rate" || metric == "reach" || metric == "drop_off" ||
      metric == "referral_arrival_rate")
    return Unit::Rate;
  if (metric == "conversions" || metric == "exposures" || metric == "advances" || metric == "last_touch" ||
      metric == "first_touch" || metric == "linear" || metric == "markov")
    return Unit::Count;
  if (metric == "revenue_per_agent" || metric == "marketing_cost" || metric == "cost_per_conversion" ||
      metric == "cost" || metric == "cost_per_advance" || metric == "profit" || metric == "profit_per_agent" ||
      metric == "clv_per_agent" || metric == "revenue" || metric == "cost_per_incremental_conversion")
    return Unit::Money;
  if (metric == "roi" || metric == "incremental_roi")
    return Unit::Ratio;
  if (metric.rfind("time_to_convert", 0) == 0)
    return Unit::Days;
  return Unit::Plain;
}

std::string label_of(const std::string& metric)
{
  if (metric == "roi")
    return "ROI (on profit)";
  if (metric == "clv_per_agent")
    return "CLV per agent";
  if (metric == "marketing_cost")
    return "marketing spend";
  if (metric == "incremental_roi")
    return "incremental ROI";
  if (metric == "time_to_convert_median")
    return "time to convert, median";
  if (metric == "time_to_convert_p90")
    return "time to convert, p90";
  std::string s = metric;
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

//! Columns on a terminal: UTF-8 continuation bytes take none.
std::size_t display_width(const std::string& s)
{
  std::size_t w = 0;
  for (unsigned char c : s)
    w += (c & 0xC0) != 0x80;
  return w;
}

std::string pad(const std::string& s, std::size_t width, bool left)
{
  const std::size_t w = display_width(s);
  if (w >= width)
    return s;
  const std::string fill(width - w, ' ');
  return left ? s + fill : fill + s;
}

//! `x` with `digits` decimals, thousands separators, a typographic minus and
//! an explicit + when `sign`.
std::string number(double x, int digits, bool sign = false)
{
  if (std::isnan(x))
    return "—";
  if (std::isinf(x))
    return x > 0 ? "∞" : std::string(MINUS) + "∞";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, std::abs(x));
  std::string s = buf;
  const std::size_t dot = s.find('.');
  for (int i = static_cast<int>(dot == std::string::npos ? s.size() : dot) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  const bool zero = s.find_first_not_of("0.,") == std::string::npos;
  if (x < 0 && !zero)
    return MINUS + s;
  return (sign ? "+" : "") + s;
}

//! Decimals that show a value of magnitude `scale` with ~3 significant digits.
int digits_for(double scale, int at_least = 0)
{
  scale = std::abs(scale);
  if (!(scale > 0) || std::isnan(scale))
    return std::max(at_least, 2);
  const int d = 2 - static_cast<int>(std::floor(std::log10(scale)));
  return std::clamp(d, at_least, 6);
}

//! A value (not a difference) in the metric's unit.
std::string show_value(Unit u, double x)
{
  if (std::isnan(x))
    return "—";
  switch (u) {
  case Unit::Rate: return number(100 * x, 2) + " %";
  case Unit::Count: return number(x, 0);
  case Unit::Money: return number(x, 2);
  case Unit::Ratio: return number(100 * x, 1) + " %";
  case Unit::Days: return number(x, 1) + " d";
  case Unit::Plain: return number(x, digits_for(x, 2));
  }
  return number(x, 2);
}

//! A difference (or CI bound) in the metric's unit: pp for rates and ROI.
std::string show_difference(Unit u, double x, double scale)
{
  switch (u) {
  case Unit::Rate: return number(100 * x, digits_for(100 * scale, 2), true) + " pp";
  case Unit::Count: return number(x, 0, true);
  case Unit::Money: return number(x, digits_for(scale, 2), true);
  case Unit::Ratio: return number(100 * x, 1, true) + " pp";
  case Unit::Days: return number(x, digits_for(scale, 1), true) + " d"; // a 0.03-day shift is not "+0.0 d"
  case Unit::Plain: return number(x, digits_for(scale, 2), true);
  }
  return number(x, 2, true);
}

std::string show_p(double p)
{
  if (std::isnan(p))
    return "";
  if (p < 0.001)
    return "<0.001";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", p);
  return buf;
}

bool significant(const Estimate& e)
{
  return !std::isnan(e.p_value) && e.p_value < SIGNIFICANT;
}

//! Relative change of the variant against the baseline, "−3.1 %".
std::string relative(const Estimate& e)
{
  if (std::isnan(e.difference) || !(std::abs(e.baseline) > 0))
    return "—";
  return number(100 * e.difference / std::abs(e.baseline), 1, true) + " %";
}

const Estimate* find(const std::vector<ComparisonRow>& rows, const std::string& metric,
                     const std::string& group = {})
{
  for (const auto& r : rows)
    if (r.metric == metric && r.group == group)
      return &r.estimate;
  return nullptr;
}

//! "simplified_checkout: +0.41 pp conversion (95 % CI +0.35…+0.47), cost per conversion −3.1 %, …"
std::string verdict(const std::string& name, const ComparisonTables& t)
{
  std::string s = name + ": ";
  const Estimate* c = find(t.summary, "conversion_rate");
  if (c && c->difference == 0 && c->ci_low == 0 && c->ci_high == 0) {
    s += "conversion unchanged: no customer converted differently";
  } else if (c) {
    const double scale = std::max(std::abs(c->ci_high - c->ci_low), std::abs(c->difference));
    s += show_difference(Unit::Rate, c->difference, scale) + " conversion (95 % CI " +
         number(100 * c->ci_low, digits_for(100 * scale, 2), true) + "…" +
         number(100 * c->ci_high, digits_for(100 * scale, 2), true) + ")" +
         (significant(*c) ? "" : ", not significant") +
         (analysis::interval_and_test_disagree(c->ci_low, c->ci_high, c->p_value)
              ? " (the test, p = " + number(c->p_value, 3, false) +
                    ", disagrees with the interval: too few customers converted differently to tell; simulate more)"
              : "");
  }
  if (const Estimate* e = find(t.summary, "cost_per_conversion"))
    s += ", cost per conversion " + relative(*e) + (significant(*e) ? "" : " (n.s.)");
  if (const Estimate* e = find(t.summary, "revenue_per_agent"))
    s += ", revenue per customer " + relative(*e) + (significant(*e) ? "" : " (n.s.)");
  if (const Estimate* e = find(t.summary, "profit"))
    s += ", profit " + relative(*e) + (significant(*e) ? "" : " (n.s.)");
  if (const Estimate* e = find(t.summary, "marketing_cost"))
    s += ", marketing spend " + relative(*e) + (significant(*e) ? "" : " (n.s.)");
  if (const Estimate* e = find(t.summary, "roi"))
    s += ", ROI " + show_difference(Unit::Ratio, e->difference, 1) + (significant(*e) ? "" : " (n.s.)");
  // Which persona gains most (largest significant conversion lift).
  const ComparisonRow* best = nullptr;
  for (const auto& r : t.by_persona)
    if (r.metric == "conversion_rate" && significant(r.estimate) &&
        (!best || r.estimate.difference > best->estimate.difference))
      best = &r;
  if (best && best->estimate.difference > 0)
    s += "; gains most: " + best->group + " (" +
         show_difference(Unit::Rate, best->estimate.difference, best->estimate.difference) + ")";
  // And who loses most (largest significant conversion drop): a change that
  // wins overall can still cost a segment its customers.
  const ComparisonRow* worst = nullptr;
  for (const auto& r : t.by_persona)
    if (r.metric == "conversion_rate" && significant(r.estimate) &&
        (!worst || r.estimate.difference < worst->estimate.difference))
      worst = &r;
  if (worst && worst->estimate.difference < 0)
    s += "; loses most: " + worst->group + " (" +
         show_difference(Unit::Rate, worst->estimate.difference, -worst->estimate.difference) + ")";
  return s;
}

//! Print rows as an aligned table: [group,] metric, baseline, variant,
//! difference (* when p < 0.05), 95 % CI, p.
void print_rows(const std::vector<ComparisonRow>& rows, const std::string& group_title, std::ostream& out,
                const char* baseline_title = "baseline", const char* variant_title = "variant")
{
  std::vector<std::vector<std::string>> cells;
  const bool grouped = !group_title.empty();
  std::vector<std::string> head;
  if (grouped)
    head.push_back(group_title);
  for (const char* h : {"metric", baseline_title, variant_title, "difference", "95 % CI", "p"})
    head.emplace_back(h);
  cells.push_back(head);
  std::string last_group;
  for (const auto& r : rows) {
    const Estimate& e = r.estimate;
    const Unit u = unit_of(r.metric);
    const bool has_ci = !std::isnan(e.ci_low);
    double scale = has_ci ? std::max(std::abs(e.ci_high - e.ci_low), std::abs(e.difference))
                          : std::abs(e.difference);
    // No difference at all (or rounding noise): show it like the values.
    if (!(scale > 1e-9 * (std::abs(e.baseline) + std::abs(e.variant))))
      scale = std::max(std::abs(e.baseline), std::abs(e.variant));
    std::vector<std::string> row;
    if (grouped) {
      row.push_back(r.group == last_group ? "" : r.group);
      last_group = r.group;
    }
    row.push_back(label_of(r.metric));
    row.push_back(show_value(u, e.baseline));
    row.push_back(show_value(u, e.variant));
    row.push_back(show_difference(u, e.difference, scale) + (significant(e) ? " *" : "  "));
    row.push_back(has_ci ? show_difference(u, e.ci_low, scale) + " … " + show_difference(u, e.ci_high, scale) : "");
    row.push_back(show_p(e.p_value));
    cells.push_back(row);
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], display_width(row[c]));
  const std::size_t first_numeric = grouped ? 2 : 1;
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool left = c < first_numeric;
      line += (c ? "  " : "") + pad(row[c], width[c], left);
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << "\n";
  }
}

//! One stage of the journey map, baseline and variant: mean mood entering and
//! leaving it (over all personas), and touches by kind.
struct JourneyStage {
  std::string stage;
  double mood_in[2], mood_out[2];
  std::int64_t touches[2][4]; //!< neutral, pain point, success point, moment of truth
};

const char* const KIND_NAMES[] = {"neutral", "pain_point", "success_point", "moment_of_truth"};

//! Empty if either variant has no journey_map/ (files from before it existed).
std::vector<JourneyStage> journey_map(const ResultsReader& r, const std::string& base, const std::string& variant)
{
  const StoredAggregates agg[2] = {r.aggregates(base), r.aggregates(variant)};
  std::vector<JourneyStage> stages;
  if (!agg[0].has_journey_map || !agg[1].has_journey_map)
    return stages;
  const std::size_t k_n = r.stages().size(), p_n = r.personas().size();
  // Persona means weighted by the persona's reach: every agent that reaches a
  // stage enters and leaves it once.
  const auto mean_over_personas = [&](const StoredAggregates& s, const std::vector<double>& m, std::size_t k) {
    double sum = 0, w = 0;
    for (std::size_t p = 0; p < p_n; ++p) {
      const double n = static_cast<double>(s.reached_by_persona[p * k_n + k]);
      if (n > 0 && !std::isnan(m[p * k_n + k])) {
        sum += n * m[p * k_n + k];
        w += n;
      }
    }
    return w > 0 ? sum / w : std::nan("");
  };
  for (std::size_t k = 0; k < k_n; ++k) {
    JourneyStage js;
    js.stage = r.stages()[k];
    for (std::size_t i = 0; i < 2; ++i) {
      js.mood_in[i] = mean_over_personas(agg[i], agg[i].mood_in, k);
      js.mood_out[i] = mean_over_personas(agg[i], agg[i].mood_out, k);
      for (std::size_t kind = 0; kind < 4; ++kind)
        js.touches[i][kind] = agg[i].touches_by_kind[k * 4 + kind];
    }
    stages.push_back(js);
  }
  return stages;
}

//! The journey map per stage (the emotion curve and touches by kind), baseline → variant.
void print_journey_map(const ResultsReader& r, const std::string& base, const std::string& variant,
                       std::ostream& out)
{
  const std::vector<JourneyStage> map = journey_map(r, base, variant);
  if (map.empty()) {
    out << "(no journey map in this file)\n";
    return;
  }
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"stage", "mood in", "mood out", "pain points", "success points", "moments of truth"});
  const auto arrow = [](const std::string& x, const std::string& y) { return x + " → " + y; };
  for (const auto& js : map) {
    std::vector<std::string> row{js.stage};
    row.push_back(arrow(number(js.mood_in[0], 3, true), number(js.mood_in[1], 3, true)));
    row.push_back(arrow(number(js.mood_out[0], 3, true), number(js.mood_out[1], 3, true)));
    for (std::size_t kind = 1; kind < 4; ++kind)
      row.push_back(arrow(number(static_cast<double>(js.touches[0][kind]), 0),
                          number(static_cast<double>(js.touches[1][kind]), 0)));
    cells.push_back(row);
  }
  std::vector<std::size_t> width(cells[0].size(), 0);
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], display_width(row[c]));
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c)
      line += (c ? "  " : "") + pad(row[c], width[c], c == 0);
    out << line << "\n";
  }
}

// ---------------------------------------------------------------- CSV, JSON

void json_rows(const std::vector<ComparisonRow>& rows, bool grouped, std::ostream& out)
{
  out << "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const Estimate& e = r.estimate;
    out << (i ? ",\n      " : "\n      ") << "{";
    if (grouped)
      out << "\"group\": " << json_string(r.group) << ", ";
    out << "\"metric\": " << json_string(r.metric) << ", \"baseline\": " << json_number(e.baseline)
        << ", \"variant\": " << json_number(e.variant) << ", \"difference\": " << json_number(e.difference)
        << ", \"ci_low\": " << json_number(e.ci_low) << ", \"ci_high\": " << json_number(e.ci_high)
        << ", \"p_value\": " << json_number(e.p_value) << ", \"method\": " << json_string(e.method) << "}";
  }
  out << (rows.empty() ? "]" : "\n    ]");
}

//! The journey map as comparison rows (group = stage; no CI: aggregates).
std::vector<ComparisonRow> journey_rows(const std::vector<JourneyStage>& map)
{
  std::vector<ComparisonRow> rows;
  const auto add = [&](const std::string& stage, std::string metric, double b, double v) {
    Estimate e;
    e.baseline = b;
    e.variant = v;
    e.difference = v - b;
    e.ci_low = e.ci_high = e.p_value = std::nan("");
    e.method = "journey map aggregates (no CI)";
    rows.push_back({stage, std::move(metric), e});
  };
  for (const auto& js : map) {
    add(js.stage, "mood_in", js.mood_in[0], js.mood_in[1]);
    add(js.stage, "mood_out", js.mood_out[0], js.mood_out[1]);
    for (std::size_t kind = 0; kind < 4; ++kind)
      add(js.stage, std::string("touches_") + KIND_NAMES[kind], static_cast<double>(js.touches[0][kind]),
          static_cast<double>(js.touches[1][kind]));
  }
  return rows;
}

// ---------------------------------------------------------------- A/B test size

//! The real A/B test that would confirm a variant's simulated conversion lift.
std::optional<analysis::AbTestPlan> ab_test(const ComparisonTables& t, analysis::SampleSizeOptions o)
{
  const Estimate* c = find(t.summary, "conversion_rate");
  if (!c || std::isnan(c->baseline) || std::isnan(c->variant))
    return std::nullopt;
  return analysis::plan_ab_test(c->baseline, c->variant, c->ci_low, c->ci_high, o);
}

std::string customers(double n)
{
  if (std::isnan(n))
    return "—";
  if (std::isinf(n))
    return "∞";
  return number(n, 0);
}

//! "a real A/B test needs 14,884 customers per arm (29,768 in all) to detect +0.57 pp …"
std::string ab_test_line(const analysis::AbTestPlan& p, double daily_traffic)
{
  if (p.lift == 0)
    return "no conversion lift to confirm with an A/B test";
  const double scale = std::abs(p.lift);
  std::string s = "a real A/B test needs " + customers(p.per_arm) + " customers per arm (" +
                  customers(2 * p.per_arm) + " in all";
  if (daily_traffic > 0)
    s += ", " + number(std::ceil(2 * p.per_arm / daily_traffic), 0) + " days at " +
         (daily_traffic == std::floor(daily_traffic) ? number(daily_traffic, 0) : num(daily_traffic, 4)) +
         " customers a day";
  s += ") to detect " + show_difference(Unit::Rate, p.lift, scale) + " (" + show_value(Unit::Rate, p.baseline_rate) +
       " → " + show_value(Unit::Rate, p.variant_rate) + ") with " + num(100 * p.options.power, 4) +
       " % power at α = " + num(p.options.alpha, 4);
  if (std::isinf(p.per_arm_conservative))
    s += "; the simulated lift's 95 % CI includes 0, so no test size is sure to be enough";
  else if (!std::isnan(p.per_arm_conservative))
    s += "; " + customers(p.per_arm_conservative) + " per arm if the lift is only its 95 % CI's nearer end";
  return s;
}

struct Compared {
  std::string variant;
  ComparisonTables tables;
  bool stored = false; //!< read from /comparison (else recomputed)
};

const std::vector<ComparisonRow>& breakdown(const ComparisonTables& t, const std::string& by)
{
  if (by == "persona")
    return t.by_persona;
  if (by == "stage")
    return t.by_stage;
  if (by == "phase")
    return t.by_phase;
  return t.by_touchpoint;
}

} // namespace

int compare_command(const std::vector<std::string>& args)
{
  po::options_description visible(
    "usage: journeysim compare RESULTS.h5 [options]\n\n"
    "Compares each variant with the baseline on the same synthetic customers\n"
    "(paired: common random numbers), with 95 % confidence intervals and p-values\n"
    "(methods: docs/STATISTICS.md). Differences marked * have p < 0.05.\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("baseline,b", po::value<std::string>(), "compare against this variant (default: the run's baseline; "
                                             "another one is recomputed from the per-agent columns)")
    ("variant,v", po::value<std::vector<std::string>>()->composing(), "compare only this variant (repeatable)")
    ("by", po::value<std::string>(), "also break down by persona, stage (with the journey map), phase or touchpoint; "
                                     "or 'attribution': what each touchpoint is worth (run --attribution)")
    ("format", po::value<std::string>()->default_value("table"), "table, csv or json")
    ("power", po::value<double>()->default_value(0.8, "0.8"), "power of the real A/B test to size (0.5 to 0.99)")
    ("alpha", po::value<double>()->default_value(0.05, "0.05"), "its two-sided significance level (0.001 to 0.2)")
    ("daily-traffic", po::value<double>(), "customers a day who could enter the real test: also say how many days it takes");
  add_csv_options(visible);
  po::options_description all;
  all.add(visible).add_options()("results", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("results", 1);
  const auto vm = parse_args(args, all, pos);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (!vm.count("results"))
    throw InputError("journeysim compare: missing RESULTS.h5 (see 'journeysim compare --help')");
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "csv" && format != "json")
    throw InputError("--format: expected table, csv or json, got '" + format + "'");
  const CsvStyle csv = csv_style(vm);
  analysis::SampleSizeOptions sizing;
  sizing.power = vm["power"].as<double>();
  sizing.alpha = vm["alpha"].as<double>();
  if (!(sizing.power >= 0.5 && sizing.power <= 0.99))
    throw InputError("--power: expected 0.5 to 0.99");
  if (!(sizing.alpha >= 0.001 && sizing.alpha <= 0.2))
    throw InputError("--alpha: expected 0.001 to 0.2");
  const double daily_traffic = vm.count("daily-traffic") ? vm["daily-traffic"].as<double>() : 0.0;
  if (vm.count("daily-traffic") && !(daily_traffic >= 1 && daily_traffic <= 1e12))
    throw InputError("--daily-traffic: expected a number of customers a day (1 or more)");
  std::string by;
  if (vm.count("by")) {
    by = vm["by"].as<std::string>();
    if (by != "persona" && by != "stage" && by != "phase" && by != "touchpoint" && by != "attribution")
      throw InputError("--by: expected persona, stage, phase, touchpoint or attribution, got '" + by + "'");
  }
  // The touchpoint values are one table for the file, not a breakdown per variant.
  const bool show_attribution = by == "attribution";
  if (show_attribution)
    by.clear();

  const ResultsReader reader(vm["results"].as<std::string>());
  const auto& names = reader.variants();
  const std::string base =
    vm.count("baseline") ? names[reader.variant_index(vm["baseline"].as<std::string>(), "--baseline")] : names[0];
  std::vector<std::string> wanted;
  if (vm.count("variant")) {
    for (const auto& v : vm["variant"].as<std::vector<std::string>>()) {
      const std::string& name = names[reader.variant_index(v, "--variant")];
      if (name == base)
        throw InputError("--variant: '" + name + "' is the baseline of this comparison");
      if (std::find(wanted.begin(), wanted.end(), name) == wanted.end())
        wanted.push_back(name);
    }
  } else {
    for (const auto& v : names)
      if (v != base)
        wanted.push_back(v);
  }
  if (show_attribution && reader.attribution().empty())
    throw InputError("'" + reader.path() + "' has no /attribution: run the scenario with --attribution");
  if (wanted.empty() && !show_attribution)
    throw InputError("'" + reader.path() + "' holds only the baseline '" + base + "': nothing to compare");
  if (wanted.empty() && format == "table") {
    std::cout << "what each touchpoint is worth in '" << base << "' (difference = with it − the same customers "
                 "without it; last touch … markov: the conversions those rules credit to it):\n";
    print_rows(reader.attribution(), "touchpoint", std::cout, "with", "without");
    return 0;
  }

  // A comparison on an unsettled fixed point is not what the shop would see.
  // Only those compared: a caution about a variant not shown reads as one about those that are.
  std::string list;
  for (const auto& v : reader.unsettled())
    if (v == base || std::find(wanted.begin(), wanted.end(), v) != wanted.end())
      list += (list.empty() ? "'" : ", '") + v + "'";
  if (!list.empty()) {
    std::cerr << "caution: the population feedback of " << list << " did not converge (budgets' pacing and "
              << "referrals are not settled, so their numbers below are not either): rerun with a larger "
              << "feedback.max_passes or tolerance\n";
  }

  std::vector<Compared> results;
  for (const auto& v : wanted) {
    Compared c;
    c.variant = v;
    if (base == names[0] && reader.has_comparison(v)) {
      c.tables = reader.comparison(v);
      c.stored = true;
    } else {
      c.tables = reader.recompute(base, v);
    }
    results.push_back(std::move(c));
  }

  std::ostream& out = std::cout;
  if (format == "csv") {
    const char sep = csv.separator;
    begin_csv(out, csv);
    for (const char* h : {"variant", "baseline_variant", "table", "group", "metric", "baseline", "variant_value",
                          "difference", "ci_low", "ci_high", "p_value"})
      out << h << sep;
    out << "method\n";
    for (const auto& c : results) {
      const auto row = [&](const std::string& table, const std::string& group, const std::string& metric,
                           const Estimate& e) {
        out << csv_text(c.variant, csv) << sep << csv_text(base, csv) << sep << table << sep << csv_text(group, csv)
            << sep << metric;
        for (double x : {e.baseline, e.variant, e.difference, e.ci_low, e.ci_high, e.p_value})
          out << sep << csv_number(x, csv);
        out << sep << csv_text(e.method, csv) << "\n";
      };
      const auto emit = [&](const std::string& table, const std::vector<ComparisonRow>& rows) {
        for (const auto& r : rows)
          row(table, r.group, r.metric, r.estimate);
      };
      emit("summary", c.tables.summary);
      if (!by.empty())
        emit("by_" + by, breakdown(c.tables, by));
      if (by == "stage")
        emit("journey_map", journey_rows(journey_map(reader, base, c.variant)));
      if (const auto plan = ab_test(c.tables, sizing)) {
        // baseline/variant: the two rates; difference: customers per arm for
        // the simulated lift; ci_low/ci_high: for the lifts at the CI's ends.
        Estimate e;
        e.baseline = plan->baseline_rate;
        e.variant = plan->variant_rate;
        e.difference = plan->per_arm;
        const bool up = plan->lift > 0;
        e.ci_low = up ? plan->per_arm_optimistic : plan->per_arm_conservative;
        e.ci_high = up ? plan->per_arm_conservative : plan->per_arm_optimistic;
        e.p_value = std::nan("");
        e.method = "per arm, two proportions, Fleiss et al. (2003) eq. 4.15 with continuity correction; power " +
                   exact_number(sizing.power) + ", alpha " + exact_number(sizing.alpha) + " two-sided; ci_*: for the lift at each end "
                   "of its 95 % CI (empty: infinite)";
        row("ab_test", "", "sample_size_per_arm", e);
      }
    }
    // What each touchpoint is worth (run --attribution): baseline = with it,
    // variant_value = without it, difference = the increment.
    for (const auto& r : reader.attribution()) {
      const Estimate& e = r.estimate;
      out << sep << csv_text(base, csv) << sep << "attribution" << sep << csv_text(r.group, csv) << sep << r.metric;
      for (double x : {e.baseline, e.variant, e.difference, e.ci_low, e.ci_high, e.p_value})
        out << sep << csv_number(x, csv);
      out << sep << csv_text(e.method, csv) << "\n";
    }
    return 0;
  }
  if (format == "json") {
    out << "{\n  \"file\": " << json_string(reader.path()) << ",\n  \"agents\": " << reader.agents()
        << ",\n  \"baseline\": " << json_string(base) << ",\n  \"set\": " << json_strings(reader.command_line_set())
        << ",\n  \"significance_level\": " << SIGNIFICANT
        << ",\n  \"comparisons\": [";
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& c = results[i];
      out << (i ? ",\n" : "\n") << "  {\n    \"variant\": " << json_string(c.variant)
          << ",\n    \"verdict\": " << json_string(verdict(c.variant, c.tables)) << ",\n    \"summary\": ";
      json_rows(c.tables.summary, false, out);
      if (!by.empty()) {
        out << ",\n    \"by_" << by << "\": ";
        json_rows(breakdown(c.tables, by), true, out);
      }
      if (by == "stage") {
        out << ",\n    \"journey_map\": ";
        json_rows(journey_rows(journey_map(reader, base, c.variant)), true, out);
      }
      if (const auto plan = ab_test(c.tables, sizing)) {
        out << ",\n    \"ab_test\": {\"baseline_rate\": " << json_number(plan->baseline_rate)
            << ", \"variant_rate\": " << json_number(plan->variant_rate) << ", \"lift\": " << json_number(plan->lift)
            << ", \"power\": " << json_number(sizing.power) << ", \"alpha\": " << json_number(sizing.alpha)
            << ", \"per_arm\": " << json_number(plan->per_arm)
            << ", \"per_arm_conservative\": " << json_number(plan->per_arm_conservative)
            << ", \"per_arm_optimistic\": " << json_number(plan->per_arm_optimistic);
        if (daily_traffic > 0)
          out << ", \"days\": " << json_number(std::ceil(2 * plan->per_arm / daily_traffic));
        out << ", \"method\": \"Fleiss et al. (2003) eq. 4.15, continuity-corrected; null where infinite\"}";
      }
      out << "\n  }";
    }
    out << "\n  ]";
    if (const auto rows = reader.attribution(); !rows.empty()) {
      out << ",\n  \"attribution\": ";
      json_rows(rows, true, out);
    }
    out << "\n}\n";
    return 0;
  }

  out << "'" << reader.path() << "': " << thousands(static_cast<std::int64_t>(reader.agents()))
      << " customers, each variant against '" << base << "' on the same customers (paired)\n";
  if (const auto set = reader.command_line_set(); !set.empty()) { // the stored scenario alone is not what ran
    out << "scenario as run with";
    for (const std::string& s : set)
      out << " --set " << printable(s);
    out << "\n";
  }
  for (const auto& c : results) {
    out << "\n== " << c.variant << " vs " << base << (c.stored ? "" : " (recomputed from per-agent columns)")
        << "\n";
    print_rows(c.tables.summary, "", out);
    if (!by.empty()) {
      out << "\nby " << by << ":\n";
      if (by == "persona" && c.tables.by_persona.empty())
        out << "  none: '" << c.variant << "' draws its customers from other persona shares, so a customer's "
            << "persona is not the same in both (each variant's /variants/<name>/funnel/by_persona has its "
            << "personas' funnel)\n";
      else
        print_rows(breakdown(c.tables, by), by, out);
      if (by == "stage") {
        out << "\njourney map (mean over personas; touches by kind), " << base << " → " << c.variant << ":\n";
        print_journey_map(reader, base, c.variant, out);
      }
    }
  }
  out << "\n* p < 0.05 (two-sided). pp = percentage points, d = days. Rates: paired proportions with McNemar's "
         "test;\n  money and mood: paired mean differences; ratios: delta method; quantiles: batch means "
         "(docs/STATISTICS.md).\n\nverdict:\n";
  for (const auto& c : results)
    out << "  " << verdict(c.variant, c.tables) << "\n";
  out << "\nto confirm in a real A/B test (two proportions, docs/STATISTICS.md):\n";
  for (const auto& c : results)
    if (const auto plan = ab_test(c.tables, sizing))
      out << "  " << c.variant << ": " << ab_test_line(*plan, daily_traffic) << "\n";
  if (const auto rows = reader.attribution(); !rows.empty()) {
    if (show_attribution) {
      out << "\nwhat each touchpoint is worth in '" << names[0]
          << "' (difference = with it − the same customers without it; last touch … markov: the conversions "
             "those rules credit to it):\n";
      print_rows(rows, "touchpoint", out, "with", "without");
    } else {
      out << "\nwhat each touchpoint is worth (removal runs and attribution rules): compare --by attribution\n";
    }
  }
  return 0;
}

} // namespace journeysim::cli
