#include "journeysim/engine/journey.h"

#include "journeysim/rng/stream.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace journeysim {

void TouchTally::clear()
{
  std::fill(exposures.begin(), exposures.end(), 0);
  std::fill(advances.begin(), advances.end(), 0);
}

TouchTally& TouchTally::operator+=(const TouchTally& other)
{
  for (std::size_t i = 0; i < exposures.size(); ++i) {
    exposures[i] += other.exposures[i];
    advances[i] += other.advances[i];
  }
  return *this;
}

namespace {

using rng::Purpose;

// Stream positions of the per-day draws (24 bits: day < 2^19 with room for
// up to 32 blocks of checkout steps and 16 blocks of basket draws per day).
constexpr std::uint32_t CHECKOUT_BLOCKS_PER_DAY = 32;
constexpr std::uint32_t BASKET_BLOCKS_PER_DAY = 16;

void saturating_increment(std::uint16_t& x)
{
  if (x != std::numeric_limits<std::uint16_t>::max())
    ++x;
}

double range_value(const CompiledRange& r, const AgentView& a)
{
  switch (r.engine) {
  case EngineAttribute::Patience: return a.patience;
  case EngineAttribute::TechSavvy: return a.tech_savvy;
  case EngineAttribute::PriceSensitivity: return a.price_sensitivity;
  case EngineAttribute::None: break;
  }
  if (r.column < 0)
    return std::numeric_limits<double>::quiet_NaN();
  return a.attributes[static_cast<std::size_t>(r.column) * a.stride];
}

bool targets(const CompiledTouch& t, const AgentView& a, bool cart_abandoned, int days_in_stage)
{
  if (t.cart_abandoned_only && !cart_abandoned)
    return false;
  if (days_in_stage < t.min_days_in_stage)
    return false;
  for (const auto& r : t.ranges) {
    const double v = range_value(r, a);
    if (!(v >= r.min && v <= r.max)) // NaN (attribute missing) never matches
      return false;
  }
  return true;
}

//! One checkout attempt: true if every step is passed.
bool passes_checkout(const CompiledTouch& t, std::uint64_t seed, const AgentView& a, int day,
                     double tech_factor)
{
  const double pass = 1.0 - std::min(1.0, t.step_abandon * tech_factor);
  const auto base = static_cast<std::uint32_t>(day) * CHECKOUT_BLOCKS_PER_DAY;
  rng::Counter words{};
  for (int step = 0; step < t.steps; ++step) {
    if (step % 4 == 0)
      words = rng::block(seed, a.id, Purpose::Checkout, t.hash, base + static_cast<std::uint32_t>(step / 4));
    if (!rng::bernoulli(words[static_cast<std::size_t>(step % 4)], pass))
      return false;
  }
  return true;
}

double basket_value(const CompiledModel& m, std::uint64_t seed, const AgentView& a, int stage,
                    int day)
{
  rng::StreamEngine eng(seed, a.id, Purpose::Basket, m.stages[static_cast<std::size_t>(stage)].hash,
                        static_cast<std::uint32_t>(day) * BASKET_BLOCKS_PER_DAY);
  return m.baskets[a.persona].sample(eng);
}

} // namespace

void simulate_journey(const CompiledModel& m, std::uint64_t seed, int horizon_days,
                      const AgentView& a, Outcome& out, TouchTally& tally)
{
  const int last = static_cast<int>(m.stages.size()) - 1;
  const double k = m.mood_effect;
  const double patience_factor = 2.0 * (1.0 - a.patience);
  const double tech_factor = 2.0 * (1.0 - a.tech_savvy);
  const double price_factor = 2.0 * a.price_sensitivity;

  int s = 0;
  int days_in_stage = 0;
  bool cart_abandoned = false;
  double mood = m.mood0[a.persona];
  std::fill(out.stage_day, out.stage_day + m.stages.size(), std::int16_t{-1});
  out.stage_day[0] = 0;
  out.lost = false;
  out.lost_day = -1;
  out.purchases = 0;
  out.revenue = 0.0;
  out.cost = 0.0;
  out.touches = 0;
  out.cart_abandons = 0;

  for (int day = 0; day < horizon_days; ++day) {
    const auto& stage = m.stages[static_cast<std::size_t>(s)];
    const auto day_words =
      rng::block(seed, a.id, Purpose::Day, 0, static_cast<std::uint32_t>(day));

    // A further purchase by a customer in the last stage.
    if (s == last && stage.purchase_rate > 0.0 && rng::bernoulli(day_words[1], stage.purchase_rate)) {
      saturating_increment(out.purchases);
      out.revenue += basket_value(m, seed, a, s, day);
    }

    bool advanced = false;
    for (int ti : stage.touches) {
      const auto& t = m.touches[static_cast<std::size_t>(ti)];
      if (!targets(t, a, cart_abandoned, days_in_stage))
        continue;
      const auto w = rng::block(seed, a.id, Purpose::Touch, t.hash, static_cast<std::uint32_t>(day));
      if (!rng::bernoulli(w[0], m.exposure(a.persona, static_cast<std::size_t>(ti))))
        continue;
      saturating_increment(out.touches);
      out.cost += t.cost;
      ++tally.exposures[static_cast<std::size_t>(t.row)];
      mood = std::clamp(mood + t.emotion, -1.0, 1.0);
      if (s == last)
        continue; // nothing advances from the last stage

      if (t.checkout) {
        advanced = passes_checkout(t, seed, a, day, tech_factor);
        if (!advanced) {
          saturating_increment(out.cart_abandons);
          cart_abandoned = true;
        }
      } else {
        double p = t.advance * (1.0 + k * mood);
        if (t.discount > 0.0)
          p *= price_factor;
        advanced = rng::bernoulli(w[1], std::min(1.0, p));
      }
      if (advanced) {
        ++tally.advances[static_cast<std::size_t>(t.row)];
        ++s;
        out.stage_day[s] = static_cast<std::int16_t>(day);
        days_in_stage = -1; // the new stage acts from tomorrow, at day 0
        cart_abandoned = false;
        if (m.stages[static_cast<std::size_t>(s)].purchase) {
          saturating_increment(out.purchases);
          out.revenue += basket_value(m, seed, a, s, day) * (1.0 - t.discount);
        }
        break;
      }
    }

    if (!advanced) {
      const double p = stage.dropout * patience_factor * (1.0 - k * mood);
      if (rng::bernoulli(day_words[0], std::min(1.0, p))) {
        out.lost = true;
        out.lost_day = static_cast<std::int16_t>(day);
        break;
      }
    }
    ++days_in_stage;
  }
  out.final_stage = static_cast<std::int8_t>(s);
  out.mood = static_cast<float>(mood);
}

} // namespace journeysim
