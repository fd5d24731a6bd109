#include "layout.h"

#include "journeysim/error.h"
#include "journeysim/util/sha256.h"

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
                        std::vector<std::string>{"neutral", "pain_point", "success_point", "moment_of_truth"});
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
}


} // namespace journeysim::layout
