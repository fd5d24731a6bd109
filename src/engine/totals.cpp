#include "journeysim/engine/totals.h"

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

void VariantTotals::finish()
{
  for (std::size_t d = 1; d < static_cast<std::size_t>(horizon_days); ++d)
    for (std::size_t k = 0; k < stages; ++k)
      in_stage[d * stages + k] += in_stage[(d - 1) * stages + k];
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
  s.roi = cost > 0 ? (revenue - cost) / cost : nan;
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
