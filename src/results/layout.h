#pragma once
//! Private to src/results: the parts of the OUTPUT.md layout that results
//! files (`run`) and sweep files (`sweep`) share.

#include "journeysim/engine/compiled_model.h"
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

} // namespace journeysim::layout
