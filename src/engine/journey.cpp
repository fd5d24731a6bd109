#include "journeysim/engine/journey.h"

#include "journeysim/rng/stream.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace journeysim {

JourneyTally::JourneyTally(std::size_t touch_rows, std::size_t k, std::size_t personas)
  : stages(k), exposures(touch_rows, 0), advances(touch_rows, 0), touches_by_kind(4 * k, 0),
    mood_in(personas * k, 0.0), mood_out(personas * k, 0.0)
{
}

void JourneyTally::clear()
{
  std::fill(exposures.begin(), exposures.end(), 0);
  std::fill(advances.begin(), advances.end(), 0);
  std::fill(touches_by_kind.begin(), touches_by_kind.end(), 0);
  std::fill(mood_in.begin(), mood_in.end(), 0.0);
  std::fill(mood_out.begin(), mood_out.end(), 0.0);
}

namespace {
template <class T> void add_to(std::vector<T>& into, const std::vector<T>& from)
{
  for (std::size_t i = 0; i < into.size(); ++i)
    into[i] += from[i];
}
} // namespace

JourneyTally& JourneyTally::operator+=(const JourneyTally& other)
{
  add_to(exposures, other.exposures);
  add_to(advances, other.advances);
  add_to(touches_by_kind, other.touches_by_kind);
  add_to(mood_in, other.mood_in);
  add_to(mood_out, other.mood_out);
  return *this;
}

// The kernel skips quiet days. Between two events (an exposure, a dropout, a
// repeat purchase) every daily probability is constant — mood moves only on
// exposure, the cart flag only at checkout, targeting only at a
// min_days_in_stage threshold — so the number of quiet days is geometric. On
// the eventful day we draw which event came first, conditional on there
// being one, and play the rest of the day exactly as MODEL.md says. The
// distribution of outcomes is the day-by-day one; the work is per event.

namespace {

using rng::Purpose;

// Positions of the per-event draws within their streams (24 bits; an agent
// has at most horizon_days ≤ 10 000 eventful days).
constexpr std::uint32_t CHECKOUT_BLOCKS_PER_EVENT = 32; // ≤ 100 steps, 4 per block
constexpr std::uint32_t BASKET_BLOCKS_PER_EVENT = 16;

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

//! Targeting that never changes for an agent: attribute ranges.
bool in_ranges(const CompiledTouch& t, const AgentView& a)
{
  for (const auto& r : t.ranges) {
    const double v = range_value(r, a);
    if (!(v >= r.min && v <= r.max)) // NaN (attribute missing) never matches
      return false;
  }
  return true;
}

bool targets(const CompiledTouch& t, const AgentView& a, bool cart_abandoned, int days_in_stage)
{
  return (!t.cart_abandoned_only || cart_abandoned) && days_in_stage >= t.min_days_in_stage &&
         in_ranges(t, a);
}

//! One checkout attempt: true if every step is passed.
bool passes_checkout(const CompiledTouch& t, std::uint64_t seed, const AgentView& a,
                     std::uint32_t event, double tech_factor)
{
  const double pass = 1.0 - std::min(1.0, t.step_abandon * tech_factor);
  const std::uint32_t base = event * CHECKOUT_BLOCKS_PER_EVENT;
  rng::Counter words{};
  for (int step = 0; step < t.steps; ++step) {
    if (step % 4 == 0)
      words = rng::block(seed, a.id, Purpose::Checkout, t.hash,
                         base + static_cast<std::uint32_t>(step / 4));
    if (!rng::bernoulli(words[static_cast<std::size_t>(step % 4)], pass))
      return false;
  }
  return true;
}

double basket_value(const CompiledModel& m, std::uint64_t seed, const AgentView& a, int stage,
                    std::uint32_t event)
{
  rng::StreamEngine eng(seed, a.id, Purpose::Basket, m.stages[static_cast<std::size_t>(stage)].hash,
                        event * BASKET_BLOCKS_PER_EVENT);
  return m.baskets[a.persona].sample(eng);
}

//! The words of one eventful day, drawn in walk order as the walk needs them
//! (each touchpoint's exposure, then its advance), four per Philox block.
class DayWords {
public:
  DayWords(std::uint64_t seed, std::uint64_t agent, std::uint32_t event) noexcept
    : seed_(seed), agent_(agent), event_(event)
  {
  }
  std::uint32_t next() noexcept
  {
    if (used_ == 4) {
      block_ = rng::block(seed_, agent_, Purpose::Touch, blocks_++, event_);
      used_ = 0;
    }
    return block_[used_++];
  }

private:
  std::uint64_t seed_, agent_;
  std::uint32_t event_, blocks_ = 0;
  rng::Counter block_{};
  unsigned used_ = 4;
};

//! Number of quiet days before the next eventful one, when each day is
//! quiet with probability `quiet`: P(G ≥ g) = quiet^g.
double quiet_days(double quiet, std::uint32_t word)
{
  if (quiet >= 1.0)
    return std::numeric_limits<double>::infinity();
  if (quiet <= 0.0)
    return 0.0;
  return std::floor(std::log(rng::to_unit(word)) / std::log(quiet));
}

} // namespace

