#pragma once
//! Writes a sweep to one HDF5 file (docs/OUTPUT.md "Sweep files"): a group
//! per run and variant under /runs/<id>/, the index /runs/index (one row per
//! run and variant: pandas reads it in one call) and, once every run is done,
//! /runs/summary (mean, sd and 95 % CI across replications per grid point).
//!
//! A new sweep is written in place and flushed after every run, so an
//! interrupted sweep keeps its finished runs and `--resume` continues it;
//! `complete` turns 1 only when all runs and the summary are written. With
//! `force`, an existing file is replaced only once the new one is complete.

#include "journeysim/experiment/sweep.h"

#include <cstdint>
#include <memory>
#include <string>

namespace journeysim {

struct SweepFileOptions {
  bool force = false;     //!< replace an existing file (kept until the new one is complete)
  bool resume = false;    //!< continue an interrupted sweep of the same definition
  bool compress = false;  //!< deflate per-agent columns
  //! Room to find before each run (on the file system and under the file
  //! size limit); a run that might not fit is not started, so a full disk
  //! stops the sweep between runs, with its file consistent for --resume.
  std::uint64_t room_per_run = 0;
};

class SweepWriter : public SweepSink {
public:
  //! @throws InputError  If the target exists (without force/resume) or a resumed file
  //!                     holds a different sweep.
  //! @throws OutputError If the file cannot be created or opened.
  SweepWriter(const std::string& target, const Scenario& scenario, const SweepOptions& sweep,
              SweepFileOptions options);
  ~SweepWriter() override; //!< flushes; removes a --force temporary file unless committed

  SweepWriter(const SweepWriter&) = delete;
  SweepWriter& operator=(const SweepWriter&) = delete;

  bool has(const SweepRun& run) const override;
  ChunkSink* chunks(const SweepRun& run, const Scenario& scenario, const RunOptions& options) override;
  void store(const SweepRun& run, const Scenario& scenario, const RunResult& result) override;

  //! Runs already in the file when it was opened (resume).
  std::size_t runs_found() const;
  //! With --resume: the file was torn by a kill and rebuilt from its intact
  //! runs (runs_found() of them) beside itself.
  bool rebuilt() const;
  //! Writes /runs/summary and complete = 1 (and moves a --force file into place).
  void commit();
  const std::string& path() const; //!< the file being written

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! Two-sided 95 % Student-t quantile for `df` degrees of freedom.
double t_quantile_975(int df);

} // namespace journeysim
