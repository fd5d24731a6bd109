#pragma once
//! The touchpoints acting on an agent between two events, and their chances,
//! built once per variant (and again whenever its day tables change) instead
//! of at every quiet-day segment. In a stage whose touchpoints have no
//! attribute ranges, triggers or caps, what acts on an agent depends only on
//! the cart flag and how many min_days_in_stage thresholds it has passed; the
//! repeat purchase and exposure chances then only on the persona and, where
//! a budget or the calendar moves a reach, the day. The kernel's general
//! path (journey.cpp) handles every other stage.

#include <cstddef>
#include <vector>

namespace journeysim {

class CompiledModel;

//! Touchpoints one segment can hold; a day with more is played unconditioned.
inline constexpr int MAX_ACTIVE = 64;

//! One (stage, cart flag, threshold level) set.
struct ActiveSet {
  std::vector<int> touches;   //!< indices into CompiledModel::touches, stage order
  std::vector<int> positions; //!< each one's walk position in its stage's touchpoint list
  //! Days in stage at which the set next changes; NEVER (INT_MAX) if it does not.
  int next_change = 0;
  //! [day][persona][1 + touches]: the repeat purchase chance, then each
  //! exposure's (one day only where no touchpoint's chance varies).
  std::vector<double> chance;
  //! [day][persona]: (1 − repeat) · Π (1 − exposure), multiplied in that
  //! order (bit for bit what the general path computes before the dropout).
  std::vector<double> quiet;
  //! Where chances vary by day: the log of each `quiet` (stream 4 sums them
  //! over a segment's days, quiet_days::Cumulative), else empty.
  std::vector<double> log_quiet;
  //! Where chances vary by day: [day] the next day on which one of them may
  //! change (CompiledModel::next_change), else empty.
  std::vector<int> change_after;
  //! Budgeted touchpoints of the set (CompiledTouch::paced): each day they
  //! act on an agent counts it in the budget's audience.
  std::vector<int> paced;
  std::size_t personas = 0;

  bool varies() const { return !change_after.empty(); }
  const double* chance_of(std::size_t persona, int day = 0) const
  {
    return chance.data() + (slot(day) * personas + persona) * (touches.size() + 1);
  }
  double quiet_of(std::size_t persona, int day = 0) const { return quiet[slot(day) * personas + persona]; }
  double log_quiet_of(std::size_t persona, int day) const { return log_quiet[slot(day) * personas + persona]; }

private:
  std::size_t slot(int day) const { return varies() ? static_cast<std::size_t>(day) : 0; }
};

class ActiveSets {
public:
  ActiveSets() = default;
  //! Stages with more than MAX_ACTIVE touchpoints are not cached, nor those
  //! whose day-by-day chances would outgrow MAX_DAY_CHANCES.
  explicit ActiveSets(const CompiledModel& model);
  static constexpr std::size_t MAX_DAY_CHANCES = std::size_t{1} << 20;

  //! The set of an agent in stage s, or null where the stage is not cached
  //! (or days_in_stage < 0, which no segment starts at).
  const ActiveSet* find(int s, bool cart_abandoned, int days_in_stage) const
  {
    const Stage& st = stages_[static_cast<std::size_t>(s)];
    if (!st.cached || days_in_stage < 0) [[unlikely]]
      return nullptr;
    std::size_t level = 0;
    while (level < st.thresholds.size() && st.thresholds[level] <= days_in_stage)
      ++level;
    return &st.sets[(cart_abandoned ? st.thresholds.size() + 1 : 0) + level];
  }

private:
  struct Stage {
    bool cached = false;
    std::vector<int> thresholds;  //!< distinct positive min_days_in_stage, ascending
    std::vector<ActiveSet> sets; //!< [cart flag][level]
  };
  std::vector<Stage> stages_;
};

} // namespace journeysim
