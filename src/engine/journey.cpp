#include "journeysim/engine/journey.h"

#include "journeysim/engine/quiet_days.h"
#include "journeysim/rng/stream.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace journeysim {

JourneyTally::JourneyTally(std::size_t touch_rows, std::size_t k, std::size_t personas,
                           std::size_t paced, std::size_t h)
  : stages(k), horizon(h), exposures(touch_rows, 0), advances(touch_rows, 0),
    touches_by_kind(4 * k, 0), mood_in(personas * k, 0.0), mood_out(personas * k, 0.0),
    spend(touch_rows, 0.0), eligible(paced * personas * horizon, 0)
{
}

void JourneyTally::clear()
{
  std::fill(exposures.begin(), exposures.end(), 0);
  std::fill(advances.begin(), advances.end(), 0);
  std::fill(touches_by_kind.begin(), touches_by_kind.end(), 0);
  std::fill(mood_in.begin(), mood_in.end(), 0.0);
  std::fill(mood_out.begin(), mood_out.end(), 0.0);
  std::fill(spend.begin(), spend.end(), 0.0);
  std::fill(eligible.begin(), eligible.end(), 0);
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
  add_to(spend, other.spend);
  add_to(eligible, other.eligible);
  return *this;
}

// The kernel skips quiet days. Between two events (an exposure, a dropout, a
// repeat purchase) every daily probability is constant — mood moves only on
// exposure, the cart flag only at checkout, targeting only at a
// min_days_in_stage threshold, a trigger's day or a cooldown's end, reach
// only at a calendar boundary — so the number of quiet days is geometric. On
// the eventful day we draw which event came first, conditional on there
// being one, and play the rest of the day exactly as MODEL.md says. The
// distribution of outcomes is the day-by-day one; the work is per event.

namespace {

using rng::Purpose;

// Positions of the per-event draws within their streams (24 bits; an agent
// has at most horizon_days ≤ 10 000 eventful days).
constexpr std::uint32_t CHECKOUT_BLOCKS_PER_EVENT = 32; // ≤ 100 steps, 4 per block
constexpr std::uint32_t BASKET_BLOCKS_PER_EVENT = 16;
constexpr int NEVER = std::numeric_limits<int>::max();

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

//! Per agent and touchpoint: what triggers and caps remember.
//! (No member initialisers: an agent's array is filled only as far as used.)
struct TouchState {
  int pending;      //!< day a trigger fires (-1: none scheduled)
  int exposures;    //!< for max_per_agent
  int next_allowed; //!< first day the cooldown allows
};
constexpr TouchState FRESH_TOUCH_STATE{-1, 0, 0};

//! One agent's state while it is walked.
struct Walker {
  const CompiledModel& m;
  std::uint64_t seed;
  const AgentView& a;
  Outcome& out;
  JourneyTally& tally;
  TouchState* touch_state;
  double patience_factor, tech_factor, price_factor;
  int s = 0, day = 0, days_in_stage = 0;
  bool cart_abandoned = false;
  double mood = 0.0;
  std::uint32_t event = 0, segment = 0;
  double last_quiet = 1.0;             //!< quiet of the last segment that had one, and:
  double last_log_quiet = 0.0;         //!< its log (stream 1)
  double last_inverse_log_quiet = 0.0; //!< 1 / its log (stream 2)
  double last_drop = 0.0;              //!< dropout chance of the last varying segment, and:
  double last_log_keep = 0.0;          //!< log(1 − it) (stream 4)

