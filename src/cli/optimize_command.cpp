// journeysim optimize: the best setting of chosen levers for an objective
// under constraints (experiment/optimize.h), shown with the runner-up
// settings that are not significantly worse.

#include "cli_util.h"
#include "json.h"
#include "commands.h"
#include "decision_options.h"
#include "progress.h"

#include "journeysim/error.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/experiment/optimize.h"
#include "journeysim/results/optimization_file.h"
#include "journeysim/scenario/loader.h"
#include "journeysim/util/nearest_name.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <numeric>

namespace po = boost::program_options;

namespace journeysim::cli {

namespace {

double mean(const std::vector<double>& v)
{
  return v.empty() ? std::nan("") : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

} // namespace

int optimize_command(const std::vector<std::string>& args, const StopRequest& stop)
{
  po::options_description visible(
    "usage: journeysim optimize SCENARIO.yaml --lever PATH=LOW:HIGH|VALUES [--lever …]\n"
    "                           (--maximize METRIC | --minimize METRIC) [--subject-to METRIC>=VALUE …]\n\n"
    "Finds the best setting of the levers (paths as in a variant's `set`) for the\n"
    "objective, on common random numbers, and shows it with every setting whose\n"
    "paired difference from it is not significant (95 %): a set of good choices.\n"
    "Ranges LOW:HIGH are searched with NLopt (COBYLA); lists and FROM:TO:STEP by\n"
    "successive halving over replications.\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("lever,l", po::value<std::vector<std::string>>()->composing(), "PATH=LOW:HIGH, PATH=FROM:TO:STEP or PATH=a,b,c (repeatable)")
    ("maximize", po::value<std::string>(), "metric to make largest (conversion_rate, revenue, roi, … profit once modelled)")
    ("minimize", po::value<std::string>(), "metric to make smallest (cost, cost_per_conversion, … spend once modelled)")
    ("subject-to", po::value<std::vector<std::string>>()->composing(), "METRIC>=VALUE or METRIC<=VALUE on the mean; a rate or roi may end in % (repeatable)")
    ("change-cost", po::value<std::vector<std::string>>()->composing(),
     "PATH=AMOUNT[@TODAY]: one-off cost per unit a lever moves from today's value (repeatable)")
    ("customers", po::value<double>(), "customers of the period: a total (conversions, revenue, cost, profit, …) is "
                                       "scaled from the simulated agents to them; rates and ratios stay as they are")
    ("replications,r", po::value<int>()->default_value(8), "replications per setting (at most, for successive halving)")
    ("agents,n", po::value<std::string>(), "agents per run (default: the scenario's population)")
    ("seed,s", po::value<std::string>(), "master seed (default: the scenario's)")
    ("random-stream", po::value<int>(), "1 to 4: how the draws are made (default: the scenario's random_stream, else 4)")
    ("threads,t", po::value<int>()->default_value(0), "worker threads (0: all cores)")
    ("variant,v", po::value<std::string>(), "the variant whose metrics count (default: the baseline)")
    ("max-evaluations", po::value<int>()->default_value(60), "ranges: settings NLopt may try")
    ("tolerance", po::value<double>()->default_value(1e-3, "0.001"), "ranges: stop within this fraction of each range")
    ("output,o", po::value<std::string>(), "also write every evaluation to this HDF5 file (/optimization)")
    ("force,f", po::bool_switch(), "replace an existing output file")
    ("format", po::value<std::string>()->default_value("table"), "table or json")
    ("quiet,q", po::bool_switch(), "no progress line");
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
    throw InputError("journeysim optimize: missing SCENARIO.yaml (see 'journeysim optimize --help')");
  const std::string path = vm["scenario"].as<std::string>();
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "json")
    throw InputError("--format: expected table or json, got '" + format + "'");
  Scenario scenario = load_scenario(path);

  OptimizeOptions o;
  if (!vm.count("lever"))
    throw InputError("journeysim optimize: give at least one --lever PATH=LOW:HIGH or PATH=VALUES");
  for (const auto& spec : vm["lever"].as<std::vector<std::string>>())
    o.levers.push_back(parse_lever(spec));
  if (vm.count("maximize") == vm.count("minimize"))
    throw InputError("journeysim optimize: give one of --maximize METRIC or --minimize METRIC");
  o.objective.maximize = vm.count("maximize") > 0;
  o.objective.metric = vm[o.objective.maximize ? "maximize" : "minimize"].as<std::string>();
  std::vector<std::string> metric_names;
  for (const auto& [n, v] : summary_metrics(Summary{}))
    metric_names.push_back(n);
  const auto check_metric = [&](const std::string& m, const std::string& option) {
    if (std::find(metric_names.begin(), metric_names.end(), m) == metric_names.end())
      throw InputError(option + ": no metric '" + m + "'" + did_you_mean(m, metric_names));
  };
  check_metric(o.objective.metric, o.objective.maximize ? "--maximize" : "--minimize");
  if (vm.count("subject-to"))
    for (const auto& spec : vm["subject-to"].as<std::vector<std::string>>()) {
      o.constraints.push_back(parse_target(spec, "--subject-to"));
      check_metric(o.constraints.back().metric, "--subject-to");
    }
  std::vector<std::string> lever_paths;
  for (const Lever& l : o.levers)
    lever_paths.push_back(l.path);
  o.objective.changes = change_costs_from(vm, o.objective.metric, scenario.source, lever_paths);
  o.replications = vm["replications"].as<int>();
  if (vm.count("agents"))
    o.agents = parse_count(vm["agents"].as<std::string>(), "agents");
  const std::uint64_t agents = o.agents ? o.agents : scenario.population;
  o.objective.scale = customers_scale(vm, agents);
  o.objective.customers_given = vm.count("customers") > 0;
  if (vm.count("seed")) {
    o.seed = parse_seed(vm["seed"].as<std::string>());
    o.seed_given = true;
  }
  if (vm.count("random-stream")) {
    o.random_stream = parse_random_stream(vm["random-stream"].as<int>());
    scenario.use_random_stream(*o.random_stream); // what the file records
  }
  o.threads = vm["threads"].as<int>();
  if (vm.count("variant")) {
    const std::string v = vm["variant"].as<std::string>();
    o.variant = scenario.variant_index(v);
    if (o.variant < 0) {
      std::vector<std::string> names;
      for (const auto& m : scenario.variants)
        names.push_back(m.name);
      throw InputError("--variant: no variant '" + v + "'" + did_you_mean(v, names));
    }
  }
  o.max_evaluations = vm["max-evaluations"].as<int>();
  if (o.max_evaluations < 2 || o.max_evaluations > 100000)
    throw InputError("--max-evaluations: expected 2 to 100000");
  o.tolerance = vm["tolerance"].as<double>();
  if (!(o.tolerance > 0 && o.tolerance < 1))
    throw InputError("--tolerance: expected a fraction of the range, between 0 and 1");
  o.cancel = &stop.requested;
  const std::string output = vm.count("output") ? vm["output"].as<std::string>() : "";
  if (vm.count("output") && output.empty()) // as every command's -o '': not "no file" after an hour's search
    throw InputError("--output: no file name given");
  if (!output.empty())
    check_can_create(output, "--output");
  const OutputTarget file{"--output", OutputKind::Optimization, vm["force"].as<bool>(), {{path, "the scenario"}}};
  if (!output.empty())
    check_output_target(output, file);

  // At most: every setting of a grid (or NLopt's budget) × the replications.
  std::uint64_t most = 1;
  for (const Lever& l : o.levers)
    most *= l.continuous() ? 1 : l.values.size();
  if (o.levers.front().continuous())
    most = static_cast<std::uint64_t>(o.max_evaluations);
  ProgressBar bar(most * static_cast<std::uint64_t>(o.replications), "runs", !vm["quiet"].as<bool>());
  OptimizeResult r;
  try {
    r = optimize(path, o, [&](std::size_t evaluations, std::size_t runs) {
      bar.update(runs, std::to_string(evaluations) + " evaluations");
    });
  } catch (const Cancelled&) {
    bar.finish();
    const int sig = stop.signal.load() ? stop.signal.load() : SIGINT;
    std::cerr << "journeysim: interrupted; nothing was written\n";
    return 128 + sig;
  }
  bar.finish();
  if (!output.empty())
    write_optimization_file(output, scenario, o, r, file);
  if (r.unsettled_runs) // as compare: a decision on an unsettled fixed point is not what the shop would see
    std::cerr << "caution: the population feedback did not converge in " << r.unsettled_runs
              << " of the runs (budgets' pacing and referrals are not settled, so neither are their figures "
                 "below): give the scenario a larger feedback.max_passes or tolerance\n";

  // Best first, then the settings not significantly worse, then the rest.
  std::vector<std::size_t> order(r.evaluations.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Evaluation &x = r.evaluations[a], &y = r.evaluations[b];
    if ((a == r.best) != (b == r.best))
      return a == r.best;
    if (x.equivalent != y.equivalent)
      return x.equivalent;
    if (x.feasible != y.feasible)
      return x.feasible;
    return o.objective.maximize ? x.mean > y.mean : x.mean < y.mean;
  });
  const Evaluation& best = r.evaluations[r.best];
  std::size_t equivalent = 0, ahead = 0, unseparated = 0;
  for (const auto& e : r.evaluations) {
    equivalent += e.equivalent && &e != &best;
    // Not ≈ (dropped by successive halving on too few replications to say
    // so) yet not shown to be worse either: its interval includes 0.
    unseparated += e.feasible && &e != &best && !e.equivalent && e.diff_low <= 0 && e.diff_high >= 0;
    // best − this whose whole interval says this one did better (a setting
    // successive halving dropped on a bad first round, then compared on it).
    ahead += e.feasible && (o.objective.maximize ? e.diff_high < 0 : e.diff_low > 0);
  }

