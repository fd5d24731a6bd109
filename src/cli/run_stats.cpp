#include "run_stats.h"

#include "cli_util.h"

#include <sys/resource.h>

#include <iomanip>
#include <sstream>

namespace journeysim::cli {

std::uint64_t peak_rss_bytes()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024; // Linux reports KiB
}

namespace {

std::string rate(double agents, double seconds)
{
  if (seconds <= 0.0)
    return "—";
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << agents / seconds / 1e6 << " M agents/s";
  return s.str();
}

std::string share(double part, double whole)
{
  return whole > 0.0 ? fixed(100.0 * part / whole, 0) + " %" : "—";
}

} // namespace

void print_run_stats(const RunResult& r, double wall_seconds, bool compressed, std::ostream& out)
{
  const double agents = static_cast<double>(r.agents);
  const double threads = r.threads > 0 ? r.threads : 1;
  const RunTimings& t = r.timings;
  const double busy = t.generate + t.simulate; // thread-seconds on the workers
  out << "stats:\n"
      << "  agents        " << thousands(static_cast<std::int64_t>(r.agents)) << " × "
      << r.variants.size() << " variant(s) on " << r.threads << " thread(s)\n"
      << "  wall time     " << fixed(wall_seconds, 2) << " s (pipeline " << fixed(r.seconds_simulating, 2)
      << " s) = " << rate(agents, wall_seconds) << ", " << rate(agents / threads, wall_seconds)
      << " per thread\n"
      << "  generating    " << fixed(t.generate, 2) << " thread-s (" << share(t.generate, busy)
      << " of worker time)\n"
      << "  simulating    " << fixed(t.simulate, 2) << " thread-s (" << share(t.simulate, busy)
      << " of worker time) = " << rate(agents * static_cast<double>(r.variants.size()), t.simulate)
      << " per thread, all variants\n"
      << "  writing       " << fixed(t.sink, 2) << " s (one thread at a time, overlapped; "
      << share(t.sink, r.seconds_simulating) << " of the pipeline)\n";
  if (compressed)
    out << "  compressing   " << fixed(t.prepare, 2) << " thread-s (on the workers, before writing)\n";
  out << "  peak memory   " << fixed(static_cast<double>(peak_rss_bytes()) / (1024.0 * 1024.0), 1)
      << " MiB resident (" << t.chunk_buffers << " of at most " << t.chunk_buffer_limit
      << " chunk buffers in flight)\n";
}

} // namespace journeysim::cli
