#pragma once
//! Writes a run to an HDF5 results file laid out as OUTPUT.md says. Safe:
//! everything goes to a temporary file beside the target, `complete = 1` is
//! set last, and only then is the file renamed into place.

#include "journeysim/analysis/paired_comparison.h"
#include "journeysim/engine/runner.h"
#include "journeysim/scenario/scenario.h"

#include <memory>
#include <string>

namespace journeysim {

struct WriterOptions {
  bool force = false;    //!< replace an existing target (only once the new file is complete)
  bool compress = false; //!< deflate + shuffle on per-agent columns
  bool per_agent = true; //!< false: no per-agent columns (summary only)
};

class ResultsWriter : public ChunkSink {
public:
  //! Creates the temporary file and writes everything known before the run.
  //! @param options_resolved  resolve_options() of the run about to start.
  //! @throws OutputError If the target exists without force, or the file can't be created.
  ResultsWriter(const std::string& target, const Scenario& scenario,
                const RunOptions& options_resolved, WriterOptions options);
  ~ResultsWriter() override; //!< removes the temporary file unless committed

  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  //! With --compress and one process: compresses the chunk's per-agent
  //! columns (shuffle + deflate into HDF5's filters' format) on the calling
  //! worker thread, for write() to store with direct chunk writes. Safe to
  //! call concurrently with itself and with write().
  void prepare(Chunk& chunk) override;
  void write(const Chunk& chunk) override;
  //! With several ranks: this rank's last collective writes of per-agent rows.
  void finish() override;

  //! Rows of /attribution (`run --attribution`; experiment/attribution.h),
  //! written by commit().
  void set_attribution(std::vector<analysis::ComparisonRow> rows);

  //! Writes the aggregates, sets complete = 1, closes and renames into place.
  //! @throws OutputError On any HDF5 or file-system failure.
  void commit(const RunResult& result);

  const std::string& temporary_path() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace journeysim
