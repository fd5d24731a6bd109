#include "journeysim/report/report_data.h"

#include "journeysim/error.h"
#include "journeysim/results/h5.h"
#include "journeysim/results/results_reader.h"
#include "journeysim/scenario/loader.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace journeysim::report {

namespace {

const char* const SUMMARY_METRICS[] = {"agents",  "conversions",         "conversion_rate",
                                       "purchases", "revenue",           "cost",
                                       "cost_per_conversion", "roi",     "cart_abandon_rate",
                                       "mean_mood", "profit", "discounts", "margin", "planned_spend",
                                       "arrived", "referral_arrivals", "conversion_rate_arrived",
                                       "conversion_rate_mature", "clv_per_customer"};

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string optional_string(const h5::Object& obj, const std::string& name)
{
  return h5::attribute_exists(obj, name) ? h5::read_attribute_string(obj, name) : std::string();
}

VariantReport read_variant(const ResultsReader& reader, const h5::File& file, const std::string& name)
{
  VariantReport v;
  v.name = name;
  const h5::Group g = h5::open_group(h5::open_group(file, "variants"), name);
  v.description = optional_string(g, "description");
  const h5::Group summary = h5::open_group(g, "summary");
  for (const char* m : SUMMARY_METRICS)
    if (h5::attribute_exists(summary, m))
      v.summary[m] = h5::read_attribute_double(summary, m);

  if (h5::exists(g, "channels/name")) {
    Spend sp;
    sp.channels = h5::read_strings(g, "channels/name");
    sp.spend = h5::read_dataset<double>(g, "channels/spend");
    sp.planned = h5::read_dataset<double>(g, "channels/planned_spend");
    if (sp.spend.size() != sp.channels.size() || sp.planned.size() != sp.channels.size())
      throw OutputError("the spend per channel of variant " + quoted(name) + " has rows of different lengths");
    v.spend = std::move(sp);
  }

  StoredAggregates a = reader.aggregates(name);
  const std::size_t K = reader.stages().size(), P = reader.personas().size();
  if (a.reached.size() != K || a.reached_by_persona.size() != K * P)
    throw OutputError("the funnel of variant " + quoted(name) + " does not match /stages and /personas");
  v.reached = std::move(a.reached);
  v.reached_by_persona = std::move(a.reached_by_persona);
  if (a.has_journey_map) {
    if (a.mood_in.size() != K * P || a.mood_out.size() != K * P || a.touches_by_kind.size() != K * 4)
      throw OutputError("the journey map of variant " + quoted(name) + " does not match /stages and /personas");
    v.journey_map = JourneyMap{std::move(a.mood_in), std::move(a.mood_out), std::move(a.touches_by_kind)};
  }
  if (reader.has_comparison(name)) {
    std::vector<ComparisonRow> rows;
    for (const auto& r : reader.comparison(name).summary) {
      const analysis::Estimate& e = r.estimate;
      rows.push_back({r.metric, e.baseline, e.variant, e.difference, e.ci_low, e.ci_high, e.p_value, e.method});
    }
    v.comparison = std::move(rows);
    for (const auto& r : reader.comparison(name).by_persona)
      if (r.metric == "conversion_rate")
        v.persona_conversion.push_back(
          {r.group, r.estimate.difference, r.estimate.ci_low, r.estimate.ci_high, r.estimate.p_value});
  }
  v.touch_cost = std::move(a.touch_cost);
  return v;
}

} // namespace

Calibration parse_calibration_header(const std::string& source)
{
  Calibration c;
  if (source.rfind("# Calibrated by journeysim calibrate", 0) != 0)
    return c;
  std::istringstream in(source);
  for (std::string line; std::getline(in, line) && line.rfind('#', 0) == 0;) {
    line.erase(0, line.size() > 1 && line[1] == ' ' ? 2 : 1);
    c.header.push_back(line);
    // A transition row: "[persona: ]from -> to   n   y   observed   fitted   residual".
    const std::size_t arrow = line.find(" -> ");
    if (arrow == std::string::npos || line.find("not fitted") != std::string::npos) // shown rows were not fitted
      continue;
    std::istringstream row(line.substr(arrow + 4));
    CalibrationRow r;
    std::string n, y, observed, fitted;
    if (!(row >> r.to >> n >> y >> observed >> fitted))
      continue;
    auto whole = [](std::string t) {
      t.erase(std::remove(t.begin(), t.end(), ','), t.end());
      return std::strtoll(t.c_str(), nullptr, 10);
    };
    std::string head = line.substr(0, arrow);
    const std::size_t colon = head.find(": ");
    if (colon != std::string::npos) {
      r.persona = head.substr(0, colon);
      head.erase(0, colon + 2);
    }
    r.from = head;
    r.customers = whole(n);
    r.reached = whole(y);
    r.fitted = std::strtod(fitted.c_str(), nullptr);
    if (r.customers > 0)
      c.rows.push_back(r);
  }
  return c;
}

