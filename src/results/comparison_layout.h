#pragma once
//! Private to src/results: /comparison/<variant>/ tables (OUTPUT.md
//! Extensions), written by `run` and read back by `compare`.

#include "journeysim/analysis/paired_comparison.h"
#include "journeysim/results/h5.h"

#include <string>
#include <vector>

namespace journeysim::layout {

//! Breakdown subgroups of /comparison/<variant>/, in ComparisonTables order.
inline const char* const BREAKDOWNS[] = {"by_persona", "by_stage", "by_phase", "by_touchpoint"};

//! One table into `group`: metric, baseline, variant, difference, ci_low,
//! ci_high, p_value, method (+ `group` first when `with_group`).
void write_comparison_table(const h5::Object& group, const std::vector<analysis::ComparisonRow>& rows,
                            bool with_group);

//! /comparison/<name>/ with the summary and every breakdown subgroup.
void write_comparison(const h5::Object& comparison_root, const std::string& name,
                      const analysis::ComparisonTables& tables);

//! Read a table written by write_comparison_table (group column optional).
//! @throws OutputError If a column is missing or the lengths differ.
std::vector<analysis::ComparisonRow> read_comparison_table(const h5::Object& group);

} // namespace journeysim::layout
