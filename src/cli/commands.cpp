#include "commands.h"

#include "cli_util.h"
#include "progress.h"
#include "run_stats.h"

#include "journeysim/engine/runner.h"
#include "journeysim/error.h"
#include "journeysim/experiment/attribution.h"
#include "journeysim/parallel/ranks.h"
#include "journeysim/results/output_safety.h"
#include "journeysim/results/results_writer.h"
#include "journeysim/results/text_output.h"
#include "journeysim/scenario/loader.h"
#include "journeysim/util/nearest_name.h"

#include <boost/program_options.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <memory>
#include <optional>
#include <unistd.h>
#include <sstream>

namespace po = boost::program_options;

namespace journeysim::cli {

namespace {

void print_summary(const Scenario& scenario, const RunResult& r, std::ostream& out)
{
  std::size_t w = 8;
  bool arrivals = false, money = false;
  for (int v : r.variants) {
    const Model& m = scenario.variants[static_cast<std::size_t>(v)];
    w = std::max(w, m.name.size());
    arrivals = arrivals || !m.arrivals.at_start;
    money = money || m.margin < 1.0 || m.needs_feedback();
  }
  const std::string cur = scenario.currency.empty() ? "" : " " + scenario.currency;
  char line[640];
  std::snprintf(line, sizeof line, "%-*s %11s %12s %11s %16s %14s %14s %11s %10s\n", static_cast<int>(w), "variant",
                "conversion", "conversions", arrivals ? "of arrived" : "purchases", ("revenue" + cur).c_str(),
                ("spend" + cur).c_str(), ("profit" + cur).c_str(), "cost/conv", "ROI");
  out << line;
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    const Summary s = r.totals[i].summary();
    std::snprintf(line, sizeof line, "%-*s %9s %% %12s %11s %16s %14s %14s %11s %10s\n", static_cast<int>(w),
                  scenario.variants[static_cast<std::size_t>(r.variants[i])].name.c_str(),
                  fixed(100.0 * s.conversion_rate, 2).c_str(), thousands(s.conversions).c_str(),
                  arrivals ? (fixed(100.0 * s.conversion_rate_arrived, 2) + " %").c_str()
                           : thousands(s.purchases).c_str(),
                  fixed(s.revenue, 0).c_str(), fixed(s.cost, 0).c_str(), fixed(s.profit, 0).c_str(),
                  fixed(s.cost_per_conversion, 2).c_str(),
                  (std::isfinite(s.roi) ? fixed(100.0 * s.roi, 1) + " %" : std::string(9, ' ') + "—").c_str()); // in %, as compare
    out << line;
  }
  const Summary base = r.totals[0].summary();
  out << "ROI = profit / spend; profit = " << (base.margin < 1.0 ? "margin " + fixed(base.margin, 2) + " × " : "")
      << "revenue at list price − discounts − spend"
      << (money || arrivals ? "" : " (no margin given: revenue counts as profit)") << "\n";
  for (std::size_t i = 0; i < r.variants.size(); ++i) {
    const FeedbackReport& f = r.feedback[i];
    if (f.passes == 0)
      continue;
    out << scenario.variants[static_cast<std::size_t>(r.variants[i])].name << ": population feedback "
        << (f.converged ? "solved" : "NOT converged") << " in " << f.passes << " passes (residual "
        << fixed(f.residual, 0) << " agents"
        << (std::isfinite(f.spend_error) ? "; budgets' pacing within " + fixed(100.0 * f.spend_error, 1) + " %" : "")
        << ")\n";
    // A day on which a budget can reach nobody spends nothing: say where
    // money stays unspent, or a reallocation looks cheaper than it is. The
    // audience may be empty (the cart before anyone has one) or unreachable
    // (reach, a paused calendar, a channel affinity of 0): what was spent
    // against the plan tells both.
    const Model& model = scenario.variants[static_cast<std::size_t>(r.variants[i])];
    const VariantTotals& totals = r.totals[i];
    const auto H = static_cast<std::size_t>(scenario.horizon_days);
    std::size_t k = 0;
    for (const Touchpoint& t : model.touchpoints) {
      if (!t.budget)
        continue;
      const int idle = f.curves.eligible.empty() ? 0 : days_without_audience(f.curves, k++, model.personas.size(), H);
      const double planned = t.budget->total * totals.budget_share;
      const auto row = std::find_if(r.touchpoints.begin(), r.touchpoints.end(),
                                    [&](const TouchpointInfo& x) { return x.name == t.name; }) - r.touchpoints.begin();
      const double spent = static_cast<std::size_t>(row) < totals.touch_cost.size()
                             ? totals.touch_cost[static_cast<std::size_t>(row)] : planned;
      const double unspent = planned > 0 ? 1.0 - spent / planned : 0.0;
      // Sampling noise moves the spend either way: exposures are counts, so
      // its sd is about √(planned × price); 5 % unspent and 3 sd is no noise
      // (a budget of 15 at 500 customers is 5 % short by chance).
      const std::int64_t exposures =
        static_cast<std::size_t>(row) < totals.tally.exposures.size() ? totals.tally.exposures[static_cast<std::size_t>(row)] : 0;
      const double noise = exposures > 0 ? 3.0 * std::sqrt(planned * spent / static_cast<double>(exposures)) : 0.0;
      const bool short_of_plan = unspent > 0.05 && planned - spent > noise;
      if (planned > 0 && (short_of_plan || (idle > 0 && unspent > 0))) {
        const auto amount = [](double x) { return thousands(static_cast<std::int64_t>(std::llround(x))); };
        out << "  " << t.name << " spent " << amount(spent) << " of its " << amount(planned) << " budget ("
            << fixed(100.0 * unspent, 0) << " % unspent): "
            << (idle > 0 ? "it reached nobody on " + std::to_string(idle) + " of " + std::to_string(H) + " days"
                         : std::string(spent > 0 ? "on some days" : "on every day") +
                             " it could reach none of the customers it targets (reach 0, a paused calendar or a "
                             "channel affinity of 0)")
            << "\n";
      }
    }
  }
  // A touchpoint with a reach that exposed nobody although many customers
  // stood in its stages is a map mistake (a trigger that fires after they
  // have left them, a targeting rule no customer meets): a what-if on it
  // would test nothing. A rare stage, or a budget set to 0 (a paused
  // channel), is not one; nor is a touchpoint that acted in another variant.
  constexpr std::int64_t MANY = 100; // customers in its stages: zero exposures is then no accident
  for (std::size_t row = 0; row < r.touchpoints.size(); ++row) {
    std::string where;
    bool triggered = false, acted = false;
    for (std::size_t i = 0; i < r.variants.size(); ++i) {
      const Model& model = scenario.variants[static_cast<std::size_t>(r.variants[i])];
      const auto t = std::find_if(model.touchpoints.begin(), model.touchpoints.end(),
                                  [&](const Touchpoint& x) { return x.name == r.touchpoints[row].name; });
      if (t == model.touchpoints.end())
        continue;
      const VariantTotals& totals = r.totals[i];
      acted = acted || totals.tally.exposures[row] > 0;
      std::int64_t stood = 0; // customers who reached one of its stages
      for (int k : t->stages)
        stood = std::max(stood, totals.reached[static_cast<std::size_t>(k)]);
      const bool paused = t->budget && !(t->budget->total > 0);
      if (t->reach > 0 && !paused && stood >= MANY && totals.tally.exposures[row] == 0) {
        where += (where.empty() ? "" : ", ") + model.name;
        triggered = triggered || t->trigger != Trigger::Daily;
      }
    }
    if (!where.empty() && !acted)
      out << "note: " << r.touchpoints[row].name << " reached no customer in " << where
          << " although many stood in its stages: check its stages"
          << (triggered ? " against its trigger (are customers in them when it fires?)" : "")
          << " and its targeting\n";
  }
}

//! Memory the chunks in flight may hold (docs/SAFETY.md).
constexpr std::uint64_t CHUNK_MEMORY_BUDGET = 1ull << 30;

//! Bounds the memory of a run by design: at most 2·threads + 1 chunks are in
//! flight, each chunk_agents × the bytes of one agent in every selected
//! variant (the stored columns, ×2 for working buffers). A default --chunk
//! shrinks (to a multiple of 1024, which changes no result) until that fits
//! the budget; a run that does not fit even with 1024-agent chunks, or with
//! the --chunk given, is refused with the estimate.
void bound_chunk_memory(const Scenario& scenario, RunOptions& o, bool chunk_given)
{
  WriterOptions all_columns;
  const std::uint64_t per_agent = 2 * estimate_results_size(scenario, o, all_columns).per_agent;
  const std::uint64_t chunks = 2 * static_cast<std::uint64_t>(o.threads) + 1;
  const auto in_flight = [&](std::uint64_t chunk) {
    const std::uint64_t agents = std::min(chunks * chunk, (o.agents + chunk - 1) / chunk * chunk);
    return agents * per_agent;
  };
  if (!chunk_given)
    while (o.chunk_agents > BLOCK_AGENTS && in_flight(o.chunk_agents) > CHUNK_MEMORY_BUDGET)
      o.chunk_agents = std::max<std::size_t>(BLOCK_AGENTS, o.chunk_agents / 2 / BLOCK_AGENTS * BLOCK_AGENTS);
  if (in_flight(o.chunk_agents) > CHUNK_MEMORY_BUDGET)
    throw InputError("this run would hold about " + human_bytes(in_flight(o.chunk_agents)) + " in memory (" +
                     std::to_string(chunks) + " chunks of " + std::to_string(o.chunk_agents) + " agents × " +
                     std::to_string(o.variants.size()) + " variant(s) in flight), more than " +
                     human_bytes(CHUNK_MEMORY_BUDGET) + ": use fewer --threads" +
                     (o.chunk_agents > BLOCK_AGENTS ? ", a smaller --chunk" : "") + " or fewer --variant");
}

//! Per touchpoint: incremental conversions, revenue and profit with their
//! 95 % CI, cost per incremental conversion and incremental ROI (on profit).
void print_attribution(const Attribution& a, std::ostream& out)
{
  std::size_t w = 10;
  std::vector<std::string> groups;
  for (const auto& r : a.rows) {
    w = std::max(w, r.group.size());
    if (groups.empty() || groups.back() != r.group)
      groups.push_back(r.group);
  }
  const auto get = [&](const std::string& group, const char* metric) -> const analysis::Estimate* {
    for (const auto& r : a.rows)
      if (r.group == group && r.metric == metric)
        return &r.estimate;
    return nullptr;
  };
  const auto value = [&](const std::string& g, const char* metric, int digits, double scale = 1) {
    const analysis::Estimate* e = get(g, metric);
    return e && std::isfinite(e->difference) ? fixed(scale * e->difference, digits) : std::string("—");
  };
  const auto range = [&](const std::string& g, const char* metric) {
    const analysis::Estimate* e = get(g, metric);
    if (!e)
      return std::string("—");
    return std::isfinite(e->ci_low) ? fixed(e->difference, 0) + " [" + fixed(e->ci_low, 0) + ", " + fixed(e->ci_high, 0) + "]"
                                    : fixed(e->difference, 0); // profit without a money model: no CI
  };
  char line[640];
  const char* format = "%-*s %22s %26s %9s %26s %10s %8s  %7s %7s %7s %7s\n";
  std::snprintf(line, sizeof line, format, static_cast<int>(w), "touchpoint", "incr. conversions", "incr. revenue",
                "cost", "incr. profit", "cost/conv", "ROI %", "last", "first", "linear", "markov");
  out << "\nwhat each touchpoint is worth: baseline minus the same customers without it (95 % CI), its cost,\n"
         "and the conversions the usual attribution rules credit to it on the same journeys:\n"
      << line;
  for (const auto& g : groups) {
    std::snprintf(line, sizeof line, format, static_cast<int>(w), g.c_str(), range(g, "conversions").c_str(),
                  range(g, "revenue").c_str(), value(g, "marketing_cost", 0).c_str(), range(g, "profit").c_str(),
                  value(g, "cost_per_incremental_conversion", 2).c_str(), value(g, "incremental_roi", 0, 100).c_str(),
                  value(g, "last_touch", 0).c_str(), value(g, "first_touch", 0).c_str(), value(g, "linear", 0).c_str(),
                  value(g, "markov", 0).c_str());
    out << line;
  }
}

std::vector<std::string> variant_names(const Scenario& s)
{
  std::vector<std::string> names;
  for (const auto& v : s.variants)
    names.push_back(v.name);
  return names;
}

} // namespace