double VariantReport::metric(const std::string& key) const
{
  const auto it = summary.find(key);
  return it == summary.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

ReportData read_report_data(const std::string& path)
{
  // ResultsReader checks the file (HDF5, ours, not a sweep, complete) and
  // reads the structure and aggregates; the identity and summary attributes
  // are read here.
  const ResultsReader reader(path);
  ReportData d;
  d.path = path;
  try {
    const h5::File file = h5::open_file(path);
    d.created_utc = optional_string(file, "created_utc");
    d.currency = optional_string(file, "currency");
    d.journeysim_version = optional_string(file, "journeysim_version");
    d.seed = h5::read_attribute_uint(file, "seed");
    d.population = reader.agents();
    d.horizon_days = reader.horizon_days();
    {
      const h5::Group sc = h5::open_group(file, "scenario");
      d.scenario_name = h5::read_attribute_string(sc, "name");
      d.scenario_description = optional_string(sc, "description");
      d.scenario_path = optional_string(sc, "path");
      d.scenario_sha256 = optional_string(sc, "sha256");
      d.calibration = parse_calibration_header(optional_string(sc, "source"));
    }
    d.unsettled = reader.unsettled();
    d.command_line_set = reader.command_line_set();
    d.stages = reader.stages();
    d.phases = reader.phases();
    d.personas = reader.personas();
    d.persona_shares = h5::read_dataset<double>(file, "personas/share");
    if (d.stages.empty() || d.phases.size() != d.stages.size() || d.persona_shares.size() != d.personas.size())
      throw OutputError("/stages or /personas are inconsistent");
    for (const auto& name : reader.variants()) // the baseline first
      d.variants.push_back(read_variant(reader, file, name));
    if (h5::exists(file, "touchpoints/channel")) {
      d.touchpoints = reader.touchpoints();
      d.touchpoint_channels = h5::read_strings(file, "touchpoints/channel");
    }
    // Which touchpoints act where, for the journey map's labels: the stored
    // scenario read back (a file from another version may not parse: no labels).
    try {
      const h5::Group sc = h5::open_group(file, "scenario");
      if (h5::attribute_exists(sc, "source")) {
        std::vector<Override> set; // what ran: the stored text with the run's --set
        for (const std::string& s : d.command_line_set)
          if (const std::size_t eq = s.find('='); eq != std::string::npos)
            set.push_back({s.substr(0, eq), s.substr(eq + 1)});
        const Scenario scenario = parse_scenario(h5::read_attribute_string(sc, "source"), d.scenario_path, set);
        for (VariantReport& v : d.variants) {
          const int i = scenario.variant_index(v.name);
          if (i < 0)
            continue;
          v.touchpoints_by_stage_kind.assign(d.stages.size(), std::vector<std::vector<std::string>>(4));
          for (const Touchpoint& t : scenario.variants[static_cast<std::size_t>(i)].touchpoints)
            for (int k : t.stages)
              if (static_cast<std::size_t>(k) < d.stages.size())
                v.touchpoints_by_stage_kind[static_cast<std::size_t>(k)][static_cast<std::size_t>(t.kind)].push_back(t.name);
        }
      }
    } catch (const InputError&) {
      for (VariantReport& v : d.variants)
        v.touchpoints_by_stage_kind.clear();
    }
    for (const auto& row : reader.attribution()) {
      if (d.touchpoint_values.empty() || d.touchpoint_values.back().touchpoint != row.group)
        d.touchpoint_values.push_back({row.group});
      TouchpointValue& t = d.touchpoint_values.back();
      const analysis::Estimate& e = row.estimate;
      if (row.metric == "conversions")
        t.conversions = e.difference, t.conversions_low = e.ci_low, t.conversions_high = e.ci_high;
      else if (row.metric == "revenue")
        t.revenue = e.difference, t.revenue_low = e.ci_low, t.revenue_high = e.ci_high;
      else if (row.metric == "marketing_cost")
        t.cost = e.difference;
      else if (row.metric == "profit")
        t.profit = e.difference, t.profit_low = e.ci_low, t.profit_high = e.ci_high;
      else if (row.metric == "cost_per_incremental_conversion")
        t.cost_per_conversion = e.difference;
      else if (row.metric == "incremental_roi")
        t.roi = e.difference;
      else if (row.metric == "last_touch")
        t.last_touch = e.difference;
      else if (row.metric == "first_touch")
        t.first_touch = e.difference;
      else if (row.metric == "linear")
        t.linear = e.difference;
      else if (row.metric == "markov")
        t.markov = e.difference;
    }
  } catch (const OutputError& e) {
    throw InputError(quoted(path) + " cannot be read as a results file: " + e.what());
  }
  return d;
}

} // namespace journeysim::report
