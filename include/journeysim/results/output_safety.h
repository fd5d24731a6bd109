#pragma once
//! Checks made before a results file is written (docs/SAFETY.md): how large
//! it can get, whether its file system can hold that, and leftovers of runs
//! that were killed before they could clean up.

#include "journeysim/engine/runner.h"
#include "journeysim/results/publish.h"
#include "journeysim/results/results_writer.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace journeysim {

//! An upper bound of a results file's size (compression ignored).
struct SizeEstimate {
  std::uint64_t per_agent = 0;  //!< bytes per agent, all selected variants together
  std::uint64_t fixed = 0;      //!< header, scenario tables, aggregates, HDF5 overhead
  std::uint64_t total = 0;      //!< fixed + agents × per_agent (+ index overhead), saturating
};

//! What `ResultsWriter` will store for this run: the per-agent columns of
//! docs/OUTPUT.md at their dtypes (none with `per_agent = false`; a variant
//! that shares its population with an earlier one stores only its outcome
//! columns), plus the aggregates. Never allocates anything per agent, so
//! any `agents` (up to 10^12) is fine.
//! @param options_resolved  resolve_options() of the run about to start.
SizeEstimate estimate_results_size(const Scenario& scenario, const RunOptions& options_resolved,
                                   const WriterOptions& writer);

//! Bytes an unprivileged process can still write in the directory that
//! would hold `target` (statvfs: f_bavail × f_frsize); nothing if the
//! directory cannot be asked (it is then left to the writer to fail).
std::optional<std::uint64_t> free_bytes_for(const std::string& target);

//! Refuses, before anything is created, a run whose results cannot fit.
//! @throws OutputError "not enough disk space for 'T': the results need up
//!         to X, only Y is free on its file system (use --summary-only,
//!         fewer agents, another directory, or --no-space-check)".
void check_free_space(const std::string& target, const SizeEstimate& estimate);

//! "12.3 GB" (binary units).
std::string human_bytes(std::uint64_t bytes);

//! Removes `<target>.partial-<PID>` files left by processes that were killed
//! (SIGKILL, power loss) before they could remove them (`run`, and `sweep
//! --force`): only a file that no process holds a LiveLock on (the PID in
//! the name is not trusted: it may belong to another PID namespace), and
//! only if it is not a complete results file (a failed rename leaves one).
//! @return The paths removed.
std::vector<std::string> remove_stale_partials(const std::string& target);

//! Refuses to start a second writer of `target` while another process is
//! writing it (a temporary file of `target` that is live, or `target` itself).
//! @throws InputError "another journeysim process is writing 'T' now (…)".
void check_no_live_writer(const std::string& target);

} // namespace journeysim
