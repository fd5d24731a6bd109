#include "layout.h"

#include "journeysim/error.h"
#include "journeysim/scenario/vocabulary.h"
#include "journeysim/util/sha256.h"

#include <cmath>
#include <algorithm>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#ifndef JOURNEYSIM_VERSION
#error "JOURNEYSIM_VERSION must be defined by the build"
#endif

namespace journeysim::layout {

std::string utc_now()
{
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_identity(const h5::File& file)
{
  h5::write_attribute(file, "format", "journeysim-results");
  h5::write_attribute(file, "format_version", FORMAT_VERSION);
  h5::write_attribute(file, "journeysim_version", JOURNEYSIM_VERSION);
  h5::write_attribute(file, "created_utc", utc_now());
  h5::write_attribute(file, "complete", std::int64_t{0});
}

void write_scenario_tables(const h5::File& file, const Scenario& sc)
{
  {
    const h5::Group g = h5::create_group(file, "scenario");
    h5::write_attribute(g, "name", sc.name);
    h5::write_attribute(g, "description", sc.description);
    h5::write_attribute(g, "source", sc.source);
    h5::write_attribute(g, "sha256", sha256_hex(sc.source));
    std::string set; // one PATH=VALUE a line, as --set was given
    for (const auto& o : sc.command_line_set)
      set += o + "\n";
    h5::write_attribute(g, "set", set);
    h5::write_attribute(g, "path", sc.path);
  }

  // Stage and persona tables are the baseline's (variants change parameters
  // and touchpoints, not the funnel or the persona mix's names).
  const Model& base = sc.baseline();
  {
    const h5::Group g = h5::create_group(file, "stages");
    std::vector<std::string> name, phase;
    std::vector<std::uint8_t> purchase;
    for (const auto& s : base.stages) {
      name.push_back(s.name);
      phase.emplace_back(to_string(s.phase));
      purchase.push_back(s.purchase ? 1 : 0);
    }
    h5::write_dataset(g, "name", name);
    h5::write_dataset(g, "phase", phase);
    h5::write_dataset(g, "purchase", purchase);
  }
  {
    const h5::Group g = h5::create_group(file, "personas");
    std::vector<std::string> name;
    std::vector<double> share;
    double total = 0.0;
    for (const auto& p : base.personas)
      total += p.share;
    for (const auto& p : base.personas) {
      name.push_back(p.name);
      share.push_back(total > 0 ? p.share / total : 0.0);
    }
    h5::write_dataset(g, "name", name);
    h5::write_dataset(g, "share", share);
  }
}

void write_touchpoint_table(const h5::File& file, const std::vector<TouchpointInfo>& rows)
{
  const h5::Group g = h5::create_group(file, "touchpoints");
  std::vector<std::string> name, channel, kind;
  for (const auto& t : rows) {
    name.push_back(t.name);
    channel.push_back(t.channel);
    kind.emplace_back(to_string(t.kind));
  }
  h5::write_dataset(g, "name", name);
  h5::write_dataset(g, "channel", channel);
  h5::write_dataset(g, "kind", kind);
}

void write_totals(const h5::Object& group, const VariantTotals& t, std::size_t touch_rows)
{
  if (t.tally.exposures.size() != touch_rows || t.tally.advances.size() != touch_rows ||
      t.touch_cost.size() != touch_rows)
    throw OutputError("touchpoint statistics are not aligned with the touchpoint table");
  const std::uint64_t k = t.stages;
  const std::uint64_t h = static_cast<std::uint64_t>(t.horizon_days);
  {
    const h5::Group g = h5::create_group(group, "funnel");
    h5::write_dataset(g, "reached", t.reached, {k});
    h5::write_dataset(g, "by_persona", t.reached_by_persona, {t.personas, k});
  }
  {
    const h5::Group g = h5::create_group(group, "daily");
    h5::write_dataset(g, "in_stage", t.in_stage, {h, k});
    h5::write_dataset(g, "lost", t.lost, {h, k});
  }
  {
    const h5::Group g = h5::create_group(group, "touchpoints");
    h5::write_dataset(g, "exposures", t.tally.exposures);
    h5::write_dataset(g, "advances", t.tally.advances);
    h5::write_dataset(g, "cost", t.touch_cost);
  }
  {
    // The tally holds sums; every agent that reaches a stage enters and
    // leaves it once, so both means divide by the persona's reach.
    const h5::Group g = h5::create_group(group, "journey_map");
    std::vector<double> mood_in(t.tally.mood_in.size()), mood_out(t.tally.mood_out.size());
    for (std::size_t i = 0; i < mood_in.size() && i < t.reached_by_persona.size(); ++i) {
      const auto n = static_cast<double>(t.reached_by_persona[i]);
      mood_in[i] = n > 0 ? t.tally.mood_in[i] / n : std::numeric_limits<double>::quiet_NaN();
      mood_out[i] = n > 0 ? t.tally.mood_out[i] / n : std::numeric_limits<double>::quiet_NaN();
    }
    h5::write_dataset(g, "mood_in", mood_in, {t.personas, k});
    h5::write_dataset(g, "mood_out", mood_out, {t.personas, k});
    const h5::Dataset touches = h5::write_dataset(g, "touches_by_kind", t.tally.touches_by_kind, {k, 4});
    h5::write_attribute(touches, "kinds",
                        vocabulary::TOUCH_KINDS);
  }
  const Summary s = t.summary();
  const h5::Group g = h5::create_group(group, "summary");
  h5::write_attribute(g, "agents", s.agents);
  h5::write_attribute(g, "conversions", s.conversions);
  h5::write_attribute(g, "conversion_rate", s.conversion_rate);
  h5::write_attribute(g, "purchases", s.purchases);
  h5::write_attribute(g, "revenue", s.revenue);
  h5::write_attribute(g, "cost", s.cost);
  h5::write_attribute(g, "cost_per_conversion", s.cost_per_conversion);
  h5::write_attribute(g, "roi", s.roi);
  h5::write_attribute(g, "cart_abandon_rate", s.cart_abandon_rate);
  h5::write_attribute(g, "mean_mood", s.mean_mood);
  // Model v2 (MODEL.md "Money", "Arrivals"): also for model-v1 scenarios,
  // where they restate v1 (margin 1, everyone arrived).
  h5::write_attribute(g, "discounts", s.discounts);
  h5::write_attribute(g, "margin", s.margin);
  h5::write_attribute(g, "profit", s.profit);
  h5::write_attribute(g, "clv", s.clv);
  h5::write_attribute(g, "clv_per_customer", s.clv_per_customer);
  h5::write_attribute(g, "planned_spend", s.planned_spend);
  h5::write_attribute(g, "arrived", s.arrived);
  h5::write_attribute(g, "referral_arrivals", s.referral_arrivals);
  h5::write_attribute(g, "conversion_rate_arrived", s.conversion_rate_arrived);
  h5::write_attribute(g, "mature", s.mature);
  h5::write_attribute(g, "conversion_rate_mature", s.conversion_rate_mature);
}

void write_spend_and_feedback(const h5::Object& group, const VariantTotals& t, const Model& model,
                              const std::vector<TouchpointInfo>& rows, const FeedbackReport& feedback)
{
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const std::uint64_t h = static_cast<std::uint64_t>(t.horizon_days);
  // Planned spend per touchpoint row (NaN: bought by stated reach), and
  // per channel: realised spend is what exposures cost.
  std::vector<double> planned(rows.size(), nan);
  for (const auto& tp : model.touchpoints)
    if (tp.budget)
      for (std::size_t r = 0; r < rows.size(); ++r)
        if (rows[r].name == tp.name)
          planned[r] = tp.budget->total * t.budget_share;
  h5::write_dataset(h5::open_group(group, "touchpoints"), "planned_spend", planned);
  {
    std::vector<std::string> channel;
    std::vector<double> spend, planned_spend;
    std::vector<std::int64_t> exposures;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      auto it = std::find(channel.begin(), channel.end(), rows[r].channel);
      if (it == channel.end()) {
        channel.push_back(rows[r].channel);
        spend.push_back(0.0);
        planned_spend.push_back(0.0);
        exposures.push_back(0);
        it = channel.end() - 1;
      }
      const auto c = static_cast<std::size_t>(it - channel.begin());
      spend[c] += t.touch_cost[r];
      exposures[c] += t.tally.exposures[r];
      planned_spend[c] += std::isnan(planned[r]) ? t.touch_cost[r] : planned[r];
    }
    const h5::Group g = h5::create_group(group, "channels");
    h5::write_dataset(g, "name", channel);
    h5::write_dataset(g, "spend", spend);
    h5::write_dataset(g, "planned_spend", planned_spend);
    h5::write_dataset(g, "exposures", exposures);
  }
  if (!model.arrivals.at_start) {
    const h5::Group daily = h5::open_group(group, "daily");
    h5::write_dataset(daily, "arrivals", t.arrivals, {h});
    h5::write_dataset(daily, "referral_arrivals", t.referral_arrivals_by_day, {h});
  }
  if (feedback.passes > 0) {
    const h5::Group g = h5::create_group(group, "feedback");
    h5::write_attribute(g, "passes", std::int64_t{feedback.passes});
    h5::write_attribute(g, "residual", feedback.residual);
    if (std::isfinite(feedback.spend_error)) // NaN: no budget; ∞: one pass, nothing to compare
      h5::write_attribute(g, "budget_spend_error", feedback.spend_error);
    h5::write_attribute(g, "converged", std::int64_t{feedback.converged ? 1 : 0});
    h5::write_attribute(g, "tolerance", model.feedback.tolerance);
    if (!t.advocates.empty()) {
      h5::write_dataset(g, "advocates", t.advocates, {t.personas, h});
      h5::write_dataset(g, "referral_contacts", referral_contacts(model, feedback.curves, t.horizon_days > 0 ? h : 0));
    }
    if (!t.tally.eligible.empty())
      h5::write_dataset(g, "budget_audience", t.tally.eligible, {t.tally.eligible.size() / (t.personas * h), t.personas, h});
  }
}


PopulationColumns create_population_columns(const h5::Group& agents, const Model& model, std::uint64_t seed,
                                            std::uint64_t rows, const h5::RowOptions& options)
{
  PopulationColumns p;
  p.agent_id = h5::RowDataset::create<std::uint64_t>(agents, "agent_id", rows, 0, options);
  p.persona = h5::RowDataset::create<std::uint16_t>(agents, "persona", rows, 0, options);
  const Population population(model, seed);
  for (const auto& column : population.columns()) {
    const std::string name = "attr_" + column.name;
    if (column.choice) {
      p.data.push_back(h5::RowDataset::create<std::uint8_t>(agents, name, rows, 0, options));
      h5::write_attribute(p.data.back().dataset(), "labels", column.labels);
      h5::write_attribute(p.data.back().dataset(), "missing_code", std::int64_t{MISSING_CHOICE});
    } else {
      p.data.push_back(h5::RowDataset::create<float>(agents, name, rows, 0, options));
    }
    p.attributes.push_back(column);
  }
  return p;
}

PopulationColumns open_population_columns(const h5::Group& agents, const Model& model, std::uint64_t seed)
{
  PopulationColumns p;
  p.agent_id = h5::RowDataset::open(agents, "agent_id");
  p.persona = h5::RowDataset::open(agents, "persona");
  const Population population(model, seed);
  for (const auto& column : population.columns()) {
    p.data.push_back(h5::RowDataset::open(agents, "attr_" + column.name));
    p.attributes.push_back(column);
  }
  return p;
}

void choice_codes(const float* values, std::size_t n, std::vector<std::uint8_t>& codes)
{
  codes.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float x = values[i];
    codes[i] = (std::isnan(x) || x < 0.0f || x >= static_cast<float>(MISSING_CHOICE)) ? MISSING_CHOICE
                                                                                     : static_cast<std::uint8_t>(x);
  }
}

