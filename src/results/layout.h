#pragma once
//! Private to src/results: the parts of the OUTPUT.md layout that results
//! files (`run`) and sweep files (`sweep`) share.

#include "journeysim/engine/compiled_model.h"
#include "journeysim/engine/feedback.h"
#include "journeysim/engine/outcome_columns.h"
#include "journeysim/engine/totals.h"
#include "journeysim/results/h5.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <string>
#include <vector>

namespace journeysim::layout {

inline constexpr std::int64_t FORMAT_VERSION = 1;
inline constexpr std::uint64_t CHUNK_ROWS = 32768;

//! "2026-11-23T09:30:00Z"
std::string utc_now();

//! Root attributes every journeysim file starts with (complete = 0).
void write_identity(const h5::File& file);

//! /scenario (name, description, source, sha256, path), /stages, /personas.
void write_scenario_tables(const h5::File& file, const Scenario& scenario);

//! /touchpoints/name, channel, kind.
void write_touchpoint_table(const h5::File& file, const std::vector<TouchpointInfo>& rows);

//! A variant's (or a sweep run's) aggregates into `group`: funnel/, daily/,
//! touchpoints/, summary.
//! @throws OutputError If the touchpoint statistics don't match `touch_rows`.
void write_totals(const h5::Object& group, const VariantTotals& totals, std::size_t touch_rows);

//! Model v2 aggregates of a variant into `group` (after write_totals):
//! touchpoints/planned_spend, channels/ (spend per channel, planned and
//! realised), daily/arrivals, and feedback/ (passes, residual, curves).
void write_spend_and_feedback(const h5::Object& group, const VariantTotals& totals, const Model& model,
                              const std::vector<TouchpointInfo>& rows, const FeedbackReport& feedback);

//! The population's per-agent columns: agent_id, persona and one attr_<name>
//! per attribute (numbers as float32; choices as uint8 codes with their
//! `labels` and `missing_code`).
struct PopulationColumns {
  h5::RowDataset agent_id, persona;
  std::vector<AttributeColumn> attributes;
  std::vector<h5::RowDataset> data; //!< per attribute
  std::vector<std::uint8_t> codes;  //!< scratch
};
PopulationColumns create_population_columns(const h5::Group& agents, const Model& model, std::uint64_t seed,
                                            std::uint64_t rows, const h5::RowOptions& options);
void write_population_columns(PopulationColumns& columns, std::uint64_t at, const AgentColumns& agents);
//! The same columns of an existing file (to write rows into them).
PopulationColumns open_population_columns(const h5::Group& agents, const Model& model, std::uint64_t seed);

//! The per-agent outcome columns a model writes (engine/outcome_columns.h),
//! in for_each_column() order; columns the model does not write are left
//! invalid. Each dataset carries its `meaning`.
std::vector<h5::RowDataset> create_outcome_columns(const h5::Group& agents, const Model& model, std::uint64_t rows,
                                                   std::size_t stages, const h5::RowOptions& options);
//! Write one chunk's outcomes at row `at` into columns made by create_outcome_columns.
void write_outcome_columns(std::vector<h5::RowDataset>& columns, std::uint64_t at, const OutcomeColumns& o);
//! The columns create_outcome_columns made, of an existing file.
std::vector<h5::RowDataset> open_outcome_columns(const h5::Group& agents, const Model& model);

} // namespace journeysim::layout
