// journeysim sweep: a parameter grid × replications into one HDF5 file.

#include "cli_util.h"
#include "commands.h"
#include "progress.h"

#include "journeysim/error.h"
#include "journeysim/experiment/sweep.h"
#include "journeysim/parallel/ranks.h"
#include "journeysim/results/output_safety.h"
#include "journeysim/results/sweep_writer.h"
#include "journeysim/scenario/loader.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iostream>

namespace po = boost::program_options;

namespace journeysim::cli {

namespace {

//! Agents per second of this machine on this scenario, from a short run.
double calibrate(const Scenario& scenario, int threads, const std::atomic<bool>* cancel)
{
  RunOptions o;
  o.agents = 20000;
  o.threads = threads;
  o.cancel = cancel;
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = run(scenario, o, nullptr);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(r.agents * r.variants.size()) / std::max(s, 1e-6);
}

//! Bytes a run-variant stores: aggregates, plus per-agent columns if asked.
double bytes_per_run(const Scenario& s, std::uint64_t agents, bool per_agent)
{
  const double k = static_cast<double>(s.baseline().stages.size());
  const double p = static_cast<double>(s.baseline().personas.size());
  const double t = static_cast<double>(s.baseline().touchpoints.size());
  double bytes = 8 * (2 * s.horizon_days * k + k + p * k + 3 * t) + 4096; // + HDF5 overhead
  if (per_agent)
    bytes += static_cast<double>(agents) * (8 + 2 + 1 + 1 + 2 + 2 * k + 2 + 8 + 8 + 2 + 2 + 4 + 4 * 6);
  return bytes;
}

//! What the ranks other than 0 give run_sweep: they never store a run.
class NoSweepSink final : public SweepSink {
public:
  bool has(const SweepRun&) const override { return false; }
  ChunkSink* chunks(const SweepRun&, const Scenario&, const RunOptions&) override { return nullptr; }
  void store(const SweepRun&, const Scenario&, const RunResult&) override {}
};

std::string human_bytes(double b)
{
  const char* unit[] = {"B", "KB", "MB", "GB", "TB"};
  int i = 0;
  while (b >= 1024 && i < 4) {
    b /= 1024;
    ++i;
  }
  return fixed(b, i ? 1 : 0) + " " + unit[i];
}

} // namespace

int sweep_command(const std::vector<std::string>& args, const StopRequest& stop, const parallel::Ranks* ranks)
{
  if (ranks && ranks->size() == 1)
    ranks = nullptr;
  po::options_description visible(
    "usage: journeysim sweep SCENARIO.yaml --set PATH=VALUES [--set …] -o sweep.h5 [options]\n\n"
    "Runs every point of a parameter grid × replications (all variants each time)\n"
    "into one HDF5 file (layout: docs/OUTPUT.md, \"Sweep files\").\n"
    "PATH uses a variant's `set` syntax (touchpoints.checkout.checkout.steps,\n"
    "stages.intent.dropout, personas.gen_z_mobile.share); VALUES is a list 1,2,3,\n"
    "a range 0:0.3:0.05 or a log range 1e-3:1e-1:log5. Several --set make the\n"
    "Cartesian grid. Without --set, the scenario's own `sweep:` section is used.\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("set", po::value<std::vector<std::string>>()->composing(), "PATH=VALUES (repeatable)")
    ("replications,r", po::value<int>(), "independent replications per grid point (default: the scenario's, else 1)")
    ("output,o", po::value<std::string>(), "sweep file (default: SCENARIO's file name with .sweep.h5)")
    ("agents,n", po::value<std::string>(), "agents per run (default: the scenario's population)")
    ("seed,s", po::value<std::string>(), "master seed (default: the scenario's seed)")
    ("random-stream", po::value<int>(), "1 to 4: how the draws are made (default: the scenario's random_stream, "
                                        "else 4); resumes a sweep made under another")
    ("threads,t", po::value<int>()->default_value(0), "worker threads (0: all cores)")
    ("per-agent", po::bool_switch(), "also store per-agent columns of every run (large)")
    ("compress", po::bool_switch(), "compress per-agent columns")
    ("resume", po::bool_switch(), "continue an interrupted sweep in the same file")
    ("force,f", po::bool_switch(), "replace an existing file (kept until the new one is complete)")
    ("no-space-check", po::bool_switch(), "write even if the sweep may not fit on the disk")
    ("dry-run", po::bool_switch(), "print the grid, the number of runs and estimates; run nothing")
    ("quiet,q", po::bool_switch(), "no progress bar and no summary");
  po::options_description all;
  all.add(visible).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const auto vm = parse_args(args, all, pos);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (!vm.count("scenario"))
    throw InputError("journeysim sweep: missing SCENARIO.yaml (see 'journeysim sweep --help')");
  const std::string path = vm["scenario"].as<std::string>();
  Scenario scenario = load_scenario(path);

  SweepOptions o;
  if (vm.count("set")) {
    for (const auto& spec : vm["set"].as<std::vector<std::string>>()) {
      o.parameters.push_back(parse_parameter(spec));
      for (std::size_t i = 0; i + 1 < o.parameters.size(); ++i)
        if (o.parameters[i].path == o.parameters.back().path)
          throw InputError("--set " + o.parameters.back().path +
                           ": given twice (give all its values in one --set, e.g. PATH=0.1,0.2,0.3)");
    }
  } else {
    for (const auto& [p, values] : scenario.sweep.set)
      o.parameters.push_back({p, parse_values(values)});
  }
  if (o.parameters.empty())
    throw InputError("journeysim sweep: nothing to sweep in " + path +
                     ": give --set PATH=VALUES (e.g. --set stages.intent.dropout=0.1,0.2) or a `sweep:` section");
  o.replications = vm.count("replications") ? vm["replications"].as<int>()
                   : scenario.sweep.replications > 0 ? scenario.sweep.replications
                                                     : 1;
  if (o.replications < 1 || o.replications > MAX_SWEEP_REPLICATIONS)
    throw InputError("--replications: expected 1 to " + std::to_string(MAX_SWEEP_REPLICATIONS));
  if (vm.count("agents"))
    o.agents = parse_count(vm["agents"].as<std::string>(), "agents");
  if (vm.count("seed")) {
    o.seed = parse_seed(vm["seed"].as<std::string>());
    o.seed_given = true;
  }
  if (vm.count("random-stream")) {
    o.random_stream = parse_random_stream(vm["random-stream"].as<int>());
    scenario.use_random_stream(*o.random_stream);
  }
  o.threads = vm["threads"].as<int>();
  if (o.threads < 0 || o.threads > 1024)
    throw InputError("--threads: expected 0 (all cores) to 1024");
  o.threads = cap_threads(o.threads);
  o.per_agent = vm["per-agent"].as<bool>();
  o.cancel = &stop.requested;
  o.ranks = ranks;
  if (ranks && o.per_agent)
    throw InputError("--per-agent: a sweep across MPI ranks stores aggregates only; start it without mpirun");

  const std::vector<SweepRun> runs = plan_sweep(scenario, o); // refuses > MAX_SWEEP_RUNS first
  const std::size_t points = runs.size() / static_cast<std::size_t>(o.replications);
  const std::uint64_t agents = o.agents ? o.agents : scenario.population;
  const std::size_t variants = scenario.variants.size();
  // Every grid point must be a valid scenario: check them all now (exit 2).
  for (std::size_t g = 0; g < points; ++g) {
    if (stop.requested.load())
      throw Cancelled();
    load_scenario_with(path, overrides_of(o, runs[g]));
  }

  const std::string output = vm.count("output")
                               ? vm["output"].as<std::string>()
                               : std::filesystem::path(path).stem().string() + ".sweep.h5";
  const bool quiet = vm["quiet"].as<bool>() || (ranks && !ranks->root());
  if (ranks && !ranks->root() && vm["dry-run"].as<bool>())
    return 0;

  if (vm["dry-run"].as<bool>()) {
    std::cout << "sweep of '" << printable(scenario.name) << "': " << points << " grid point(s) × " << o.replications
              << " replication(s) = " << runs.size() << " run(s), each " << thousands(static_cast<std::int64_t>(agents))
              << " agents × " << variants << " variant(s)\n";
    for (const auto& p : o.parameters) {
      std::cout << "  " << p.path << " (" << p.values.size() << "):";
      for (double v : p.values)
        std::cout << " " << num(v, 6);
      std::cout << "\n";
    }
    const double total_agents = static_cast<double>(runs.size() * variants) * static_cast<double>(agents);
    const double rate = calibrate(scenario, o.threads, o.cancel);
    std::cout << "  estimate: " << human_count(total_agents) << " agent journeys, about "
              << human_duration(total_agents / rate) << " at " << human_count(rate)
              << " agents/s (measured now), output about "
              << human_bytes(static_cast<double>(runs.size() * variants) * bytes_per_run(scenario, agents, o.per_agent))
              << " in " << output << "\n";
    return 0;
  }

  // Ranks other than 0 only simulate what rank 0 hands out.
  if (ranks && !ranks->root()) {
    NoSweepSink none;
    try {
      run_sweep(path, o, none);
    } catch (const Cancelled&) {
      return 128 + (stop.signal.load() ? stop.signal.load() : SIGINT);
    } catch (const std::exception& e) {
      abort_ranks(*ranks, e.what(), dynamic_cast<const InputError*>(&e) ? 2 : 1);
    }
    return 0;
  }
  // On rank 0, from here on the others wait for it: a failure ends them all.
  try {

  SweepFileOptions fo;
  fo.force = vm["force"].as<bool>();
  fo.resume = vm["resume"].as<bool>();
  fo.compress = vm["compress"].as<bool>();
  fo.room_per_run = static_cast<std::uint64_t>(static_cast<double>(variants) *
                                               bytes_per_run(scenario, agents, o.per_agent));
  // As for `run` (docs/SAFETY.md): leftovers of a killed `sweep --force`
  // go, and a sweep whose file cannot fit is refused before it starts.
  for (const auto& stale : remove_stale_partials(output))
    std::cerr << "journeysim: removed " << stale << ", left by a run that was killed\n";
  if (!vm["no-space-check"].as<bool>()) {
    SizeEstimate need;
    need.total = static_cast<std::uint64_t>(static_cast<double>(runs.size() * variants) *
                                            bytes_per_run(scenario, agents, o.per_agent));
    check_free_space(output, need);
  }
  SweepWriter writer(output, scenario, o, fo);
  if (writer.rebuilt()) // said even with --quiet: the file on disk was replaced
    std::cerr << "journeysim: " << output << " was torn by a kill inside a write; rebuilt from its "
              << writer.runs_found() << " intact runs\n";
  if (!quiet && writer.runs_found() > 0)
    std::cerr << "resuming: " << writer.runs_found() << " of " << runs.size() << " runs already in " << output << "\n";

  const std::uint64_t total = runs.size() * variants * agents;
  ProgressBar bar(total, "agents", !quiet);
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t skipped = writer.runs_found() * variants * agents;
  try {
    run_sweep(path, o, writer, [&](std::size_t done, std::uint64_t agents_done) {
      bar.update(skipped + agents_done, "run " + std::to_string(done) + "/" + std::to_string(runs.size()));
    });
  } catch (const Cancelled&) {
    bar.finish();
    const int sig = stop.signal.load() ? stop.signal.load() : SIGINT;
    std::cerr << "journeysim: interrupted (" << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << "); ";
    if (writer.path() == output)
      std::cerr << "the finished runs are kept in " << output << " (complete = 0); continue with the same command and --resume\n";
    else // --force: the previous file stays; the new one's temporary file is removed
      std::cerr << "'" << output << "' still holds the previous sweep, unchanged; the runs of this one were discarded\n";
    return 128 + sig;
  }
  bar.finish();
  writer.commit();
  if (!quiet) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "sweep of '" << printable(scenario.name) << "': " << runs.size() << " runs (" << points << " points × "
              << o.replications << " replications) × " << variants << " variant(s), " << fixed(s, 1) << " s\n"
              << "results: " << output << "   (pandas: pd.DataFrame(h5py.File(path)[\"runs/index\"][()]))\n";
  }
  return 0;

  } catch (const std::exception& e) {
    if (!ranks)
      throw;
    abort_ranks(*ranks, e.what(), dynamic_cast<const InputError*>(&e) ? 2 : 1);
  }
}

} // namespace journeysim::cli
