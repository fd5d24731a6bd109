#pragma once
//! Private to the scenario loader: the keys of each part of a scenario, and
//! variants — reading the `variants:` list and building each variant's YAML
//! tree on top of its base's tree.
//!
//! A variant is applied to its base (the baseline, or the variant named by
//! `base:`) in a fixed order: first `remove`, then `add`, then `set` — so a
//! `set` path may address a touchpoint the same variant adds, and an added
//! touchpoint may reuse the name of one it removes. The resulting tree is
//! validated by the very same code as the baseline's.

#include "yaml_reader.h"

#include "journeysim/scenario/scenario.h"

#include <string>
#include <vector>

namespace journeysim::detail {

inline const std::vector<std::string> TOP_KEYS = {
  "name", "description", "horizon_days", "population", "seed", "mood_effect", "baseline",
  "stages", "personas", "touchpoints", "variants", "sweep", "change_costs"};
inline const std::vector<std::string> STAGE_KEYS = {"name", "phase", "dropout", "purchase", "purchase_rate"};
inline const std::vector<std::string> PERSONA_KEYS = {"name",       "description", "share",  "mood",
                                                      "attributes", "affinity",    "basket"};
inline const std::vector<std::string> TOUCHPOINT_KEYS = {"name",     "channel", "stages",   "reach",
                                                         "advance",  "emotion", "cost",     "discount",
                                                         "kind",     "checkout", "target"};
inline const std::vector<std::string> CHECKOUT_KEYS = {"steps", "step_abandon"};
inline const std::vector<std::string> TARGET_KEYS = {"cart_abandoned", "min_days_in_stage"};
inline const std::vector<std::string> VARIANT_KEYS = {"name", "description", "base", "set", "add", "remove"};
//! The channels MODEL.md names: always valid in an affinity, even when no
//! touchpoint of this scenario uses them (SCENARIO.md's own example has a
//! `phone` affinity without a phone touchpoint).
inline const std::vector<std::string> WELL_KNOWN_CHANNELS = {
  "social", "search", "paid_ads", "referral", "reviews", "email", "newsletter",
  "live_chat", "phone", "website", "video", "blog"};
inline const std::vector<std::string> ENGINE_ATTRIBUTES = {"patience", "tech_savvy", "price_sensitivity"};

struct VariantSpec {
  std::string name;
  std::string description;
  const YNode* node = nullptr;      //!< the variant's map
  int base = -1;                    //!< index into the specs; -1 = baseline
  const YNode* base_node = nullptr; //!< value of `base:` (null if absent)
  const YNode* set = nullptr;
  const YNode* add = nullptr;
  const YNode* remove = nullptr;
};

//! Read the `variants:` list: keys, names (unique, not the baseline's) and
//! base names. Does not resolve anything.
std::vector<VariantSpec> read_variant_specs(const Context& ctx, const YNode* variants,
                                            const std::string& baseline_name);

//! Channels an affinity may name: every channel named by a touchpoint (the
//! baseline's, those added by variants and those a variant sets, in order of
//! first appearance), then the well-known ones.
std::vector<std::string> collect_channels(const YNode& root, const std::vector<VariantSpec>& specs);

//! The variant's tree: its base's tree with `remove`, `add`, `set` applied.
//! Never modifies `base_root`; unchanged subtrees are shared.
NodePtr apply_variant(const Context& ctx, const NodePtr& base_root, const Model& base_model,
                      const VariantSpec& spec);

} // namespace journeysim::detail
