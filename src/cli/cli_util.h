#pragma once
//! Small helpers the CLI's commands share: argument parsing and number
//! formatting for tables.

#include "journeysim/scenario/loader.h"

#include <boost/program_options.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace journeysim::parallel {
class Ranks;
}

namespace journeysim::cli {

//! Parse a command's arguments (options and positionals).
boost::program_options::variables_map parse_args(const std::vector<std::string>& args,
                                                 const boost::program_options::options_description& options,
                                                 const boost::program_options::positional_options_description& pos);

//! "1000000", "1e6", "1_000_000" → 1000000.
//! @throws InputError Naming the option, if it is not a whole number in [1, 1e12].
std::uint64_t parse_count(const std::string& text, const std::string& option);

//! "--seed": a whole number from 0 to 2^64 − 1, as `seed:` in a scenario
//! ("-1" is refused, not wrapped to 2^64 − 1).
//! @throws InputError Quoting (at most 40 characters of) the text.
std::uint64_t parse_seed(const std::string& text);

//! "--random-stream": 1 to 4 (docs/MODEL.md "Randomness").
//! @throws InputError Naming the option and the value.
rng::Stream parse_random_stream(int stream);

//! --threads beyond 4 × the cores only cost memory and Ctrl-C latency
//! (every thread finishes the block it started); results do not depend on
//! the thread count, so more is capped there, with a note on stderr.
int cap_threads(int requested);

//! At most `max` bytes of `text` for an error message, "…" if cut.
std::string clip(const std::string& text, std::size_t max = 40);

//! load_scenario with overrides; a mistake in an override is reported as
//! "--set PATH=VALUE: message" (exit 2) instead of at "--set:N:COLUMN".
//! @throws ScenarioError, InputError
Scenario load_scenario_with(const std::string& path, const std::vector<Override>& overrides);

//! Text from a scenario or a results file, safe to print on a terminal:
//! control characters (ESC and the C1 CSI that start escape sequences) are
//! shown as \xNN / \u00NN instead of being interpreted.
std::string printable(const std::string& text);

std::string thousands(std::int64_t n); //!< 1234567 → "1,234,567"
std::string fixed(double x, int digits); //!< NaN → "—"
std::string num(double x, int digits = 6); //!< `digits` significant digits (%g); NaN → "—"

} // namespace journeysim::cli

namespace journeysim::cli {

//! Before a long computation whose answer goes to `path`: that a file can be
//! created beside it (a temporary, removed at once) and that `path` is not a
//! directory, so a wrong -o fails in a moment, not after the work.
//! @throws OutputError "OPTION: 'PATH' is a directory" or "OPTION: cannot
//!         create 'TEMP': REASON".
void check_can_create(const std::string& path, const std::string& option);

//! A failure on one MPI rank while the others may be waiting for it in a
//! collective call: say which, and end them all (docs/SCALING.md).
[[noreturn]] void abort_ranks(const parallel::Ranks& ranks, const std::string& message, int code);

} // namespace journeysim::cli
