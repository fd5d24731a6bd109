#pragma once
//! Reading scenario files (SCENARIO.md). Strict: every problem is a
//! ScenarioError "FILE:LINE:COLUMN: message", with a did-you-mean for
//! misspelt names, and nothing is returned from a file that has one.

#include "journeysim/scenario/scenario.h"

#include <string>

namespace journeysim {

//! Load and validate a scenario file, resolving all its variants.
//! @throws ScenarioError If the file cannot be read or has any mistake.
Scenario load_scenario(const std::string& path);

//! Same, from text in memory; `path` is only used in messages.
//! @throws ScenarioError If the text has any mistake.
Scenario parse_scenario(const std::string& text, const std::string& path);

} // namespace journeysim
