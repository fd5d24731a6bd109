#include "journeysim/engine/compiled_model.h"

#include "journeysim/engine/feedback.h"
#include "journeysim/rng/stream.h"

#include <algorithm>

namespace journeysim {

std::vector<TouchpointInfo> touchpoint_union(const Scenario& scenario)
{
  std::vector<TouchpointInfo> rows;
  for (const auto& model : scenario.variants)
    for (const auto& t : model.touchpoints)
      if (std::none_of(rows.begin(), rows.end(), [&](const auto& r) { return r.name == t.name; }))
        rows.push_back({t.name, t.channel, t.kind});
  return rows;
}

namespace {

EngineAttribute engine_attribute(const std::string& name)
{
  return name == "patience"            ? EngineAttribute::Patience
         : name == "tech_savvy"        ? EngineAttribute::TechSavvy
         : name == "price_sensitivity" ? EngineAttribute::PriceSensitivity
                                       : EngineAttribute::None;
}

//! True when a campaign of the calendar changes this touchpoint's reach.
bool in_calendar(const Model& model, const std::string& touch)
{
  for (const auto& c : model.calendar)
    for (const auto& [name, factor] : c.reach)
      if (name == touch)
        return true;
  return false;
}

//! Mean order value, for the CLV projection: a Monte Carlo estimate from a
//! fixed stream (2^16 draws; the distributions may be clipped).
double mean_order_value(const Distribution& d)
{
  if (d.kind == Distribution::Kind::Fixed)
    return std::clamp(d.a, d.min, d.max);
  constexpr int DRAWS = 1 << 16;
  rng::StreamEngine eng(0, 0, rng::Purpose::Basket, rng::name_hash("clv"));
  double sum = 0.0;
  for (int i = 0; i < DRAWS; ++i)
    sum += d.sample(eng);
  return sum / DRAWS;
}

} // namespace

CompiledModel::CompiledModel(const Model& model, const Population& population,
                             const std::vector<TouchpointInfo>& rows, int horizon_days)
  : stream(model.random_stream), mood_effect(model.mood_effect), margin(model.margin), clv_days(model.clv_days),
    arrivals_over_time(!model.arrivals.at_start), referral_stage(model.referrals.enter),
    referral_emotion(model.referrals.emotion), horizon_(static_cast<std::size_t>(horizon_days))
{
  for (const auto& s : model.stages)
    stages.push_back({s.dropout, s.purchase, s.purchase_rate, rng::name_hash(s.name), {}});

  for (const auto& t : model.touchpoints) {
    CompiledTouch c;
    c.hash = rng::name_hash(t.name);
    c.row = static_cast<int>(
      std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.name == t.name; }) -
      rows.begin());
    c.kind = static_cast<std::size_t>(t.kind);
    c.advance = t.advance;
    c.emotion = t.emotion;
    c.cost = t.cost;
    c.discount = t.discount;
    if (t.checkout) {
      c.checkout = true;
      c.steps = t.checkout->steps;
      c.step_abandon = t.checkout->step_abandon;
    }
    c.cart_abandoned_only = t.target.cart_abandoned;
    c.min_days_in_stage = t.target.min_days_in_stage;
    for (const auto& r : t.target.ranges)
      c.ranges.push_back({population.column_index(r.attribute), engine_attribute(r.attribute), r.min, r.max});
    c.trigger = t.trigger;
    c.delay_days = t.delay_days;
    c.max_per_agent = t.max_per_agent;
    c.cooldown_days = t.cooldown_days;
    const int index = static_cast<int>(touches.size());
    if (t.trigger != Trigger::Daily || t.max_per_agent > 0 || t.cooldown_days > 0)
      c.state = stateful++;
    if (t.trigger != Trigger::Daily)
      triggered[static_cast<std::size_t>(t.trigger)].push_back(index);
    if (t.budget) {
      c.paced = static_cast<int>(paced.size());
      paced.push_back(index);
    }
    if (t.budget || in_calendar(model, t.name)) {
      c.varying = static_cast<int>(varying.size());
      varying.push_back(index);
    }
    for (int s : t.stages)
      stages[static_cast<std::size_t>(s)].touches.push_back(index);
    touches.push_back(std::move(c));
  }

  for (const auto& p : model.personas) {
    baskets.push_back(p.basket);
    basket_mean.push_back(model.clv_days > 0 ? mean_order_value(p.basket) : 0.0);
    mood0.push_back(p.mood);
    for (const auto& t : model.touchpoints) {
      exposure_.push_back(std::min(1.0, t.reach * p.affinity_for(t.channel)));
      reach_affinity_.push_back(t.reach * p.affinity_for(t.channel));
    }
  }
  set_days(day_tables(model, *this, 1, 1.0, nullptr)); // builds the active sets too
}

} // namespace journeysim