int run_command(const std::vector<std::string>& args, const StopRequest& stop, const parallel::Ranks* ranks)
{
  if (ranks && ranks->size() == 1)
    ranks = nullptr;
  const auto started = std::chrono::steady_clock::now();
  po::options_description visible(
    "usage: journeysim run SCENARIO.yaml [options]\n\n"
    "Simulates every variant of the scenario on the same synthetic customers and\n"
    "writes an HDF5 results file (layout: docs/OUTPUT.md).\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("output,o", po::value<std::string>(), "results file (default: SCENARIO's file name with .h5, in the current directory)")
    ("agents,n", po::value<std::string>(), "agents to simulate, e.g. 1000000 or 1e6 (default: the scenario's population; a sample of it "
                                          "spends its share of the budgets)")
    ("seed,s", po::value<std::string>(), "master seed (default: the scenario's seed)")
    ("random-stream", po::value<int>(), "1 to 4: how the draws are made (default: the scenario's random_stream, "
                                        "else 4); 1, 2 and 3 reproduce results files made before streams 2, 3 and 4")
    ("threads,t", po::value<int>()->default_value(0), "worker threads (0: all cores)")
    ("variant,v", po::value<std::vector<std::string>>()->composing(), "run only this variant (repeatable); the baseline always runs")
    ("set", po::value<std::vector<std::string>>()->composing(), "PATH=VALUE: change one parameter of the baseline (and so of every variant), as a variant's `set` would (repeatable)")
    ("compress", po::bool_switch(), "compress per-agent columns (deflate + shuffle)")
    ("summary-only", po::bool_switch(), "write aggregates only, no per-agent columns")
    ("force,f", po::bool_switch(), "replace an existing results file (kept until the new one is complete)")
    ("no-space-check", po::bool_switch(), "write even if the results may not fit on the disk")
    ("quiet,q", po::bool_switch(), "no progress bar and no summary table")
    ("stats", po::bool_switch(), "print time spent generating, simulating and writing, agents/s and peak memory")
    ("attribution", po::bool_switch(), "also run the baseline without each touchpoint on the same customers: "
                                       "incremental conversions, revenue and cost per touchpoint, beside what "
                                       "last/first touch, linear and Markov attribution credit (/attribution)")
    ("paths", po::value<std::string>(), "write the baseline's touch paths to this file in the ChannelAttribution "
                                        "format (path;total_conversions;total_conversion_value;total_null)")
    ("chunk", po::value<std::size_t>()->default_value(1u << 15), "agents per streamed chunk");
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
    throw InputError("journeysim run: missing SCENARIO.yaml (see 'journeysim run --help')");

  const std::string scenario_path = vm["scenario"].as<std::string>();
  std::vector<Override> overrides;
  if (vm.count("set"))
    for (const auto& spec : vm["set"].as<std::vector<std::string>>()) {
      const auto eq = spec.find('=');
      if (eq == std::string::npos || eq == 0)
        throw InputError("--set '" + clip(spec) + "': expected PATH=VALUE, e.g. stages.intent.dropout=0.1");
      overrides.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
    }
  Scenario scenario = load_scenario_with(scenario_path, overrides);
  if (vm.count("random-stream")) // an option, not --set: the stored scenario text stays the one that made the file
    scenario.use_random_stream(parse_random_stream(vm["random-stream"].as<int>()));

  RunOptions options;
  if (vm.count("agents"))
    options.agents = parse_count(vm["agents"].as<std::string>(), "agents");
  if (vm.count("seed")) {
    options.seed = parse_seed(vm["seed"].as<std::string>());
    options.seed_given = true;
  }
  options.threads = vm["threads"].as<int>();
  if (options.threads < 0 || options.threads > 1024)
    throw InputError("--threads: expected 0 (all cores) to 1024");
  options.threads = cap_threads(options.threads);
  options.chunk_agents = vm["chunk"].as<std::size_t>();
  // At most 2·threads + 1 chunks are in flight, each ~100-300 bytes per agent
  // and variant, and a chunk's buffers cannot be abandoned half-allocated: the
  // cap keeps memory in the hundreds of MB and Ctrl-C well under a second.
  if (options.chunk_agents == 0 || options.chunk_agents > (1u << 20))
    throw InputError("--chunk: expected 1 to 1048576 agents");
  if (vm.count("variant")) {
    options.variants.push_back(0);
    for (const auto& name : vm["variant"].as<std::vector<std::string>>()) {
      const int v = scenario.variant_index(name);
      if (v < 0)
        throw InputError("--variant: no variant '" + clip(name) + "' in " + scenario_path +
                         did_you_mean(name, variant_names(scenario)));
      if (std::find(options.variants.begin(), options.variants.end(), v) == options.variants.end())
        options.variants.push_back(v);
    }
  }
  options.cancel = &stop.requested;
  options.ranks = ranks;
  options = resolve_options(scenario, options);
  bound_chunk_memory(scenario, options, !vm["chunk"].defaulted());
  if (ranks && (vm["attribution"].as<bool>() || vm.count("paths")))
    throw InputError("--attribution and --paths run in one process: start them without mpirun");

  const std::string output = vm.count("output")
                               ? vm["output"].as<std::string>()
                               : std::filesystem::path(scenario_path).stem().string() + ".h5";
  WriterOptions wo;
  wo.force = vm["force"].as<bool>();
  wo.compress = vm["compress"].as<bool>();
  wo.per_agent = !vm["summary-only"].as<bool>();
  const bool quiet = vm["quiet"].as<bool>() || (ranks && !ranks->root());
  // From here on, with several ranks each may wait for the others: a failure
  // on one ends them all rather than leaving them waiting.
  try {

  // Safety before writing (docs/SAFETY.md): leftovers of killed runs go; a
  // run whose results cannot fit is refused up front. (Rank 0 alone: it
  // creates and publishes the file.)
  if (!ranks || ranks->root()) {
    for (const auto& stale : remove_stale_partials(output))
      std::cerr << "journeysim: removed " << stale << ", left by a run that was killed\n";
    if (!vm["no-space-check"].as<bool>())
      check_free_space(output, estimate_results_size(scenario, options, wo));
  }
  const bool had_previous = std::filesystem::exists(output);
  std::optional<OutputTarget> paths_output;
  if (vm.count("paths")) { // before the run, not after it
    const std::string paths = vm["paths"].as<std::string>();
    std::error_code ec1, ec2;
    if (std::filesystem::weakly_canonical(paths, ec1) == std::filesystem::weakly_canonical(output, ec2))
      throw InputError("--paths: '" + paths + "' is the results file (-o); give the path file a name of its own");
    paths_output = OutputTarget{"--paths", OutputKind::TouchPaths, wo.force, {{scenario_path, "the scenario"}}};
    check_can_create(paths, "--paths");
    check_output_target(paths, *paths_output);
  }

  auto writer = std::make_unique<ResultsWriter>(output, scenario, options, wo);
  ProgressBar bar(options.agents, "agents", !quiet);
  options.progress = [&](std::uint64_t done) { bar.update(done); };
  options.feedback_progress = [&](int pass, double residual) {
    if (!quiet)
      std::cerr << "population feedback: pass " << pass << ", largest change "
                << (std::isinf(residual) ? std::string("—") : fixed(residual, 0) + " agents") << "\n";
  };
  RunResult result;
  Attribution attribution;
  RuleAttribution rules;
  const bool with_attribution = vm["attribution"].as<bool>();
  try {
    RunOptions main_run = options;
    main_run.attribute_columns = wo.per_agent; // --summary-only: no attribute column is written
    result = run(scenario, main_run, writer.get());
    if (with_attribution || vm.count("paths"))
      rules = path_attribution(scenario, options, result.feedback.empty() ? nullptr : &result.feedback[0]);
    if (with_attribution) {
      bar.finish();
      RunOptions removal = options;
      const std::size_t runs = scenario.baseline().touchpoints.size() + 1;
      ProgressBar removal_bar(options.agents, "agents × " + std::to_string(runs) + " removal runs", !quiet);
      removal.progress = [&](std::uint64_t done) { removal_bar.update(done); };
      attribution = with_rule_credits(removal_attribution(scenario, removal), rules);
      removal_bar.finish();
      writer->set_attribution(attribution.rows);
    }
  } catch (const Cancelled&) {
    bar.finish();
    const std::string partial = writer->temporary_path();
    writer.reset(); // closes and removes the partial file
    const int sig = stop.signal.load() ? stop.signal.load() : SIGINT;
    if (ranks)
      abort_ranks(*ranks,
                  std::string("interrupted (") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                    "); no results file was written",
                  128 + sig);
    std::cerr << "journeysim: interrupted (" << (sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal")
              << "); "
              << (had_previous ? "'" + output + "' still holds the previous results, unchanged"
                               : "no results file was written")
              << (std::filesystem::exists(partial)
                    ? "; the incomplete '" + partial + "' (complete = 0) could not be removed"
                    : "; the partial file was removed")
              << "\n";
    return 128 + sig;
  } catch (...) {
    bar.finish();
    throw;
  }
  bar.finish();
  writer->commit(result);
  if (paths_output) {
    std::ostringstream paths;
    write_channel_attribution_paths(paths, rules);
    write_text_output(vm["paths"].as<std::string>(), paths.str(), *paths_output);
  }
  if (ranks && !ranks->root())
    return 0;

  if (!quiet) {
    std::cout << "scenario '" << printable(scenario.name) << "': " << thousands(static_cast<std::int64_t>(result.agents))
              << " agents × " << result.variants.size() << " variant(s), seed " << result.seed << ", "
              << fixed(result.seconds_simulating, 1) << " s on " << result.threads << " thread(s)\n";
    print_summary(scenario, result, std::cout);
    if (with_attribution)
      print_attribution(attribution, std::cout);
    std::cout << "results: " << output << "\n";
  }
  if (vm["stats"].as<bool>())
    print_run_stats(result, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                    wo.compress && wo.per_agent, std::cout);
  return 0;

  } catch (const std::exception& e) {
    if (!ranks)
      throw;
    abort_ranks(*ranks, std::string(e.what()) + "; no results file was written",
                dynamic_cast<const InputError*>(&e) ? 2 : 1);
  }
}

int validate_command(const std::vector<std::string>& args)
{
  po::options_description visible(
    "usage: journeysim validate SCENARIO.yaml\n\n"
    "Checks a scenario file and prints its outline; exit code 2 on any mistake.\n\noptions");
  visible.add_options()("help,h", "show this help");
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
    throw InputError("journeysim validate: missing SCENARIO.yaml (see 'journeysim validate --help')");
  const Scenario s = load_scenario(vm["scenario"].as<std::string>());
  const Model& m = s.baseline();

  std::ostringstream out;
  out << printable(s.path) << ": OK — scenario '" << printable(s.name) << "'\n";
  out << "  horizon " << s.horizon_days << " days, population " << thousands(static_cast<std::int64_t>(s.population))
      << ", seed " << s.seed << ", mood_effect " << m.mood_effect << "\n";
  out << "  stages (" << m.stages.size() << "):";
  for (std::size_t k = 0; k < m.stages.size(); ++k)
    out << (k ? " → " : " ") << m.stages[k].name << (m.stages[k].purchase ? "*" : "");
  out << "   (* = purchase)\n";
  double total = 0;
  for (const auto& p : m.personas)
    total += p.share;
  out << "  personas (" << m.personas.size() << "):";
  for (const auto& p : m.personas)
    out << " " << p.name << " " << fixed(100.0 * p.share / total, 1) << " %" << (&p != &m.personas.back() ? "," : "");
  out << "\n  touchpoints (" << m.touchpoints.size() << ") by stage:\n";
  for (std::size_t k = 0; k < m.stages.size(); ++k) {
    out << "    " << m.stages[k].name << ":";
    bool any = false;
    for (const auto& t : m.touchpoints)
      if (std::find(t.stages.begin(), t.stages.end(), static_cast<int>(k)) != t.stages.end()) {
        out << (any ? ", " : " ") << t.name << " (" << t.channel
            << (t.kind != TouchKind::Neutral ? std::string(", ") + to_string(t.kind) : std::string()) << ")";
        any = true;
      }
    out << (any ? "" : " —") << "\n";
  }
  out << "  variants (" << s.variants.size() << "): " << s.variants[0].name << " (baseline)";
  for (std::size_t v = 1; v < s.variants.size(); ++v)
    out << ", " << s.variants[v].name;
  out << "\n";
  for (std::size_t v = 1; v < s.variants.size(); ++v)
    if (!s.variants[v].description.empty())
      out << "    " << s.variants[v].name << ": " << printable(s.variants[v].description) << "\n";
  std::cout << out.str();
  return 0;
}

} // namespace journeysim::cli
