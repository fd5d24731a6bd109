#include "journeysim/engine/totals.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace journeysim {

VariantTotals::VariantTotals(std::size_t k, std::size_t p, int h, std::size_t touch_rows,
                             int cart, int conversion)
  : stages(k), personas(p), horizon_days(h), cart_stage(cart), conversion_stage(conversion),
    reached(k, 0), reached_by_persona(p * k, 0), in_stage(static_cast<std::size_t>(h) * k, 0),
    lost(static_cast<std::size_t>(h) * k, 0), tally(touch_rows, k, p),
    touch_cost(touch_rows, 0.0)
{
}

VariantTotals::VariantTotals(const Model& model, int h, std::size_t touch_rows, double share)
  : VariantTotals(model.stages.size(), model.personas.size(), h, touch_rows,
                  model.first_purchase_stage() - 1, model.first_purchase_stage())
{
  margin = model.margin;
  budget_share = share;
  mature_days = model.arrivals.mature_days;
  for (const auto& t : model.touchpoints)
    if (t.budget)
      planned_spend += t.budget->total * share;
  if (model.referrals.enabled) {
    advocate_stage.assign(stages, 0);
    for (int k : model.referrals.advocate_stages)
      advocate_stage[static_cast<std::size_t>(k)] = 1;
    advocates.assign(personas * static_cast<std::size_t>(h), 0);
  }
  arrivals.assign(static_cast<std::size_t>(h), 0);
  referral_arrivals_by_day.assign(static_cast<std::size_t>(h), 0);
  tally = JourneyTally(touch_rows, stages, personas,
                       static_cast<std::size_t>(std::count_if(model.touchpoints.begin(), model.touchpoints.end(),
                                                              [](const Touchpoint& t) { return t.budget.has_value(); })),
                       static_cast<std::size_t>(h));
}

void VariantTotals::add_counts(const AgentColumns& a, const OutcomeColumns& o)
{
  const std::size_t k_n = stages;
  for (std::size_t i = 0; i < o.size; ++i) {
    const std::int16_t* day = &o.stage_day[i * k_n];
    const std::size_t p = a.persona[i];
    for (std::size_t k = 0; k < k_n && day[k] >= 0; ++k) {
      ++reached[k];
      ++reached_by_persona[p * k_n + k];
      // In stage k at the end of days [entered, left): a delta at each end,
      // summed over days by finish().
      const bool moved_on = k + 1 < k_n && day[k + 1] >= 0;
      const int left = moved_on ? day[k + 1] : (o.lost[i] ? o.lost_day[i] : horizon_days);
      ++in_stage[static_cast<std::size_t>(day[k]) * k_n + k];
      if (left < horizon_days)
        --in_stage[static_cast<std::size_t>(left) * k_n + k];
      if (!advocate_stage.empty() && advocate_stage[k] && left > day[k]) {
        const std::size_t h = static_cast<std::size_t>(horizon_days);
        ++advocates[p * h + static_cast<std::size_t>(day[k])];
        if (left < horizon_days)
          --advocates[p * h + static_cast<std::size_t>(left)];
      }
    }
    if (!arrivals.empty() && day[0] >= 0) {
      ++arrived;
      ++arrivals[static_cast<std::size_t>(day[0])];
      if (o.arrival_source[i] == 3) {
        ++referral_arrivals;
        ++referral_arrivals_by_day[static_cast<std::size_t>(day[0])];
      }
      if (day[0] + mature_days <= horizon_days) {
        ++mature;
        if (conversion_stage >= 0 && day[conversion_stage] >= 0)
          ++mature_conversions;
      }
    }
    if (o.lost[i])
      ++lost[static_cast<std::size_t>(o.lost_day[i]) * k_n + static_cast<std::size_t>(o.final_stage[i])];
    purchases += o.purchases[i];
    cart_abandons += o.cart_abandons[i];
  }
  agents += o.size;
}

void VariantTotals::add_sums(double r, double c, double m)
{
  revenue += r;
  cost += c;
  mood_sum += m;
}

void VariantTotals::add_money(double d, double c)
{
  discounts += d;
  clv += c;
}

void VariantTotals::finish()
{
  const std::size_t h = static_cast<std::size_t>(horizon_days);
  if (!advocates.empty())
    for (std::size_t p = 0; p < personas; ++p)
      for (std::size_t d = 1; d < h; ++d)
        advocates[p * h + d] += advocates[p * h + d - 1];
  for (std::size_t d = 1; d < static_cast<std::size_t>(horizon_days); ++d)
    for (std::size_t k = 0; k < stages; ++k)
      in_stage[d * stages + k] += in_stage[(d - 1) * stages + k];
  // Budget audiences were counted as deltas at each end of a run of days.
  for (std::size_t row = 0; h > 0 && row < tally.eligible.size(); row += h)
    for (std::size_t d = 1; d < h; ++d)
      tally.eligible[row + d] += tally.eligible[row + d - 1];
}

Summary VariantTotals::summary() const
{
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  Summary s;
  s.agents = agents;
  s.conversions = conversion_stage >= 0 ? reached[static_cast<std::size_t>(conversion_stage)] : 0;
  s.conversion_rate = agents ? static_cast<double>(s.conversions) / static_cast<double>(agents) : nan;
  s.purchases = purchases;
  s.revenue = revenue;
  s.cost = cost;
  s.cost_per_conversion = s.conversions ? cost / static_cast<double>(s.conversions) : nan;
  // margin × list revenue − discounts = revenue − (1 − margin) × list
  // revenue: exactly revenue when the margin is 1 (model v1's ROI).
  s.discounts = discounts;
  s.margin = margin;
  s.profit = revenue - (1.0 - margin) * (revenue + discounts) - cost;
  s.roi = cost > 0 ? s.profit / cost : nan;
  s.clv = clv;
  s.clv_per_customer = s.conversions ? clv / static_cast<double>(s.conversions) : nan;
  s.planned_spend = planned_spend;
  s.arrived = arrived;
  s.referral_arrivals = referral_arrivals;
  s.conversion_rate_arrived = arrived ? static_cast<double>(s.conversions) / static_cast<double>(arrived) : nan;
  s.mature = mature;
  s.conversion_rate_mature = mature ? static_cast<double>(mature_conversions) / static_cast<double>(mature) : nan;
  if (cart_stage >= 0 && reached[static_cast<std::size_t>(cart_stage)] > 0) {
    const auto carts = static_cast<double>(reached[static_cast<std::size_t>(cart_stage)]);
    s.cart_abandon_rate = (carts - static_cast<double>(s.conversions)) / carts;
  } else {
    s.cart_abandon_rate = nan;
  }
  s.mean_mood = agents ? mood_sum / static_cast<double>(agents) : nan;
  return s;
}

} // namespace journeysim
