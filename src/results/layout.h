#pragma once
//! Private to src/results: the parts of the OUTPUT.md layout that results
//! files (`run`) and sweep files (`sweep`) share.

#include "journeysim/engine/compiled_model.h"
#include "journeysim/engine/feedback.h"
#include "journeysim/engine/outcome_columns.h"
#include "journeysim/engine/totals.h"
#include "journeysim/error.h"
#include "journeysim/population/population.h"
#include "journeysim/results/h5.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <span>
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

//! Choice attribute values as their uint8 codes (MISSING_CHOICE when missing).
void choice_codes(const float* values, std::size_t n, std::vector<std::uint8_t>& codes);

//! Calls f(dataset, values) for each population column of a chunk, in file
//! order, `values` a std::span<const T> of the dataset's element type;
//! choice codes are made in `codes`, so f must use them before it returns.
//! `Columns` is PopulationColumns, const or not.
//! @throws OutputError If the chunk's attributes do not match the columns.
template <class Columns, class F>
void for_each_population_column(Columns& p, const AgentColumns& a, std::vector<std::uint8_t>& codes, F&& f)
{
  if (a.attributes.size() != p.attributes.size() * a.size)
    throw OutputError("population of " + std::to_string(a.size) + " agents has " + std::to_string(a.attributes.size()) +
                      " attribute values, expected " + std::to_string(p.attributes.size() * a.size));
  f(p.agent_id, std::span<const std::uint64_t>(a.id));
  f(p.persona, std::span<const std::uint16_t>(a.persona));
  for (std::size_t c = 0; c < p.attributes.size(); ++c) {
    if (p.attributes[c].choice) {
      choice_codes(a.column(c), a.size, codes);
      f(p.data[c], std::span<const std::uint8_t>(codes));
    } else {
      f(p.data[c], std::span<const float>(a.column(c), a.size));
    }
  }
}
//! The same columns of an existing file (to write rows into them).
PopulationColumns open_population_columns(const h5::Group& agents, const Model& model, std::uint64_t seed);

//! The per-agent outcome columns a model writes (engine/outcome_columns.h),
//! in for_each_column() order; columns the model does not write are left
//! invalid. Each dataset carries its `meaning`.
std::vector<h5::RowDataset> create_outcome_columns(const h5::Group& agents, const Model& model, std::uint64_t rows,
                                                   std::size_t stages, const h5::RowOptions& options);
//! Write one chunk's outcomes at row `at` into columns made by create_outcome_columns.
void write_outcome_columns(std::vector<h5::RowDataset>& columns, std::uint64_t at, const OutcomeColumns& o);
//! Calls f(dataset, values) for each column create_outcome_columns made
//! (skipping those it left invalid), `values` a std::span<const T>.
//! `Columns` is std::vector<h5::RowDataset>, const or not.
template <class Columns, class F> void for_each_outcome_column(Columns& columns, const OutcomeColumns& o, F&& f)
{
  std::size_t i = 0;
  for_each_column(o, [&](const OutcomeColumn&, const auto& v) {
    auto& d = columns[i++];
    if (d.dataset().valid())
      f(d, std::span(v.data(), v.size()));
  });
}
//! The columns create_outcome_columns made, of an existing file.
std::vector<h5::RowDataset> open_outcome_columns(const h5::Group& agents, const Model& model);

} // namespace journeysim::layout