void simulate_journey(const CompiledModel& m, std::uint64_t seed, int horizon_days,
                      const AgentView& a, Outcome& out, JourneyTally& tally)
{
  const int last = static_cast<int>(m.stages.size()) - 1;
  const double k = m.mood_effect;
  const double patience_factor = 2.0 * (1.0 - a.patience);
  const double tech_factor = 2.0 * (1.0 - a.tech_savvy);
  const double price_factor = 2.0 * a.price_sensitivity;

  int s = 0;
  int day = 0;
  int days_in_stage = 0;
  bool cart_abandoned = false;
  double mood = m.mood0[a.persona];
  std::uint32_t event = 0, segment = 0;
  const std::size_t K = m.stages.size();
  double* mood_in = &tally.mood_in[a.persona * K];
  double* mood_out = &tally.mood_out[a.persona * K];
  mood_in[0] += mood;
  std::fill(out.stage_day, out.stage_day + m.stages.size(), std::int16_t{-1});
  out.stage_day[0] = 0;
  out.lost = false;
  out.lost_day = -1;
  out.purchases = 0;
  out.revenue = 0.0;
  out.cost = 0.0;
  out.touches = 0;
  out.cart_abandons = 0;

  // The events a day can hold, in the order MODEL.md plays them: a repeat
  // purchase, the exposures of the targeted touchpoints, the dropout.
  constexpr int MAX_ACTIVE = 64;
  int active[MAX_ACTIVE];
  double chance[MAX_ACTIVE + 2];

  while (day < horizon_days) {
    const auto& stage = m.stages[static_cast<std::size_t>(s)];

    // 1. Which touchpoints act until something changes, and when it might.
    int n_active = 0;
    int until_change = horizon_days - day;
    bool overflow = false;
    for (int ti : stage.touches) {
      const auto& t = m.touches[static_cast<std::size_t>(ti)];
      if ((t.cart_abandoned_only && !cart_abandoned) || !in_ranges(t, a))
        continue;
      if (days_in_stage < t.min_days_in_stage) {
        until_change = std::min(until_change, t.min_days_in_stage - days_in_stage);
        continue;
      }
      if (n_active == MAX_ACTIVE) {
        overflow = true; // pathological: fall back to one day at a time
        continue;
      }
      active[n_active++] = ti;
    }
    if (overflow)
      until_change = 1;

    const double repeat = s == last ? stage.purchase_rate : 0.0;
    const double drop = std::min(1.0, stage.dropout * patience_factor * (1.0 - k * mood));
    int n_events = 0;
    chance[n_events++] = repeat;
    double quiet = 1.0 - repeat;
    for (int i = 0; i < n_active; ++i) {
      const double q = m.exposure(a.persona, static_cast<std::size_t>(active[i]));
      chance[n_events++] = q;
      quiet *= 1.0 - q;
    }
    chance[n_events++] = drop;
    quiet *= 1.0 - drop;

    // 2. Skip the quiet days (a segment ends early where targeting changes).
    // One block per segment: quiet days, first event, dropout, repeat purchase.
    const auto ev = rng::block(seed, a.id, Purpose::Event, 0, segment++);
    const double g = overflow ? 0.0 : quiet_days(quiet, ev[0]);
    if (g >= until_change) {
      day += until_change;
      days_in_stage += until_change;
      continue;
    }
    day += static_cast<int>(g);
    days_in_stage += static_cast<int>(g);

    // 3. The eventful day: which event came first, given that one did.
    int first = n_events - 1;
    if (!overflow) {
      double u = rng::to_unit(ev[1]) * (1.0 - quiet);
      double none_yet = 1.0;
      for (int e = 0; e < n_events; ++e) {
        const double mass = none_yet * chance[e];
        if (u < mass) {
          first = e;
          break;
        }
        u -= mass;
        none_yet *= 1.0 - chance[e];
      }
      // Rounding can leave u just above the total: the last possible event.
      if (first == n_events - 1)
        while (first > 0 && chance[first] == 0.0)
          --first;
    } else {
      first = -1; // play the whole day unconditioned
    }

    // 4. Play the day from that event on; before it, nothing happened.
    if (first == n_events - 1) { // the dropout came first
      out.lost = true;
      out.lost_day = static_cast<std::int16_t>(day);
      break; // its mood on leaving is added below
    }
    if (first == 0 || (first < 0 && rng::bernoulli(ev[3], repeat))) {
      saturating_increment(out.purchases);
      out.revenue += basket_value(m, seed, a, s, event);
    }
    // The touchpoint whose exposure came first; the walk skips everything
    // before it (the cart flag cannot have changed before it, so nothing
    // that was not targeted at dawn can be).
    int first_touch = first >= 1 ? active[first - 1] : -1;
    bool advanced = false;
    DayWords words(seed, a.id, event);
    for (int ti : stage.touches) {
      const auto& t = m.touches[static_cast<std::size_t>(ti)];
      if (first_touch >= 0) {
        if (ti != first_touch)
          continue;
        first_touch = -1;
      } else {
        if (!targets(t, a, cart_abandoned, days_in_stage))
          continue;
        if (!rng::bernoulli(words.next(), m.exposure(a.persona, static_cast<std::size_t>(ti))))
          continue;
      }
      saturating_increment(out.touches);
      out.cost += t.cost;
      ++tally.exposures[static_cast<std::size_t>(t.row)];
      if (out.path)
        out.path->emplace_back(static_cast<std::uint16_t>(t.row), static_cast<std::int8_t>(s));
      ++tally.touches_by_kind[static_cast<std::size_t>(s) * 4 + t.kind];
      mood = std::clamp(mood + t.emotion, -1.0, 1.0);
      if (s == last)
        continue; // nothing advances from the last stage

      if (t.checkout) {
        advanced = passes_checkout(t, seed, a, event, tech_factor);
        if (!advanced) {
          saturating_increment(out.cart_abandons);
          cart_abandoned = true;
        }
      } else {
        double p = t.advance * (1.0 + k * mood);
        if (t.discount > 0.0)
          p *= price_factor;
        advanced = rng::bernoulli(words.next(), std::min(1.0, p));
      }
      if (advanced) {
        ++tally.advances[static_cast<std::size_t>(t.row)];
        mood_out[s] += mood;
        ++s;
        mood_in[s] += mood;
        out.stage_day[s] = static_cast<std::int16_t>(day);
        days_in_stage = -1; // the new stage acts from tomorrow, at day 0
        cart_abandoned = false;
        if (m.stages[static_cast<std::size_t>(s)].purchase) {
          saturating_increment(out.purchases);
          out.revenue += basket_value(m, seed, a, s, event) * (1.0 - t.discount);
        }
        break;
      }
    }

    if (!advanced &&
        rng::bernoulli(ev[2], std::min(1.0, stage.dropout * patience_factor * (1.0 - k * mood)))) {
      out.lost = true;
      out.lost_day = static_cast<std::int16_t>(day);
      break; // its mood on leaving is added below
    }
    ++event;
    ++day;
    ++days_in_stage;
  }
  mood_out[s] += mood; // lost, or still in it at the horizon
  out.final_stage = static_cast<std::int8_t>(s);
  out.mood = static_cast<float>(mood);
}

} // namespace journeysim
