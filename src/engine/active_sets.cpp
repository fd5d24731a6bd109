#include "journeysim/engine/active_sets.h"

#include "journeysim/engine/compiled_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace journeysim {

namespace {

//! Whether the touchpoint acts on an agent changes between events only
//! through the cart flag and min_days_in_stage (its chance may move by day).
bool static_targeting(const CompiledTouch& t)
{
  return t.ranges.empty() && t.state < 0 && t.trigger == Trigger::Daily;
}

} // namespace

ActiveSets::ActiveSets(const CompiledModel& m)
{
  const std::size_t personas = m.mood0.size();
  const int H = static_cast<int>(m.horizon());
  for (std::size_t s = 0; s < m.stages.size(); ++s) {
    const CompiledStage& stage = m.stages[s];
    Stage& st = stages_.emplace_back();
    auto touch = [&](int ti) -> const CompiledTouch& { return m.touches[static_cast<std::size_t>(ti)]; };
    const bool varies = std::any_of(stage.touches.begin(), stage.touches.end(), [&](int ti) { return touch(ti).varying >= 0; });
    const std::size_t days = varies ? static_cast<std::size_t>(H) : 1;
    st.cached = stage.touches.size() <= static_cast<std::size_t>(MAX_ACTIVE) &&
                days * personas * (stage.touches.size() + 1) <= MAX_DAY_CHANCES &&
                std::all_of(stage.touches.begin(), stage.touches.end(), [&](int ti) { return static_targeting(touch(ti)); });
    if (!st.cached)
      continue;
    for (int ti : stage.touches)
      if (m.touches[static_cast<std::size_t>(ti)].min_days_in_stage > 0)
        st.thresholds.push_back(m.touches[static_cast<std::size_t>(ti)].min_days_in_stage);
    std::sort(st.thresholds.begin(), st.thresholds.end());
    st.thresholds.erase(std::unique(st.thresholds.begin(), st.thresholds.end()), st.thresholds.end());

    const bool last = s + 1 == m.stages.size();
    const double repeat = last ? stage.purchase_rate : 0.0;
    for (bool cart : {false, true}) {
      for (std::size_t level = 0; level <= st.thresholds.size(); ++level) {
        // Days in stage of this level: [passed, thresholds[level]).
        const int passed = level == 0 ? 0 : st.thresholds[level - 1];
        ActiveSet& set = st.sets.emplace_back();
        set.next_change = std::numeric_limits<int>::max();
        for (std::size_t pos = 0; pos < stage.touches.size(); ++pos) {
          const int ti = stage.touches[pos];
          const CompiledTouch& t = m.touches[static_cast<std::size_t>(ti)];
          if (t.cart_abandoned_only && !cart)
            continue; // only a checkout event changes the flag
          if (t.min_days_in_stage <= passed) {
            set.touches.push_back(ti);
            set.positions.push_back(static_cast<int>(pos));
          } else {
            set.next_change = std::min(set.next_change, t.min_days_in_stage);
          }
        }
        set.personas = personas;
        for (int ti : set.touches)
          if (touch(ti).paced >= 0)
            set.paced.push_back(touch(ti).paced);
        // A varying set's chances, day by day, and when they next change.
        for (int day = 0; day < static_cast<int>(days); ++day) {
          for (std::size_t p = 0; p < personas; ++p) {
            double quiet = 1.0 - repeat;
            set.chance.push_back(repeat);
            for (int ti : set.touches) {
              const double q = m.exposure_on(p, static_cast<std::size_t>(ti), day);
              set.chance.push_back(q);
              quiet *= 1.0 - q;
            }
            set.quiet.push_back(quiet);
            if (varies)
              set.log_quiet.push_back(std::log(quiet));
          }
          if (!varies)
            break;
          int change = std::numeric_limits<int>::max();
          for (int ti : set.touches)
            change = std::min(change, m.next_change(static_cast<std::size_t>(ti), day));
          set.change_after.push_back(change);
        }
      }
    }
  }
}

} // namespace journeysim