void write_population_columns(PopulationColumns& p, std::uint64_t at, const AgentColumns& a)
{
  for_each_population_column(p, a, p.codes, [&](h5::RowDataset& d, auto values) { d.write_rows(at, values); });
}

std::vector<h5::RowDataset> create_outcome_columns(const h5::Group& agents, const Model& model, std::uint64_t rows,
                                                   std::size_t stages, const h5::RowOptions& options)
{
  std::vector<h5::RowDataset> out;
  OutcomeColumns shape;
  for_each_column(shape, [&](const OutcomeColumn& c, auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    if (!c.written_for(model)) {
      out.emplace_back();
      return;
    }
    out.push_back(h5::RowDataset::create<T>(agents, c.name, rows, c.per_stage ? stages : 0, options));
    h5::write_attribute(out.back().dataset(), "meaning", std::string(c.meaning));
  });
  return out;
}

void write_outcome_columns(std::vector<h5::RowDataset>& columns, std::uint64_t at, const OutcomeColumns& o)
{
  for_each_outcome_column(columns, o, [&](h5::RowDataset& d, auto values) { d.write_rows(at, values); });
}

std::vector<h5::RowDataset> open_outcome_columns(const h5::Group& agents, const Model& model)
{
  std::vector<h5::RowDataset> out;
  OutcomeColumns shape;
  for_each_column(shape, [&](const OutcomeColumn& c, auto&) {
    out.push_back(c.written_for(model) ? h5::RowDataset::open(agents, c.name) : h5::RowDataset());
  });
  return out;
}

} // namespace journeysim::layout
