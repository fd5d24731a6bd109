#pragma once
//! `run --stats`: where a run's time went and how much memory it took.

#include "journeysim/engine/runner.h"

#include <cstdint>
#include <ostream>

namespace journeysim::cli {

//! Peak resident set size of this process so far, in bytes (getrusage).
std::uint64_t peak_rss_bytes();

//! Prints wall time, agents/s (total and per thread), the thread-seconds spent
//! generating and simulating, the time in the writer, and peak memory.
//! @param wall_seconds  the whole command: load, run, commit of the file.
//! @param compressed    per-agent columns were compressed (the time it took is shown).
void print_run_stats(const RunResult& result, double wall_seconds, bool compressed, std::ostream& out);

} // namespace journeysim::cli
