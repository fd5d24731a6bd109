#include "journeysim/engine/compiled_model.h"

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

CompiledModel::CompiledModel(const Model& model, const Population& population,
                             const std::vector<TouchpointInfo>& rows)
  : mood_effect(model.mood_effect)
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
    for (const auto& r : t.target.ranges) {
      const auto engine = r.attribute == "patience"      ? EngineAttribute::Patience
                          : r.attribute == "tech_savvy" ? EngineAttribute::TechSavvy
                          : r.attribute == "price_sensitivity" ? EngineAttribute::PriceSensitivity
                                                               : EngineAttribute::None;
      c.ranges.push_back({population.column_index(r.attribute), engine, r.min, r.max});
    }
    const int index = static_cast<int>(touches.size());
    for (int s : t.stages)
      stages[static_cast<std::size_t>(s)].touches.push_back(index);
    touches.push_back(std::move(c));
  }

  for (const auto& p : model.personas) {
    baskets.push_back(p.basket);
    mood0.push_back(p.mood);
    for (const auto& t : model.touchpoints)
      exposure_.push_back(std::min(1.0, t.reach * p.affinity_for(t.channel)));
  }
}

} // namespace journeysim
