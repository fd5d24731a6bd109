// A run's memory is bounded by its pipeline, not by its population: at most
// 2·threads + 1 chunks are in flight however slow the writer (docs/PERFORMANCE.md).

#include "journeysim/engine/runner.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>

using namespace journeysim;

namespace {

//! A writer that lags: its first write waits until `ahead` chunks are
//! simulated (or a minute has passed), so the workers run ahead as far as
//! the pipeline lets them, however slow the machine.
struct LaggingSink : ChunkSink {
  explicit LaggingSink(std::size_t ahead) : ahead(ahead) {}
  std::size_t ahead, prepared = 0, written = 0;
  bool ran_ahead = false; //!< the workers got `ahead` chunks done during the first write
  std::mutex m;
  std::condition_variable cv;

  void prepare(Chunk&) override
  {
    const std::lock_guard lock(m);
    ++prepared;
    cv.notify_all();
  }
  void write(const Chunk&) override
  {
    std::unique_lock lock(m);
    if (written++ == 0)
      ran_ahead = cv.wait_for(lock, std::chrono::minutes(1), [&] { return prepared >= ahead; });
  }
};

RunResult run_bench_large(int threads, ChunkSink* sink)
{
  const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/bench_large.yaml");
  RunOptions o;
  o.agents = 64 * 1024;
  o.threads = threads;
  o.chunk_agents = 1024; // 64 chunks
  o.variants = {0};
  return run(s, o, sink);
}

} // namespace

TEST_CASE("a run holds at most 2 threads + 1 chunks, however slow its writer", "[engine][memory]")
{
  // (One thread writes and simulates in turn: nothing runs ahead of a lag.)
  const int threads = GENERATE(1, 2, 3);
  INFO(threads << " thread(s)");
  const std::size_t limit = 2 * static_cast<std::size_t>(threads) + 1;
  LaggingSink lag(threads > 1 ? limit : 1);
  const RunResult lagging = run_bench_large(threads, &lag);
  CHECK(lag.written == 64);
  CHECK(lag.ran_ahead);
  CHECK(lagging.timings.chunk_buffer_limit == limit);
  if (threads > 1)
    CHECK(lagging.timings.chunk_buffers == limit); // the lag fills it, and no more
  else
    CHECK(lagging.timings.chunk_buffers <= limit);

  const RunResult summary = run_bench_large(threads, nullptr);
  CHECK(summary.timings.chunk_buffer_limit == limit);
  CHECK(summary.timings.chunk_buffers >= 1);
  CHECK(summary.timings.chunk_buffers <= limit);
}
