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
#include "journeysim/scenario/vocabulary.h"

#include <string>
#include <vector>

namespace journeysim::detail {

// The keys of each part of a scenario and the other words of the format.
using namespace journeysim::vocabulary;

struct VariantSpec {
  std::string name;
  std::string description;
  const YNode* node = nullptr;      //!< the variant's map
  int base = -1;                    //!< index into the specs; -1 = baseline
  const YNode* base_node = nullptr; //!< value of `base:` (null if absent)
  const YNode* set = nullptr;
  const YNode* add = nullptr;
  const YNode* remove = nullptr;
  const YNode* reallocate = nullptr;
};

//! Read the `variants:` list: keys, names (unique, not the baseline's) and
//! base names. Does not resolve anything.
std::vector<VariantSpec> read_variant_specs(const Context& ctx, const YNode* variants,
                                            const std::string& baseline_name);

//! Channels an affinity may name: every channel named by a touchpoint (the
//! baseline's, those added by variants and those a variant sets, in order of
//! first appearance), then the well-known ones.
std::vector<std::string> collect_channels(const YNode& root, const std::vector<VariantSpec>& specs);

//! Touchpoint names a campaign may name: the baseline's and every one a
//! variant adds.
std::vector<std::string> collect_touchpoints(const YNode& root, const std::vector<VariantSpec>& specs);

//! Checks that `path_node` (a scalar such as touchpoints.checkout.reach)
//! names a parameter a variant's `set` could change in `root`, failing with
//! the messages `set` gives (after ctx's prefix). Returns the node `root`
//! writes at that path, or null where it writes none (the default applies).
const YNode* check_parameter_path(const Context& ctx, const NodePtr& root, const YNode& path_node,
                                  const Model& base_model);

//! The variant's tree: its base's tree with `remove`, `add`, `set` applied.
//! Never modifies `base_root`; unchanged subtrees are shared.
NodePtr apply_variant(const Context& ctx, const NodePtr& base_root, const Model& base_model,
                      const VariantSpec& spec);

} // namespace journeysim::detail
