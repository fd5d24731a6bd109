#pragma once
//! Runs a scenario's variants over a population in parallel, streaming:
//! agents are generated, simulated and handed to a sink chunk by chunk, so
//! memory does not grow with the population.

#include "journeysim/engine/compiled_model.h"
#include "journeysim/engine/feedback.h"
#include "journeysim/engine/outcome_columns.h"
#include "journeysim/engine/totals.h"
#include "journeysim/population/population.h"
#include "journeysim/scenario/scenario.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace journeysim {

namespace parallel {
class Ranks;
}

//! Agents per reduction block: floating-point sums are formed per block and
//! then added in block order, which makes them independent of threads and
//! chunk size. Chunk sizes are multiples of it.
inline constexpr std::size_t BLOCK_AGENTS = 1024;

struct RunOptions {
  std::uint64_t agents = 0;            //!< 0: the scenario's population
  std::uint64_t seed = 0;
  bool seed_given = false;             //!< false: the scenario's seed
  int threads = 0;                     //!< 0: all cores
  std::size_t chunk_agents = 1u << 15; //!< rounded up to BLOCK_AGENTS
  std::vector<int> variants;           //!< indices into Scenario::variants; empty: all
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(std::uint64_t agents_done)> progress; //!< called in order, serially
  //! After each pass of the population feedback (feedback.h): the worst
  //! residual over the variants still solving, in agents.
  std::function<void(int pass, double residual)> feedback_progress;
  //! False when nothing reads the chunks' attribute columns (a
  //! --summary-only run): attributes that no targeting rule and no engine
  //! behaviour uses are then not drawn but left missing.
  bool attribute_columns = true;
  //! The processes sharing this run (parallel/ranks.h); null: this one only.
  //! Each simulates its range of agents (rank_range()); every rank ends with
  //! the totals of the whole population, identical to one process's.
  const parallel::Ranks* ranks = nullptr;
  //! Stream 3's quantile tables, to share with other runs of the same
  //! process (a sweep's, a calibration's); null: the run builds its own.
  std::shared_ptr<QuantileTables> tables;
  //! Where the population feedback simulates the population several times:
  //! the generated agents are kept from the first pass for the others if
  //! they take at most this many bytes (0: always generated again).
  std::uint64_t population_cache_bytes = std::uint64_t{256} << 20;
};

//! Agents of rank `rank` of `ranks` in a run: a contiguous range on chunk
//! boundaries that are also multiples of RANK_ALIGN_AGENTS (the HDF5 chunk
//! of the per-agent columns), so no two ranks write the same HDF5 chunk.
//! @param options  resolved (resolve_options()).
void rank_range(const RunOptions& options, int rank, int ranks, std::uint64_t& first, std::uint64_t& end);
inline constexpr std::uint64_t RANK_ALIGN_AGENTS = 32768;

//! One variant's outcomes for one chunk.
struct VariantChunk {
  int variant = 0;                    //!< index into Scenario::variants
  const AgentColumns* agents = nullptr; //!< its population (may be shared)
  OutcomeColumns outcomes;
};

//! What a sink made of a chunk in the parallel stage (ChunkSink::prepare),
//! for its write(). Each sink derives its own.
struct PreparedChunk {
  virtual ~PreparedChunk() = default;
};

//! One chunk of agents, all selected variants.
struct Chunk {
  std::uint64_t first = 0;
  std::size_t size = 0;
  std::vector<AgentColumns> populations; //!< one per distinct population
  std::vector<VariantChunk> variants;    //!< in RunOptions::variants order
  //! Set by ChunkSink::prepare; travels (and is reused) with the chunk's
  //! buffers, so its memory is bounded by the chunks in flight.
  std::shared_ptr<PreparedChunk> prepared;
};

//! Receives chunks in agent order, from one thread at a time.
class ChunkSink {
public:
  virtual ~ChunkSink() = default;
  virtual void write(const Chunk& chunk) = 0;
  //! Called on a worker thread once a chunk is simulated, before write(),
  //! concurrently for several chunks and with write() of earlier ones: work
  //! that need not be serial (compressing columns) goes here, its result
  //! into chunk.prepared. It must not touch what write() changes.
  virtual void prepare(Chunk& /*chunk*/) {}
  //! After the last chunk of a pass that completed (not after a cancelled
  //! one), before the totals are combined over ranks: a sink writing with
  //! collective calls makes its last ones here, on every rank, even one
  //! that had no agents (docs/SCALING.md).
  virtual void finish() {}
};

//! Where a run's time went (`run --stats`). Generation and simulation run on
//! every thread, so they are thread-seconds; the sink runs on one thread at a
//! time, overlapped with them.
struct RunTimings {
  double generate = 0.0; //!< thread-seconds drawing personas and attributes
  double simulate = 0.0; //!< thread-seconds simulating journeys
  double sink = 0.0;     //!< seconds in the sink (writing per-agent columns) and reductions
  double prepare = 0.0;  //!< thread-seconds in ChunkSink::prepare (compressing columns)
  //! Most chunk buffers the pipeline held at once, and its limit (2·threads
  //! + 1): what peak memory is made of beyond the scenario's own tables. A
  //! buffer is allocated only when none is free, so a run whose writer
  //! never lags holds fewer than the limit, whatever its population.
  std::size_t chunk_buffers = 0, chunk_buffer_limit = 0;
};

//! What the run resolved and produced.
struct RunResult {
  std::uint64_t agents = 0;
  std::uint64_t seed = 0;
  int threads = 0;
  std::vector<int> variants;               //!< indices into Scenario::variants
  std::vector<TouchpointInfo> touchpoints; //!< rows of the touchpoint tables
  std::vector<std::vector<AttributeColumn>> attribute_columns; //!< per selected variant
  std::vector<VariantTotals> totals;       //!< per selected variant
  std::vector<FeedbackReport> feedback;    //!< per selected variant (passes 0: not coupled)
  double seconds_simulating = 0.0;       //!< wall time of the whole pipeline
  RunTimings timings;
};

//! Resolve defaults (agents, seed, variants) without running.
//! @throws InputError If a variant index is out of range or agents is 0.
RunOptions resolve_options(const Scenario& scenario, RunOptions options);

//! Simulate, streaming chunks to `sink` (may be null).
//! @throws Cancelled If options.cancel was set; the sink saw a prefix of chunks.
RunResult run(const Scenario& scenario, RunOptions options, ChunkSink* sink);

} // namespace journeysim
