#pragma once
//! Reading scenario files (SCENARIO.md). Strict: every problem is a
//! ScenarioError "FILE:LINE:COLUMN: message", with a did-you-mean for
//! misspelt names, and nothing is returned from a file that has one.

#include "journeysim/scenario/scenario.h"

#include <string>
#include <vector>

namespace journeysim {

//! A change to the baseline made from outside the file (a sweep's grid
//! point): `path` in the syntax of a variant's `set`, `value` as YAML text.
//! Applied before variants are resolved, so every variant inherits it.
struct Override {
  std::string path;
  std::string value;
};

//! Load and validate a scenario file, resolving all its variants.
//! @throws ScenarioError If the file cannot be read or has any mistake; a
//!         mistake in an override is reported at "--set:N:COLUMN" (N = its
//!         position, 1-based).
Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides = {});

//! Same, from text in memory; `path` is only used in messages.
//! @throws ScenarioError If the text has any mistake.
Scenario parse_scenario(const std::string& text, const std::string& path,
                        const std::vector<Override>& overrides = {});

} // namespace journeysim