  std::ostream& out = std::cout;
  if (format == "json") {
    out << "{\n  \"scenario\": " << json_string(scenario.name) << ",\n  \"method\": " << json_string(r.method)
        << ",\n  \"objective\": " << json_string(o.objective.metric)
        << ",\n  \"objective_label\": " << json_string(o.objective.label(agents))
        << ",\n  \"maximize\": " << (o.objective.maximize ? "true" : "false")
        << ",\n  \"customers_per_run\": " << agents << ",\n  \"scale\": " << json_number(o.objective.scale)
        << ",\n  \"change_costs\": [";
    for (std::size_t c = 0; c < o.objective.changes.size(); ++c) {
      const ChangeCost& cc = o.objective.changes[c];
      out << (c ? ", " : "") << "{\"path\": " << json_string(cc.path) << ", \"per_unit\": " << json_number(cc.per_unit)
          << ", \"today\": " << json_number(cc.today) << "}";
    }
    out << "],\n  \"constraints\": [";
    for (std::size_t c = 0; c < o.constraints.size(); ++c)
      out << (c ? ", " : "") << "{\"metric\": " << json_string(o.constraints[c].metric)
          << ", \"at_least\": " << (o.constraints[c].at_least ? "true" : "false")
          << ", \"value\": " << json_number(o.constraints[c].value) << "}";
    out << "]"
        << ",\n  \"feasible\": " << (r.any_feasible ? "true" : "false") << ",\n  \"levers\": [";
    for (std::size_t l = 0; l < o.levers.size(); ++l)
      out << (l ? ", " : "") << json_string(o.levers[l].path);
    out << "],\n  \"best\": " << r.best << ",\n  \"evaluations\": [";
    for (std::size_t i = 0; i < r.evaluations.size(); ++i) {
      const Evaluation& e = r.evaluations[i];
      out << (i ? ",\n" : "\n") << "    {\"x\": [";
      for (std::size_t l = 0; l < e.x.size(); ++l)
        out << (l ? ", " : "") << json_number(e.x[l]);
      out << "], \"replications\": " << e.objective.size() << ", \"objective\": " << json_number(e.mean)
          << ", \"diff_from_best\": " << json_number(e.diff) << ", \"diff_ci\": [" << json_number(e.diff_low) << ", "
          << json_number(e.diff_high) << "], \"feasible\": " << (e.feasible ? "true" : "false")
          << ", \"equivalent\": " << (e.equivalent ? "true" : "false");
      if (!o.constraints.empty()) { // each constraint's mean, as the table and the file show it
        out << ", \"constraint_means\": {";
        for (std::size_t c = 0; c < e.constraint.size(); ++c)
          out << (c ? ", " : "") << json_string(o.constraints[c].metric) << ": " << json_number(mean(e.constraint[c]));
        out << "}";
      }
      out << "}";
    }
    out << "\n  ]\n}\n";
    return 0;
  }

