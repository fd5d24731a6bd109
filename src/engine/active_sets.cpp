#include "journeysim/engine/active_sets.h"

#include "journeysim/engine/compiled_model.h"

#include <algorithm>
#include <limits>

namespace journeysim {

namespace {

//! Nothing about the touchpoint changes between events except through the
//! cart flag and min_days_in_stage.
bool static_targeting(const CompiledTouch& t)
{
  return t.ranges.empty() && t.state < 0 && t.varying < 0 && t.trigger == Trigger::Daily;
}

} // namespace

ActiveSets::ActiveSets(const CompiledModel& m)
{
  const std::size_t personas = m.mood0.size();
  for (std::size_t s = 0; s < m.stages.size(); ++s) {
    const CompiledStage& stage = m.stages[s];
    Stage& st = stages_.emplace_back();
    st.cached = stage.touches.size() <= static_cast<std::size_t>(MAX_ACTIVE) &&
                std::all_of(stage.touches.begin(), stage.touches.end(),
                            [&](int ti) { return static_targeting(m.touches[static_cast<std::size_t>(ti)]); });
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
        for (std::size_t p = 0; p < personas; ++p) {
          double quiet = 1.0 - repeat;
          set.chance.push_back(repeat);
          for (int ti : set.touches) {
            const double q = m.exposure(p, static_cast<std::size_t>(ti));
            set.chance.push_back(q);
            quiet *= 1.0 - q;
          }
          set.quiet.push_back(quiet);
        }
      }
    }
  }
}

} // namespace journeysim