  bool v1() const { return m.stream == rng::Stream::v1; }
  rng::Counter block(Purpose purpose, std::uint32_t name, std::uint32_t position) const
  {
    return rng::block(seed, a.id, purpose, name, position, m.stream);
  }
};

//! Whether touch t acts on the agent now, and if not, in how many days it
//! may (NEVER: only an event can change it). The one targeting predicate:
//! the quiet-day segment and the walk of an eventful day both use it.
struct Availability {
  bool now = false;
  int wait = NEVER;
};

// Inlined: it runs for every touchpoint of every segment and eventful day.
[[gnu::always_inline]] inline Availability availability(const CompiledTouch& t, const Walker& w)
{
  if ((t.cart_abandoned_only && !w.cart_abandoned) || (!t.ranges.empty() && !in_ranges(t, w.a)))
    return {};
  int wait = 0;
  if (t.state >= 0) [[unlikely]] {
    const TouchState& st = w.touch_state[t.state];
    if (t.max_per_agent > 0 && st.exposures >= t.max_per_agent)
      return {};
    if (t.trigger != Trigger::Daily) {
      if (st.pending < w.day)
        return {}; // nothing scheduled (or it passed unseen)
      wait = st.pending - w.day;
    }
    wait = std::max(wait, st.next_allowed - w.day);
  }
  wait = std::max(wait, t.min_days_in_stage - w.days_in_stage);
  return wait > 0 ? Availability{false, wait} : Availability{true, NEVER};
}

[[gnu::always_inline]] inline bool targets(const CompiledTouch& t, const Walker& w)
{
  return availability(t, w).now;
}

//! Schedule every touchpoint fired by `trigger`, `after` days from today
//! plus its own delay (a trigger already pending is kept: one at a time).
void schedule(Walker& w, Trigger trigger, int after)
{
  for (int ti : w.m.triggered[static_cast<std::size_t>(trigger)]) {
    const CompiledTouch& t = w.m.touches[static_cast<std::size_t>(ti)];
    TouchState& st = w.touch_state[t.state];
    if (st.pending < w.day)
      st.pending = w.day + after + t.delay_days;
  }
}

[[gnu::always_inline]] inline double dropout_chance(const CompiledStage& stage, const Walker& w)
{
  return std::min(1.0, stage.dropout * w.patience_factor * (1.0 - w.m.mood_effect * w.mood));
}

[[gnu::always_inline]] inline double advance_chance(const CompiledTouch& t, const Walker& w)
{
  double p = t.advance * (1.0 + w.m.mood_effect * w.mood);
  if (t.discount > 0.0)
    p *= w.price_factor;
  return std::min(1.0, p);
}

[[gnu::always_inline]] inline double step_pass(const CompiledTouch& t, const Walker& w)
{
  return 1.0 - std::min(1.0, t.step_abandon * w.tech_factor);
}

//! One checkout attempt: true if every step is passed. Stream 1: one word
//! per step, from the attempt's own Checkout blocks.
bool passes_checkout(const CompiledTouch& t, const Walker& w)
{
  const double pass = step_pass(t, w);
  const std::uint32_t base = w.event * CHECKOUT_BLOCKS_PER_EVENT;
  rng::Counter words{};
  for (int step = 0; step < t.steps; ++step) {
    if (step % 4 == 0)
      words = w.block(Purpose::Checkout, t.hash, base + static_cast<std::uint32_t>(step / 4));
    if (!rng::bernoulli(words[static_cast<std::size_t>(step % 4)], pass))
      return false;
  }
  return true;
}

//! Stream 2: the steps are independent and only passing them all matters,
//! so one word decides the attempt: P(pass all) = pass^steps.
bool passes_checkout(const CompiledTouch& t, const Walker& w, std::uint32_t word)
{
  const double pass = step_pass(t, w);
  double all = 1.0;
  for (int step = 0; step < t.steps; ++step)
    all *= pass;
  return rng::bernoulli(word, all);
}

//! A purchase in the current stage: its value, list price and discount.
void purchase(Walker& w, double discount)
{
  rng::StreamEngine eng(w.seed, w.a.id, Purpose::Basket, w.m.stages[static_cast<std::size_t>(w.s)].hash,
                        w.event * BASKET_BLOCKS_PER_EVENT, w.m.stream);
  const double basket = w.m.baskets[w.a.persona].sample(eng);
  saturating_increment(w.out.purchases);
  w.out.revenue += basket * (1.0 - discount);
  w.out.discount += basket * discount;
  schedule(w, Trigger::Purchase, 1);
}

//! The words of one eventful day, drawn in walk order as the walk needs them
//! (each touchpoint's exposure, then its advance), four per Philox block.
class DayWords {
public:
  explicit DayWords(const Walker& w) noexcept : w_(w), event_(w.event) {}
  std::uint32_t next() noexcept
  {
    if (used_ == 4) {
      block_ = w_.block(Purpose::Touch, blocks_++, event_);
      used_ = 0;
    }
    return block_[used_++];
  }

private:
  const Walker& w_;
  std::uint32_t event_, blocks_ = 0;
  rng::Counter block_{};
  unsigned used_ = 4;
};

//! Number of quiet days before the next eventful one (quiet_days.h), for a
//! segment of `until_change` days. Consecutive segments often share
//! `quiet` (the mood did not move): its log is kept.
[[gnu::always_inline]] inline double quiet_days_of(Walker& w, double quiet, std::uint32_t word, int until_change)
{
  if (quiet >= 1.0)
    return std::numeric_limits<double>::infinity();
  if (quiet <= 0.0)
    return 0.0;
  if (until_change == 1) { // only G ≥ 1 matters
    const int quiet_day = quiet_days::one_day(quiet, word);
    if (quiet_day >= 0)
      return quiet_day;
  }
  if (w.v1()) {
    if (quiet != w.last_quiet) {
      w.last_quiet = quiet;
      w.last_log_quiet = std::log(quiet);
    }
    return quiet_days::by_division(word, w.last_log_quiet);
  }
  if (quiet != w.last_quiet) {
    w.last_quiet = quiet;
    w.last_inverse_log_quiet = 1.0 / std::log(quiet);
  }
  return quiet_days::by_reciprocal(word, w.last_inverse_log_quiet);
}

//! The touchpoints acting on the agent until something changes, and when
//! that may be: a segment of days with constant probabilities.
struct Segment {
  const int* active = nullptr;    //!< n_active touch indices
  const int* positions = nullptr; //!< their walk positions in the stage's list
  const ActiveSet* set = nullptr; //!< the cached set they come from (null: built here)
  int n_active = 0;
  int until_change = 0; //!< days from today
  bool overflow = false; //!< more than MAX_ACTIVE: play one day unconditioned
  bool varying = false;  //!< stream 4: chances change within it (to_eventful_day)
  bool paced = false;    //!< a budgeted touchpoint is among its active ones
  int storage[MAX_ACTIVE], position_storage[MAX_ACTIVE]; //!< of a segment built here (general path)
};

//! Chances of a segment's events in the order MODEL.md plays them: a repeat
//! purchase, the exposures of the active touchpoints (together the head),
//! then the dropout.
struct DayChances {
  const double* head = nullptr; //!< n_head chances: repeat, exposures
  int n_head = 0;
  double drop = 0.0;
  double open = 1.0;  //!< no repeat purchase and no exposure (the dropout aside)
  double quiet = 1.0; //!< no event at all
  double storage[MAX_ACTIVE + 1]; //!< `head` of chances computed here (general path)
};

//! The agent is in the audience of a budgeted touchpoint on days [from, to]
//! (population feedback: what the budget buys depends on it): the walk
//! reached the touchpoint on those days and it targeted the agent. A quiet
//! day reaches every touchpoint of its segment; an eventful one those up to
//! the exposure that moved the agent on (the walk counts them as it plays
//! the day). A delta at each end; VariantTotals::finish() sums them over days.
[[gnu::always_inline]] inline void count_in_audience(const Walker& w, int paced, int from, int to)
{
  const std::size_t P = w.m.mood0.size(), H = w.tally.horizon;
  std::int64_t* days = &w.tally.eligible[(static_cast<std::size_t>(paced) * P + w.a.persona) * H];
  ++days[from];
  if (static_cast<std::size_t>(to) + 1 < H)
    --days[to + 1];
}

//! The segment from the variant's cached set (active_sets.h): no walk over
//! the stage's touchpoints, no product of chances. False where the stage is
//! not cached.
[[gnu::always_inline]] inline bool cached_segment(const Walker& w, int horizon_days, Segment& seg,
                                                  DayChances& c)
{
  const ActiveSet* set = w.m.active_sets.find(w.s, w.cart_abandoned, w.days_in_stage);
  if (!set)
    return false;
  seg.active = set->touches.data();
  seg.positions = set->positions.data();
  seg.set = set;
  seg.n_active = static_cast<int>(set->touches.size());
  seg.overflow = false;
  seg.varying = false;
  seg.paced = false;
  seg.until_change = horizon_days - w.day;
  if (set->next_change != NEVER)
    seg.until_change = std::min(seg.until_change, set->next_change - w.days_in_stage);
  if (set->varies()) [[unlikely]] { // a budget or the calendar moves a chance
    if (w.m.stream >= rng::Stream::v4)
      seg.varying = true;
    else
      seg.until_change = std::min(seg.until_change, set->change_after[static_cast<std::size_t>(w.day)] - w.day);
    seg.paced = !set->paced.empty();
  }
  c.head = set->chance_of(w.a.persona, w.day);
  c.n_head = seg.n_active + 1;
  c.drop = dropout_chance(w.m.stages[static_cast<std::size_t>(w.s)], w);
  c.quiet = set->quiet_of(w.a.persona, w.day) * (1.0 - c.drop);
  return true;
}

[[gnu::always_inline]] inline void active_touches(const Walker& w, int horizon_days, Segment& seg)
{
  const CompiledModel& m = w.m;
  seg.active = seg.storage;
  seg.positions = seg.position_storage;
  seg.set = nullptr;
  seg.n_active = 0;
  seg.until_change = horizon_days - w.day;
  seg.overflow = false;
  seg.varying = false;
  seg.paced = false;
  const std::vector<int>& touches = m.stages[static_cast<std::size_t>(w.s)].touches;
  for (std::size_t pos = 0; pos < touches.size(); ++pos) {
    const int ti = touches[pos];
    const auto& t = m.touches[static_cast<std::size_t>(ti)];
    const Availability av = availability(t, w);
    if (!av.now) {
      seg.until_change = std::min(seg.until_change, av.wait);
      continue;
    }
    if (t.trigger != Trigger::Daily || t.varying >= 0) [[unlikely]] {
      if (t.trigger != Trigger::Daily)
        seg.until_change = std::min(seg.until_change, 1); // it fires today only
      if (t.varying >= 0) {
        if (m.stream >= rng::Stream::v4)
          seg.varying = true;
        else
          seg.until_change = std::min(seg.until_change, m.next_change(static_cast<std::size_t>(ti), w.day) - w.day);
      }
      seg.paced |= t.paced >= 0;
    }
    if (seg.n_active == MAX_ACTIVE) {
      seg.overflow = true;
      continue;
    }
    seg.position_storage[seg.n_active] = static_cast<int>(pos);
    seg.storage[seg.n_active++] = ti;
  }
  if (seg.overflow)
    seg.until_change = 1;
}

//! The first event of an eventful day (conditional on there being one).
struct FirstEvent {
  enum class Kind { Unconditioned, Repeat, Exposure, Dropout } kind = Kind::Unconditioned;
  int touch = -1;    //!< Exposure: index into CompiledModel::touches
  int position = -1; //!< Exposure: its walk position in the stage's list
};

[[gnu::always_inline]] inline void day_chances(const Walker& w, const Segment& seg, DayChances& c)
{
  const auto& stage = w.m.stages[static_cast<std::size_t>(w.s)];
  const bool last = w.s + 1 == static_cast<int>(w.m.stages.size());
  const double repeat = last ? stage.purchase_rate : 0.0;
  c.head = c.storage;
  c.n_head = 0;
  c.storage[c.n_head++] = repeat;
  c.quiet = 1.0 - repeat;
  for (int i = 0; i < seg.n_active; ++i) {
    const double q = w.m.exposure_on(w.a.persona, static_cast<std::size_t>(seg.active[i]), w.day);
    c.storage[c.n_head++] = q;
    c.quiet *= 1.0 - q;
  }
  c.open = c.quiet;
  c.drop = dropout_chance(stage, w);
  c.quiet *= 1.0 - c.drop;
}

//! Stream 4: the first day from today on which the segment's chances may
//! change (a budget's pacing moves daily, a campaign at its boundaries).
int next_change_of(const Walker& w, const Segment& seg)
{
  if (seg.set)
    return seg.set->change_after[static_cast<std::size_t>(w.day)];
  int change = NEVER;
  for (int i = 0; i < seg.n_active; ++i)
    change = std::min(change, w.m.next_change(static_cast<std::size_t>(seg.active[i]), w.day));
  return change;
}

//! Counts the agent in the audiences of the segment's budgets on its quiet
//! days [from, to].
void count_in_audiences(const Walker& w, const Segment& seg, int from, int to)
{
  if (seg.set) {
    for (int paced : seg.set->paced)
      count_in_audience(w, paced, from, to);
    return;
  }
  for (int i = 0; i < seg.n_active; ++i)
    if (const int paced = w.m.touches[static_cast<std::size_t>(seg.active[i])].paced; paced >= 0)
      count_in_audience(w, paced, from, to);
}

//! Stream 4: walks a segment whose chances change from day to day (a budget,
//! a campaign) to its eventful day (true; `c` then holds that day's chances)
//! or past its end (false). One word decides all its quiet days
//! (quiet_days::Cumulative), a stretch of equal days at once; the agent is
//! counted in a budget's audience on each quiet day (the eventful day's walk
//! counts its own).
bool to_eventful_day(Walker& w, const Segment& seg, DayChances& c, std::uint32_t word)
{
  quiet_days::Cumulative quiet_days(word);
  if (c.drop != w.last_drop) { // the same every day: mood moves only on an event
    w.last_drop = c.drop;
    w.last_log_keep = std::log(1.0 - c.drop);
  }
  const int start = w.day, end = w.day + seg.until_change;
  bool eventful = false;
  for (;;) {
    const int stretch = std::min(end, next_change_of(w, seg)) - w.day;
    const double log_open = seg.set ? seg.set->log_quiet_of(w.a.persona, w.day) : std::log(c.open);
    const int g = quiet_days.quiet(log_open + w.last_log_keep, stretch);
    w.day += g;
    w.days_in_stage += g;
    if (g < stretch) {
      eventful = true;
      break;
    }
    if (w.day == end)
      break;
    if (!seg.set)
      day_chances(w, seg, c);
  }
  if (w.day > start && seg.paced)
    count_in_audiences(w, seg, start, w.day - 1);
  if (!eventful)
    return false;
  if (seg.set) {
    c.head = seg.set->chance_of(w.a.persona, w.day);
    c.quiet = seg.set->quiet_of(w.a.persona, w.day) * (1.0 - c.drop);
  }
  return true;
}

[[gnu::always_inline]] inline FirstEvent first_event(const DayChances& c, const Segment& seg, std::uint32_t word)
{
  // Events 0 … n_head − 1 are the head; event n_head, the dropout, is what
  // is left when none of them came first.
  int first = c.n_head;
  double u = rng::to_unit(word) * (1.0 - c.quiet);
  double none_yet = 1.0;
  for (int e = 0; e < c.n_head; ++e) {
    const double mass = none_yet * c.head[e];
    if (u < mass) {
      first = e;
      break;
    }
    u -= mass;
    none_yet *= 1.0 - c.head[e];
  }
  // Rounding can leave u just above the total: the last possible event.
  if (first == c.n_head && c.drop == 0.0)
    while (first > 0 && (first == c.n_head || c.head[first] == 0.0))
      --first;
  if (first == 0)
    return {FirstEvent::Kind::Repeat, -1};
  if (first == c.n_head)
    return {FirstEvent::Kind::Dropout, -1};
  return {FirstEvent::Kind::Exposure, seg.active[first - 1], seg.positions[first - 1]};
}

//! The budgeted touchpoints of the segment that the eventful day's walk
//! reached before its first event: all of them if it was the dropout, those
//! up to the first exposure if it was one (nothing before it changed their
//! targeting). From the first event on, the walk counts those it reaches.
void count_reached_at_first_event(const Walker& w, const Segment& seg, const FirstEvent& first)
{
  using K = FirstEvent::Kind;
  if (first.kind != K::Exposure && first.kind != K::Dropout)
    return;
  for (int i = 0; i < seg.n_active; ++i) {
    if (first.kind == K::Exposure && seg.positions[i] > first.position)
      break;
    if (const int paced = w.m.touches[static_cast<std::size_t>(seg.active[i])].paced; paced >= 0)
      count_in_audience(w, paced, w.day, w.day);
  }
}

//! The walk reached touchpoint `t` and it targets the agent.
[[gnu::always_inline]] inline void reached(const Walker& w, const CompiledTouch& t)
{
  if (t.paced >= 0) [[unlikely]]
    count_in_audience(w, t.paced, w.day, w.day);
}

void enter_next_stage(Walker& w, const CompiledTouch* cause)
{
  double* mood_in = &w.tally.mood_in[w.a.persona * w.m.stages.size()];
  double* mood_out = &w.tally.mood_out[w.a.persona * w.m.stages.size()];
  mood_out[w.s] += w.mood;
  ++w.s;
  mood_in[w.s] += w.mood;
  w.out.stage_day[w.s] = static_cast<std::int16_t>(w.day);
  w.days_in_stage = -1; // the new stage acts from tomorrow, at day 0
  w.cart_abandoned = false;
  if (w.m.stages[static_cast<std::size_t>(w.s)].purchase)
    purchase(w, cause ? cause->discount : 0.0);
}

//! One exposure: its count, cost and emotion; then its checkout attempt or
//! advance draw. True if the agent advanced (its day ends). `decision()`
//! gives the word of that draw (stream 1: of the advance only; stream 2:
//! also of the checkout attempt).
template <class Decision>
[[gnu::always_inline]] inline bool expose(Walker& w, int ti, Decision&& decision)
{
  const auto& t = w.m.touches[static_cast<std::size_t>(ti)];
  const double price = w.m.price_on(static_cast<std::size_t>(ti), w.day);
  saturating_increment(w.out.touches);
  w.out.cost += price;
  ++w.tally.exposures[static_cast<std::size_t>(t.row)];
  w.tally.spend[static_cast<std::size_t>(t.row)] += price;
  if (w.out.path) // touch paths for rule-based attribution, when asked
    w.out.path->emplace_back(static_cast<std::uint16_t>(t.row), static_cast<std::int8_t>(w.s));
  ++w.tally.touches_by_kind[static_cast<std::size_t>(w.s) * 4 + t.kind];
  w.mood = std::clamp(w.mood + t.emotion, -1.0, 1.0);
  if (t.state >= 0) {
    TouchState& st = w.touch_state[t.state];
    ++st.exposures;
    st.next_allowed = w.day + t.cooldown_days + 1;
  }
  if (w.s + 1 == static_cast<int>(w.m.stages.size()))
    return false; // nothing advances from the last stage

  bool advanced;
  if (t.checkout) {
    advanced = w.v1() ? passes_checkout(t, w) : passes_checkout(t, w, decision());
    if (!advanced) {
      saturating_increment(w.out.cart_abandons);
      w.cart_abandoned = true;
      schedule(w, Trigger::CartAbandoned, 1);
    }
  } else {
    advanced = rng::bernoulli(decision(), advance_chance(t, w));
  }
  if (advanced) {
    ++w.tally.advances[static_cast<std::size_t>(t.row)];
    enter_next_stage(w, &t);
  }
  return advanced;
}

//! Play an eventful day from its first event on (before it, nothing
//! happened), stream 1: each touchpoint after the first event has its own
//! exposure word. Returns true if the agent was lost.
[[gnu::always_inline]] inline bool play_day_v1(Walker& w, const FirstEvent& first, const rng::Counter& ev)
{
  const auto& stage = w.m.stages[static_cast<std::size_t>(w.s)];
  using K = FirstEvent::Kind;
  if (first.kind == K::Dropout)
    return true;
  const bool last = w.s + 1 == static_cast<int>(w.m.stages.size());
  if (first.kind == K::Repeat || (first.kind == K::Unconditioned && last &&
                                  rng::bernoulli(ev[3], stage.purchase_rate)))
    purchase(w, 0.0);
  // The touchpoint whose exposure came first; the walk skips everything
  // before it (the cart flag cannot have changed before it, so nothing
  // that was not targeted at dawn can be).
  int first_touch = first.kind == K::Exposure ? first.touch : -1;
  bool advanced = false;
  DayWords words(w);
  for (int ti : stage.touches) {
    if (first_touch >= 0) {
      if (ti != first_touch)
        continue;
      first_touch = -1;
    } else {
      const CompiledTouch& t = w.m.touches[static_cast<std::size_t>(ti)];
      if (!targets(t, w))
        continue;
      reached(w, t);
      if (!rng::bernoulli(words.next(), w.m.exposure_on(w.a.persona, static_cast<std::size_t>(ti), w.day)))
        continue;
    }
    if ((advanced = expose(w, ti, [&] { return words.next(); })))
      break;
  }
  return !advanced && rng::bernoulli(ev[2], dropout_chance(stage, w));
}

//! The rest of an eventful day after walk position `after` (stream 2): the
//! exposures of the later touchpoints and the day's dropout are independent
//! draws, so one uniform picks the first of them to happen — exposure j
//! with probability Π_{i<j}(1 − q_i)·q_j, then the dropout, else nothing —
//! and the draws after an exposure are made afresh once it has been played
//! (it may change the mood, the cart flag and targeting). Returns the walk
//! position of the exposed touchpoint, `LOST` or `NOTHING`.
constexpr int LOST = -1, NOTHING = -2;
[[gnu::always_inline]] inline int next_event(const Walker& w, const CompiledStage& stage, int after,
                                             std::uint32_t word)
{
  double u = rng::to_unit(word);
  double none_yet = 1.0;
  const int n = static_cast<int>(stage.touches.size());
  for (int pos = after + 1; pos < n; ++pos) {
    const auto ti = static_cast<std::size_t>(stage.touches[static_cast<std::size_t>(pos)]);
    if (!targets(w.m.touches[ti], w))
      continue;
    reached(w, w.m.touches[ti]);
    const double q = w.m.exposure_on(w.a.persona, ti, w.day);
    const double mass = none_yet * q;
    if (u < mass)
      return pos;
    u -= mass;
    none_yet *= 1.0 - q;
  }
  return u < none_yet * dropout_chance(stage, w) ? LOST : NOTHING;
}

//! Play an eventful day from its first event on, stream 2: the first
//! exposure's decision is the event block's fourth word, the rest of the day
//! its third; a second exposure on the same day (rare) takes two words of
//! the day's Touch blocks. Returns true if the agent was lost.
[[gnu::always_inline]] inline bool play_day_v2(Walker& w, const FirstEvent& first, const rng::Counter& ev)
{
  const auto& stage = w.m.stages[static_cast<std::size_t>(w.s)];
  using K = FirstEvent::Kind;
  if (first.kind == K::Dropout)
    return true;
  const bool last = w.s + 1 == static_cast<int>(w.m.stages.size());
  int pos = -1; // walk position of the last exposure played
  if (first.kind == K::Exposure) {
    pos = first.position;
    if (expose(w, first.touch, [&] { return ev[3]; }))
      return false;
  } else if (first.kind == K::Repeat || (last && rng::bernoulli(ev[3], stage.purchase_rate))) {
    purchase(w, 0.0);
  }
  std::uint32_t word = ev[2];
  DayWords more(w);
  for (;;) {
    pos = next_event(w, stage, pos, word);
    if (pos == LOST)
      return true;
    if (pos == NOTHING)
      return false;
    if (expose(w, stage.touches[static_cast<std::size_t>(pos)], [&] { return more.next(); }))
      return false;
    word = more.next();
  }
}

[[gnu::always_inline]] inline bool play_day(Walker& w, const FirstEvent& first, const rng::Counter& ev)
{
  return w.v1() ? play_day_v1(w, first, ev) : play_day_v2(w, first, ev);
}

//! Day of arrival and how (MODEL.md "Arrivals"); -1 when the agent does not
//! arrive within the horizon.
int arrive(Walker& w)
{
  const DayTables& d = w.m.days();
  if (!w.m.arrivals_over_time) {
    w.out.arrival_source = 1; // at the start
    return 0;
  }
  const auto words = w.block(Purpose::Arrival, 0, 0);
  // Still waiting after day t with probability exp(log_waiting[t]): arrive
  // on the first day on which that falls below the uniform.
  const double log_u = std::log(rng::to_unit(words[0]));
  const auto it = std::upper_bound(d.log_waiting.begin(), d.log_waiting.end(), log_u,
                                   [](double lu, double lw) { return lw < lu; });
  if (it == d.log_waiting.end()) {
    w.out.arrival_source = 0;
    return -1;
  }
  const int day = static_cast<int>(it - d.log_waiting.begin());
  const bool referral = rng::bernoulli(words[1], d.referral_share[static_cast<std::size_t>(day)]);
  w.out.arrival_source = referral ? 3 : 2;
  return day;
}

//! Repeat purchases expected beyond the horizon from an active customer in
//! the last stage (MODEL.md "Money"): Σ_{d=1..D} r·(1−δ)^(d−1).
double projected_purchases(const Walker& w)
{
  const auto& stage = w.m.stages.back();
  const double r = stage.purchase_rate, D = w.m.clv_days;
  if (r <= 0.0 || D <= 0.0 || w.s + 1 != static_cast<int>(w.m.stages.size()))
    return 0.0;
  const double delta = dropout_chance(stage, w);
  return delta > 0.0 ? r * (1.0 - std::pow(1.0 - delta, D)) / delta : r * D;
}

//! More touchpoints per stage than a segment holds (> MAX_ACTIVE): every
//! day is played unconditioned, one at a time — slow and exact.
bool play_unconditioned_day(Walker& w, const rng::Counter& ev)
{
  return play_day(w, FirstEvent{}, ev);
}

} // namespace

