#pragma once
//! The words of the scenario format in one place: the keys each part of a
//! scenario may have, and the names of phases, touchpoint kinds, triggers and
//! engine attributes. The loader, the variant paths, the population, the
//! results layout and the CLI all read them from here (docs/ARCHITECTURE.md
//! "Adding a mechanic" says which list a new key joins).

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace journeysim::vocabulary {

// ----------------------------------------------------------------- keys

inline const std::vector<std::string> TOP_KEYS = {
  "name",     "description", "horizon_days", "population", "seed",     "mood_effect",
  "baseline", "stages",      "personas",     "touchpoints", "variants", "sweep",
  "currency", "margin",      "clv_days",     "arrivals",    "calendar", "referrals",
  "feedback", "calibrate", "change_costs", "random_stream"};
inline const std::vector<std::string> STAGE_KEYS = {"name", "phase", "dropout", "purchase", "purchase_rate"};
inline const std::vector<std::string> PERSONA_KEYS = {"name",     "description", "share",  "mood",
                                                      "attributes", "affinity",  "basket", "referral_rate"};
inline const std::vector<std::string> TOUCHPOINT_KEYS = {
  "name",    "channel", "stages",  "reach",      "advance", "emotion",       "cost",          "discount",
  "kind",    "checkout", "target", "trigger",    "delay_days", "max_per_agent", "cooldown_days", "budget"};
inline const std::vector<std::string> CHECKOUT_KEYS = {"steps", "step_abandon"};
inline const std::vector<std::string> TARGET_KEYS = {"cart_abandoned", "min_days_in_stage"};
inline const std::vector<std::string> BUDGET_KEYS = {"total", "per_day", "cost_per_exposure"};
inline const std::vector<std::string> ARRIVAL_KEYS = {"daily"};
inline const std::vector<std::string> CAMPAIGN_KEYS = {"name", "from", "to", "arrivals", "reach"};
inline const std::vector<std::string> REFERRAL_KEYS = {"advocates", "rate", "enter", "emotion"};
inline const std::vector<std::string> FEEDBACK_KEYS = {"tolerance", "max_passes"};
inline const std::vector<std::string> VARIANT_KEYS = {"name", "description", "base",      "set",
                                                      "add",  "remove",      "reallocate"};
inline const std::vector<std::string> REALLOCATE_KEYS = {"from", "to", "amount"};

// ---------------------------------------------------------------- names

inline const std::vector<std::string> PHASES = {"pre_purchase", "purchase", "post_purchase"};
inline const std::vector<std::string> TOUCH_KINDS = {"neutral", "pain_point", "success_point",
                                                     "moment_of_truth"};
//! `trigger:` values; "daily" (the default) is not written in scenarios.
inline const std::vector<std::string> TRIGGERS = {"daily", "cart_abandoned", "purchase", "arrival"};
//! How an agent entered the journey (per-agent `arrival_source`).
inline const std::vector<std::string> ARRIVAL_SOURCES = {"none", "start", "external", "referral"};
//! Attributes the engine uses (MODEL.md "Agents"); 0.5 is neutral.
inline const std::vector<std::string> ENGINE_ATTRIBUTES = {"patience", "tech_savvy", "price_sensitivity"};
//! The channels MODEL.md names: always valid in an affinity, even when no
//! touchpoint of this scenario uses them (SCENARIO.md's own example has a
//! `phone` affinity without a phone touchpoint).
inline const std::vector<std::string> WELL_KNOWN_CHANNELS = {
  "social", "search", "paid_ads", "referral", "reviews", "email", "newsletter",
  "live_chat", "phone", "website", "video", "blog"};

//! A budget's `total` and `per_day` state the same money: the path of the
//! other one (touchpoints.T.budget.total ↔ …per_day), or "" for any other path.
inline std::string other_budget_money(const std::string& path)
{
  for (const auto& [a, b] : {std::pair<std::string, std::string>{".budget.total", ".budget.per_day"},
                             {".budget.per_day", ".budget.total"}})
    if (path.size() > a.size() && path.ends_with(a))
      return path.substr(0, path.size() - a.size()) + b;
  return "";
}

} // namespace journeysim::vocabulary
