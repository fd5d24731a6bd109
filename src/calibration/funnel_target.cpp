#include "journeysim/calibration/funnel_target.h"

#include "journeysim/calibration/metric_target.h"

#include "journeysim/error.h"
#include "journeysim/util/nearest_name.h"

#include <algorithm>
#include <map>

namespace journeysim {

namespace {

std::string listed(const std::vector<std::string>& names)
{
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

} // namespace

FunnelTarget match_target(const Scenario& scenario, const ObservedFunnel& observed)
{
  const Model& m = scenario.baseline();
  const std::string& file = observed.path.empty() ? std::string("target") : observed.path;
  auto at = [&](const ObservedStage& row) { return file + ":" + std::to_string(row.line) + ":1: "; };
  std::vector<std::string> stage_names, persona_names;
  for (const auto& s : m.stages)
    stage_names.push_back(s.name);
  for (const auto& p : m.personas)
    persona_names.push_back(p.name);

  if (std::none_of(observed.stages.begin(), observed.stages.end(),
                   [&](const ObservedStage& r) { return m.stage_index(r.stage) >= 0; }))
    throw InputError(file + ": no stage of the target is a stage of the scenario (the scenario's stages: " +
                     listed(stage_names) + "; name the target's stages after them, e.g. --map view=" +
                     stage_names[std::min<std::size_t>(1, stage_names.size() - 1)] + " in observe)");

  FunnelTarget target;
  target.by_persona = std::any_of(observed.stages.begin(), observed.stages.end(),
                                  [](const ObservedStage& r) { return !r.persona.empty(); });
  // A cart_abandon_rate with the cart stage's count gives the purchase stage's.
  std::vector<ObservedStage> stage_rows = observed.stages;
  for (auto& row : stage_rows_from_metrics(m, observed))
    stage_rows.push_back(std::move(row));
  // Rows per persona (-1: all customers), in stage order.
  std::map<int, std::vector<std::pair<int, const ObservedStage*>>> groups;
  for (const auto& row : stage_rows) {
    const int k = m.stage_index(row.stage);
    if (k < 0)
      throw InputError(at(row) + "unknown stage '" + row.stage + "'" + did_you_mean(row.stage, stage_names) +
                       " (the scenario's stages: " + listed(stage_names) + ")");
    int persona = -1;
    if (!row.persona.empty()) {
      const auto it = std::find(persona_names.begin(), persona_names.end(), row.persona);
      if (it == persona_names.end())
        throw InputError(at(row) + "unknown persona '" + row.persona + "'" + did_you_mean(row.persona, persona_names) +
                         " (the scenario's personas: " + listed(persona_names) +
                         (row.persona == "unknown"
                            ? "; 'unknown' are the customers observe found no segment value for: name them with "
                              "observe --segment unknown=PERSONA, or delete their rows)"
                            : "; observe --segment VALUE=PERSONA names segments after personas)"));
      persona = static_cast<int>(it - persona_names.begin());
    }
    groups[persona].push_back({k, &row});
  }
  for (auto& [persona, rows] : groups) {
    std::sort(rows.begin(), rows.end());
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const ObservedStage& a = *rows[i - 1].second;
      const ObservedStage& b = *rows[i].second;
      if (b.reached > a.reached)
        throw InputError(at(b) + "'" + b.stage + "' reached by " + std::to_string(b.reached) +
                         " customers, more than the " + std::to_string(a.reached) + " who reached '" + a.stage +
                         "', an earlier stage: counts cannot increase down the funnel");
      if (a.reached == 0)
        continue; // nobody to move on: no information
      // With persona rows, the overall rows are shown, not fitted (they would count customers twice).
      (target.by_persona && persona < 0 ? target.shown : target.transitions)
        .push_back({persona, rows[i - 1].first, rows[i].first, a.reached, b.reached});
    }
  }
  if (target.transitions.empty())
    throw InputError(file + ": nothing to fit: the target needs at least two stages of the scenario with "
                            "customers in the earlier one");
  target.metrics = match_metrics(m, observed, stage_rows, target.by_persona);
  return target;
}

} // namespace journeysim
