#include "journeysim/results/output_safety.h"

#include "journeysim/engine/outcome_columns.h"

#include "journeysim/error.h"
#include "journeysim/population/population.h"
#include "journeysim/results/h5.h"
#include "journeysim/util/quote.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

namespace journeysim {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t MAX = std::numeric_limits<std::uint64_t>::max();

std::uint64_t sat_add(std::uint64_t a, std::uint64_t b)
{
  return a > MAX - b ? MAX : a + b;
}

std::uint64_t sat_mul(std::uint64_t a, std::uint64_t b)
{
  return (a != 0 && b > MAX / a) ? MAX : a * b;
}

//! Bytes of one agent's outcome columns (ResultsWriter::create_variant):
//! Bytes of one agent's population columns: agent_id u64, persona u16, and
//! per attribute u8 (choice) or f32.
std::uint64_t population_bytes(const Model& model, std::uint64_t seed)
{
  std::uint64_t bytes = 8 + 2;
  const Population population(model, seed); // templates only: no per-agent memory
  for (const auto& column : population.columns())
    bytes += column.choice ? 1 : 4;
  return bytes;
}

fs::path directory_of(const std::string& target)
{
  const fs::path parent = fs::path(target).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

} // namespace

SizeEstimate estimate_results_size(const Scenario& scenario, const RunOptions& o,
                                   const WriterOptions& writer)
{
  SizeEstimate e;
  // Header, /scenario (the source text is stored), /stages, /personas,
  // /touchpoints: generous fixed allowances for HDF5's object headers.
  e.fixed = 256 * 1024 + 2 * static_cast<std::uint64_t>(scenario.source.size());
  const std::uint64_t horizon = static_cast<std::uint64_t>(std::max(scenario.horizon_days, 1));
  std::uint64_t touchpoints = 0;
  for (const auto& v : scenario.variants)
    touchpoints += v.touchpoints.size(); // ≥ the union the runner tabulates
  std::vector<const Model*> owners;
  for (int index : o.variants) {
    const Model& model = scenario.variants.at(static_cast<std::size_t>(index));
    const std::uint64_t k = model.stages.size();
    const std::uint64_t p = model.personas.size();
    // funnel (k + p·k), daily (2·h·k), touchpoints (3·t), 8 bytes each, plus
    // ~16 KiB of group/dataset/attribute headers.
    e.fixed = sat_add(e.fixed, 8 * (k + p * k + 2 * horizon * k + 3 * touchpoints) + 16 * 1024);
    if (!writer.per_agent)
      continue;
    e.per_agent += outcome_bytes_per_agent(model);
    bool shared = false;
    for (const Model* owner : owners)
      if (same_population(*owner, model)) {
        shared = true; // hard links to the owner's columns
        break;
      }
    if (!shared) {
      owners.push_back(&model);
      e.per_agent += population_bytes(model, o.seed);
    }
  }
  std::uint64_t data = sat_mul(o.agents, e.per_agent);
  // Chunk index (B-tree) entries and chunk rounding: well under 1 % of the data.
  data = sat_add(data, data / 100);
  e.total = sat_add(e.fixed, data);
  return e;
}

std::optional<std::uint64_t> free_bytes_for(const std::string& target)
{
  struct statvfs st {};
  if (::statvfs(directory_of(target).c_str(), &st) != 0)
    return std::nullopt;
  return sat_mul(static_cast<std::uint64_t>(st.f_bavail), static_cast<std::uint64_t>(st.f_frsize));
}

std::string human_bytes(std::uint64_t bytes)
{
  const char* unit[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  double b = static_cast<double>(bytes);
  int i = 0;
  while (b >= 1024 && i < 6) {
    b /= 1024;
    ++i;
  }
  char text[32];
  std::snprintf(text, sizeof text, i ? "%.1f %s" : "%.0f %s", b, unit[i]);
  return text;
}

void check_free_space(const std::string& target, const SizeEstimate& estimate)
{
  const auto free = free_bytes_for(target);
  if (!free || estimate.total <= *free)
    return;
  // A read-only or forbidden directory reports 0 B free: say what is wrong.
  if (::access(directory_of(target).c_str(), W_OK) != 0)
    throw OutputError("cannot create results file " + quote(target) + ": directory " +
                      quote(directory_of(target).string()) + " is not writable (" + std::strerror(errno) + ")");
  throw OutputError("not enough disk space for " + quote(target) + ": the results need up to " +
                    human_bytes(estimate.total) + ", only " + human_bytes(*free) +
                    " is free there (use --summary-only, fewer agents, another directory, or "
                    "--no-space-check)");
}

std::vector<std::string> remove_stale_partials(const std::string& target)
{
  std::vector<std::string> removed;
  const fs::path dir = directory_of(target);
  const std::string target_name = fs::path(target).filename().string();
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_partial_name(name, target_name))
      continue;
    // Holding the file's lock proves no writer is alive (and keeps a new
    // one from starting on it while we look).
    LiveLock lock;
    if (!lock.acquire(it->path().string()))
      continue; // a live writer's, or not ours to judge
    bool keep = false;
    try {
      const h5::File f = h5::open_file(it->path().string(), false);
      keep = h5::attribute_exists(f, "complete") && h5::read_attribute_int(f, "complete") == 1;
    } catch (const std::exception&) {
      keep = false; // unreadable: a run killed mid-write
    }
    std::error_code fec;
    if (!keep && fs::remove(it->path(), fec))
      removed.push_back(it->path().string());
  }
  return removed;
}

void check_no_live_writer(const std::string& target)
{
  const fs::path dir = directory_of(target);
  const std::string target_name = fs::path(target).filename().string();
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if ((name == target_name || is_partial_name(name, target_name)) && is_live(it->path().string()))
      throw InputError("another journeysim process is writing " + quote(target) + " now (" +
                       quote(it->path().string()) + " is locked); wait for it to finish, or choose another output");
  }
}

} // namespace journeysim