  out << "optimize '" << scenario.name << "': " << (o.objective.maximize ? "maximize " : "minimize ")
      << o.objective.label(agents);
  for (std::size_t c = 0; c < o.constraints.size(); ++c)
    out << (c ? ", " : " subject to ") << o.constraints[c].metric << (o.constraints[c].at_least ? " ≥ " : " ≤ ")
        << num(o.constraints[c].value);
  out << "\n" << r.method << "; " << thousands(static_cast<std::int64_t>(agents)) << " customers per run\n\n";
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> head{""};
  for (const Lever& l : o.levers)
    head.push_back(l.path);
  head.insert(head.end(), {"reps", o.objective.label(), "best − this [95 % CI]"});
  for (const Target& t : o.constraints)
    head.push_back(t.metric);
  cells.push_back(head);
  const std::size_t shown = std::min<std::size_t>(order.size(), std::max<std::size_t>(10, 1 + equivalent));
  for (std::size_t k = 0; k < shown; ++k) {
    const std::size_t i = order[k];
    const Evaluation& e = r.evaluations[i];
    // With no feasible setting the first row is only the reference of best − this: ✗ like the others.
    std::vector<std::string> row{!e.feasible ? "✗" : i == r.best ? "best" : e.equivalent ? "≈" : ""};
    for (double x : e.x)
      row.push_back(num(x));
    row.push_back(std::to_string(e.objective.size()));
    row.push_back(num(e.mean));
    row.push_back(i == r.best ? "" : num(e.diff) + " [" + num(e.diff_low) + ", " + num(e.diff_high) + "]");
    for (const auto& c : e.constraint)
      row.push_back(num(mean(c)));
    cells.push_back(row);
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::size_t w = 0;
      for (unsigned char ch : row[c])
        w += (ch & 0xC0) != 0x80;
      width[c] = std::max(width[c], w);
    }
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::size_t w = 0;
      for (unsigned char ch : row[c])
        w += (ch & 0xC0) != 0x80;
      line += (c ? "  " : "") + std::string(width[c] - w, ' ') + row[c];
    }
    out << line << "\n";
  }
  if (order.size() > shown)
    out << "(" << order.size() - shown << " more settings" << (output.empty() ? "; -o FILE.h5 keeps them all" : " in " + output) << ")\n";
  out << "\n";
  if (!r.any_feasible) {
    out << "no evaluated setting meets the constraints (best − this is measured from the first row, the best "
        << o.objective.metric << " among them): widen the levers' ranges or relax --subject-to\n";
    return 0;
  }
  out << "best: ";
  for (std::size_t l = 0; l < o.levers.size(); ++l)
    out << (l ? ", " : "") << o.levers[l].path << " = " << num(best.x[l]);
  out << " — " << o.objective.label() << " "
      << num(best.mean) << " (mean of " << best.objective.size() << " replications"
      << (o.objective.customers_given && is_total_metric(o.objective.metric)
            ? ", totals for " + std::to_string(std::llround(o.objective.scale * static_cast<double>(agents))) +
                " customers" // as the objective's label writes them
            : "")
      << ")\n";
  // A budget lever's amounts are the scenario population's (MODEL.md).
  const bool budget_lever = std::any_of(o.levers.begin(), o.levers.end(), [](const Lever& l) {
    return l.path.find(".budget.") != std::string::npos;
  });
  if (budget_lever && o.objective.customers_given) {
    const double customers = o.objective.scale * static_cast<double>(agents);
    out << "budgets are amounts for the scenario's population of "
        << thousands(static_cast<std::int64_t>(scenario.population)) << " customers: for "
        << thousands(static_cast<std::int64_t>(std::llround(customers))) << " customers the decision spends "
        << num(customers / static_cast<double>(scenario.population)) << " × the budget named\n";
  }
  if (!o.objective.changes.empty() && !o.objective.customers_given)
    out << "the change costs are set against the totals of " << thousands(static_cast<std::int64_t>(agents))
        << " simulated customers per run; give --customers for the customers the change would serve\n";
  if (r.evaluations.size() == 1)
    out << "one setting only (each lever has one value): nothing to compare it with; give a lever more values\n";
  else if (ahead)
    out << ahead << " setting(s) did significantly better than the best on the replications they share, but have "
        << "fewer: the best is chosen among the settings with the most replications; give a larger -r to settle it\n";
  else if (equivalent)
    out << equivalent << " other setting(s) (≈) are not significantly " << (o.objective.maximize ? "worse" : "costlier")
        << " (paired 95 % CI of the difference includes 0): any of them is as good a choice on this evidence\n";
  if (unseparated && r.evaluations.size() > 1 && !ahead)
    out << unseparated << " setting(s) dropped early on fewer replications are not separated from the best "
        << "either (their 95 % CI includes 0): give a larger -r to settle them\n";
  else if (r.evaluations.size() > 1 && !ahead && !equivalent)
    out << "every other setting is significantly " << (o.objective.maximize ? "worse" : "costlier")
        << " (paired 95 % CI excludes 0)\n";
  return 0;
}

} // namespace journeysim::cli
