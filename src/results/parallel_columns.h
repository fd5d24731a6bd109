#pragma once
//! Private to src/results: the per-agent columns of a results file written
//! by every rank at once (docs/SCALING.md). Rank 0 creates the file with
//! every dataset and closes it; then all ranks open it with parallel HDF5
//! (MPI-IO) and each writes its agents' rows by collective writes. Strings
//! and aggregates are never written here: rank 0 reopens the file for them.
//! Without JOURNEYSIM_USE_MPI it is never constructed (one rank).

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <memory>
#include <string>

namespace journeysim {

class ParallelColumns {
public:
  //! Opens `path` on every rank. Collective.
  //! @throws OutputError If it cannot be opened or lacks a column.
  ParallelColumns(const parallel::Ranks& ranks, const std::string& path, const Scenario& scenario,
                  const RunOptions& options);
  ~ParallelColumns();

  //! This rank's rows of one chunk. Collective: every rank calls it as
  //! often as the rank with the most chunks (close() makes up the rest).
  void write(const Chunk& chunk);
  //! Takes part in the collective writes other ranks still make, up to
  //! `rounds` writes in all, then closes the file. Collective.
  //! @throws OutputError On HDF5 failure.
  void close(std::uint64_t rounds);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace journeysim