void simulate_journey(const CompiledModel& m, std::uint64_t seed, int horizon_days,
                      const AgentView& a, Outcome& out, JourneyTally& tally)
{
  // Per-touchpoint state only for the touchpoints that have some (most
  // models have none: nothing to initialise).
  std::array<TouchState, 16> states;
  std::vector<TouchState> many;
  TouchState* touch_state = states.data();
  if (m.stateful > 16) {
    many.assign(static_cast<std::size_t>(m.stateful), FRESH_TOUCH_STATE);
    touch_state = many.data();
  } else {
    std::fill_n(states.data(), m.stateful, FRESH_TOUCH_STATE);
  }
  Walker w{m, seed, a, out, tally, touch_state, 2.0 * (1.0 - a.patience), 2.0 * (1.0 - a.tech_savvy),
           2.0 * a.price_sensitivity};
  const std::size_t K = m.stages.size();
  std::fill(out.stage_day, out.stage_day + K, std::int16_t{-1});
  out.lost = false;
  out.lost_day = -1;
  out.purchases = 0;
  out.revenue = 0.0;
  out.discount = 0.0;
  out.cost = 0.0;
  out.touches = 0;
  out.cart_abandons = 0;
  out.clv = 0.0f;
  w.mood = m.mood0[a.persona];

  const int arrival = arrive(w);
  out.arrival_day = static_cast<std::int16_t>(arrival);
  if (arrival < 0) { // never met the brand within the horizon
    out.final_stage = 0;
    out.mood = static_cast<float>(w.mood);
    return;
  }
  w.day = arrival;
  double* mood_in = &tally.mood_in[a.persona * K];
  double* mood_out = &tally.mood_out[a.persona * K];
  mood_in[0] += w.mood;
  out.stage_day[0] = static_cast<std::int16_t>(arrival);
  if (out.arrival_source == 3) { // referred: straight to the referral's stage
    w.mood = std::clamp(w.mood + m.referral_emotion, -1.0, 1.0);
    while (w.s < m.referral_stage) {
      mood_out[w.s] += w.mood;
      ++w.s;
      mood_in[w.s] += w.mood;
      out.stage_day[w.s] = static_cast<std::int16_t>(arrival);
    }
  }
  schedule(w, Trigger::Arrival, 0);

  Segment seg;
  DayChances chances;
  while (w.day < horizon_days) {
    const bool cached = cached_segment(w, horizon_days, seg, chances);
    if (!cached)
      active_touches(w, horizon_days, seg);
    // One block per segment: quiet days, first event, dropout, repeat purchase.
    const auto ev = w.block(Purpose::Event, 0, w.segment++);
    bool lost;
    if (seg.overflow) {
      lost = play_unconditioned_day(w, ev);
    } else {
      // Skip the quiet days (a segment ends early where targeting changes).
      if (!cached)
        day_chances(w, seg, chances);
      if (seg.varying) {
        if (!to_eventful_day(w, seg, chances, ev[0]))
          continue;
      } else {
        const double g = quiet_days_of(w, chances.quiet, ev[0], seg.until_change);
        if (seg.paced && g >= 1.0) [[unlikely]]
          count_in_audiences(w, seg, w.day, w.day + static_cast<int>(std::min<double>(g, seg.until_change)) - 1);
        if (g >= seg.until_change) {
          w.day += seg.until_change;
          w.days_in_stage += seg.until_change;
          continue;
        }
        w.day += static_cast<int>(g);
        w.days_in_stage += static_cast<int>(g);
      }
      const FirstEvent first = first_event(chances, seg, ev[1]);
      if (seg.paced) [[unlikely]]
        count_reached_at_first_event(w, seg, first);
      lost = play_day(w, first, ev);
    }
    if (lost) {
      out.lost = true;
      out.lost_day = static_cast<std::int16_t>(w.day);
      break; // its mood on leaving is added below
    }
    ++w.event;
    ++w.day;
    ++w.days_in_stage;
  }
  mood_out[w.s] += w.mood; // lost, or still in it at the horizon
  out.final_stage = static_cast<std::int8_t>(w.s);
  out.mood = static_cast<float>(w.mood);
  if (!out.lost) {
    const double future = projected_purchases(w) * m.basket_mean[a.persona] * m.margin;
    out.clv = static_cast<float>(m.margin * (out.revenue + out.discount) - out.discount + future);
  } else {
    out.clv = static_cast<float>(m.margin * (out.revenue + out.discount) - out.discount);
  }
}

} // namespace journeysim
