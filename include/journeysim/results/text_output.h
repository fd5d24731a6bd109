#pragma once
//! Writing a text output (a report, a calibrated scenario, an observed
//! funnel, a path file) as safely as a results file: through a locked
//! temporary beside it that takes the name only once complete and synced,
//! never replacing anything without `force`, and with it only a file of the
//! same kind that is still the one checked (results/replace_policy.h).

#include "journeysim/results/replace_policy.h"

#include <string>

namespace journeysim {

//! Writes `text` to `target` (check_output_target() first, again).
//! @throws InputError As check_output_target(); OutputError if writing fails
//!         or another process put a file at `target` meanwhile.
void write_text_output(const std::string& target, const std::string& text, const OutputTarget& o);

} // namespace journeysim
