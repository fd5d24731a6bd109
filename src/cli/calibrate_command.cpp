// journeysim calibrate: fit free parameters of a scenario to an observed funnel (docs/CALIBRATION.md).

#include "cli_util.h"
#include "commands.h"

#include "journeysim/calibration/calibration.h"
#include "journeysim/error.h"
#include "journeysim/results/text_output.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/experiment/sweep_decision.h"
#include "journeysim/observed/observed_funnel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace journeysim::cli {

namespace {

std::string pad(const std::string& s, std::size_t w)
{
  return s.size() >= w ? s : s + std::string(w - s.size(), ' ');
}

std::string lpad(const std::string& s, std::size_t w)
{
  return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
}

//! The fit as text: per transition, goodness of fit, parameters, warnings.
std::string fit_table(const Scenario& s, const CalibrationResult& r)
{
  std::ostringstream o;
  const Model& m = s.baseline();
  if (!r.transitions.empty()) {
    o << pad("transition", 40) << lpad("customers", 12) << lpad("reached", 12) << lpad("observed", 10)
      << lpad("fitted", 10) << lpad("residual", 10) << "\n";
    for (const auto& t : r.transitions) {
      const Transition& tr = t.transition;
      std::string name = (tr.persona >= 0 ? m.personas[tr.persona].name + ": " : std::string()) +
                         m.stages[tr.from].name + " -> " + m.stages[tr.to].name;
      o << pad(name, 40) << lpad(thousands(tr.n), 12) << lpad(thousands(tr.y), 12)
        << lpad(num(static_cast<double>(tr.y) / static_cast<double>(tr.n), 4), 10) << lpad(num(t.fitted_rate, 4), 10)
        << lpad(num(t.residual, 3), 10) << (t.fitted ? "" : "   shown, not fitted") << "\n";
    }
    o << "(residual: (reached - customers x fitted) / its standard deviation, simulation noise included;\n"
         " |residual| > 2 is a poor fit of that transition)\n";
  }
  if (!r.metrics.empty()) {
    o << pad("metric", 40) << lpad("observed", 12) << lpad("fitted", 12) << lpad("residual", 10) << "\n";
    for (const auto& mf : r.metrics) {
      const MetricTarget& t = mf.target;
      const std::string name = (t.persona >= 0 ? m.personas[t.persona].name + ": " : std::string()) + t.row.name;
      const bool count = t.row.name == "customers" || t.row.name == "purchases";
      const std::string observed =
        count ? thousands(static_cast<std::int64_t>(std::llround(t.row.value))) : num(t.row.value, 4);
      o << pad(name, 40) << lpad(observed, 12) << lpad(num(mf.simulated, 4), 12) << lpad(num(mf.residual, 3), 10);
      if (!mf.fitted)
        o << "   not fitted: " << t.not_fitted;
      o << "\n";
    }
    o << "(a rate's residual is binomial, a quantile's that of the buyers below it, order_value_mean's normal;\n"
         " docs/CALIBRATION.md \"Metric rows\")\n";
  }
  if (r.degrees_of_freedom > 0)
    o << "goodness of fit: deviance " << num(r.deviance, 5) << " on " << r.degrees_of_freedom
      << " degree(s) of freedom, p = " << num(r.p_value, 3) << "\n";
  else
    o << "goodness of fit: deviance " << num(r.deviance, 5) << "; no test possible: " << r.parameters.size()
      << " parameter(s) for " << r.degrees_of_freedom + static_cast<int>(r.parameters.size())
      << " observation(s)\n";
  o << pad("parameter", 46) << lpad("start", 10) << lpad("fitted", 10) << "   95 % interval (method: docs/CALIBRATION.md)\n";
  for (const auto& p : r.parameters) {
    o << pad(p.parameter.path, 46) << lpad(num(p.start, 4), 10) << lpad(p.kept ? "kept" : num(p.value, 4), 10) << "   ";
    if (std::isnan(p.low95))
      o << "not computed";
    else
      o << "[" << (p.low95_at_bound ? "bound " : "") << num(p.low95, 4) << ", " << (p.high95_at_bound ? "bound " : "")
        << num(p.high95, 4) << "] " << p.interval_method;
    o << "\n";
  }
  if (std::any_of(r.parameters.begin(), r.parameters.end(), [](const ParameterFit& p) { return p.kept; }))
    o << "(kept: no effect on the fit; the calibrated scenario keeps its value)\n";
  for (const auto& w : r.warnings)
    o << "warning: " << w << "\n";
  return o.str();
}

} // namespace

int calibrate_command(const std::vector<std::string>& args, const StopRequest& stop)
{
  po::options_description visible(
    "usage: journeysim calibrate SCENARIO.yaml --target observed.csv --free PATH=LOW:HIGH [...] -o calibrated.yaml\n\n"
    "Fits the free parameters so that the scenario's baseline reproduces the observed\n"
    "funnel: maximum likelihood of the stage transitions (binomial deviance), NLopt BOBYQA,\n"
    "every evaluation a simulation with the same seed (common random numbers). Prints the\n"
    "fit (observed vs fitted, residuals, goodness of fit, 95 % likelihood intervals,\n"
    "identifiability warnings) and writes the calibrated scenario. PATH is a variant `set`\n"
    "path (touchpoints.social_ads.advance, stages.intent.dropout,\n"
    "touchpoints.checkout.checkout.step_abandon). Ctrl-C writes the best point so far.\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("target", po::value<std::string>(), "observed funnel (CSV: stage,reached; docs/CALIBRATION.md)")
    ("free", po::value<std::vector<std::string>>()->composing(), "PATH=LOW:HIGH (repeatable)")
    ("output,o", po::value<std::string>(), "calibrated scenario to write")
    ("agents,n", po::value<std::string>()->default_value("100000"), "simulated agents per evaluation")
    ("seed,s", po::value<std::string>(), "seed of every evaluation (default: the scenario's)")
    ("random-stream", po::value<int>(), "1 to 4: how the draws are made (default: the scenario's random_stream, else 4)")
    ("threads,t", po::value<int>()->default_value(0), "worker threads (0: all cores)")
    ("max-evaluations", po::value<int>()->default_value(300), "evaluations of the point fit (intervals come on top)")
    ("no-intervals", po::bool_switch(), "skip the 95 % intervals")
    ("fit-metrics", po::value<std::string>()->default_value("repeat_purchase_rate,order_value_mean"),
     "metric rows to fit: NAME,... (hours_to_first_purchase: its quantiles), all, or none")
    ("force,f", po::bool_switch(), "replace an existing output file")
    ("quiet,q", po::bool_switch(), "no progress lines");
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
    throw InputError("journeysim calibrate: missing SCENARIO.yaml (see 'journeysim calibrate --help')");
  if (!vm.count("target"))
    throw InputError("journeysim calibrate: --target observed.csv is required");
  if (!vm.count("output"))
    throw InputError("journeysim calibrate: -o calibrated.yaml is required");
  const std::string path = vm["scenario"].as<std::string>();
  const Scenario scenario = load_scenario(path);
  std::vector<FreeParameter> free;
  if (vm.count("free")) {
    for (const auto& spec : vm["free"].as<std::vector<std::string>>())
      free.push_back(parse_free_parameter(spec));
  } else {
    for (const auto& [p, range] : scenario.calibrate.free) // checked by the loader
      free.push_back(parse_free_parameter(p + "=" + range));
  }
  if (free.empty())
    throw InputError("journeysim calibrate: give at least one --free PATH=LOW:HIGH (or list them in the "
                     "scenario's calibrate: {free: {PATH: LOW:HIGH}})");
  for (std::size_t i = 0; i < free.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (free[i].path == free[j].path)
        throw InputError("--free " + free[i].path + ": given twice");

  const std::string target_path = vm["target"].as<std::string>();
  const std::string output = vm["output"].as<std::string>();
  const bool force = vm["force"].as<bool>();
  const OutputTarget text_output{"--output", OutputKind::CalibratedScenario, force,
                                {{path, "the scenario"}, {target_path, "the --target file"}}};
  check_can_create(output, "--output");
  check_output_target(output, text_output);
  const ObservedFunnel observed = read_observed_funnel(target_path);
  const FunnelTarget target = match_target(scenario, observed);

  CalibrationOptions o;
  o.agents = parse_count(vm["agents"].as<std::string>(), "agents");
  if (vm.count("seed")) {
    o.seed = parse_seed(vm["seed"].as<std::string>());
    o.seed_given = true;
  }
  if (vm.count("random-stream"))
    o.random_stream = parse_random_stream(vm["random-stream"].as<int>());
  o.threads = vm["threads"].as<int>();
  if (o.threads < 0 || o.threads > 1024)
    throw InputError("--threads: expected 0 (all cores) to 1024");
  o.max_evaluations = vm["max-evaluations"].as<int>();
  if (o.max_evaluations < 1 || o.max_evaluations > 100000)
    throw InputError("--max-evaluations: expected 1 to 100000");
  o.intervals = !vm["no-intervals"].as<bool>();
  o.fit_metrics.clear();
  {
    const std::string list = vm["fit-metrics"].as<std::string>();
    std::size_t from = 0;
    while (list != "none" && from <= list.size()) {
      const std::size_t comma = std::min(list.find(',', from), list.size());
      const std::string name = list.substr(from, comma - from);
      const bool known = name == "all" || name == "hours_to_first_purchase" || name == "repeat_purchase_rate" ||
                         name == "order_value_mean" || name == "cart_abandon_rate" ||
                         first_purchase_quantile_of(name) > 0;
      if (!known)
        throw InputError("--fit-metrics: unknown metric '" + name +
                         "' (expected repeat_purchase_rate, order_value_mean, hours_to_first_purchase or one of its "
                         "_pNN, cart_abandon_rate, all, none)");
      o.fit_metrics.push_back(name);
      from = comma + 1;
    }
  }
  o.cancel = &stop.requested;
  const bool quiet = vm["quiet"].as<bool>();
  o.progress = [&](const CalibrationStep& step) {
    if (quiet)
      return;
    std::cerr << step.phase << " #" << step.evaluation << ": deviance " << num(step.deviance, 6) << " (best "
              << num(step.best, 6) << ")";
    for (std::size_t i = 0; i < free.size(); ++i)
      std::cerr << " " << free[i].path.substr(free[i].path.find('.') + 1) << "=" << num((*step.values)[i], 5);
    std::cerr << "\n";
  };

  if (!quiet)
    std::cerr << "calibrating '" << scenario.name << "' to " << target_path << ": " << free.size()
              << " free parameter(s), " << target.transitions.size() << " transition(s), "
              << thousands(static_cast<std::int64_t>(o.agents)) << " agents per evaluation\n";
  const auto start = std::chrono::steady_clock::now();
  const CalibrationResult r = calibrate(scenario, target, free, o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.interrupted && r.evaluations == 0) {
    std::cerr << "journeysim: interrupted before the first evaluation; nothing was written\n";
    return 128 + (stop.signal.load() ? stop.signal.load() : SIGINT);
  }

  const std::string table = fit_table(scenario, r);
  // Only the parameters the data moved are written; a kept one stays as the scenario has it.
  std::vector<FreeParameter> fitted;
  std::vector<double> values;
  for (const auto& p : r.parameters)
    if (!p.kept) {
      fitted.push_back(p.parameter);
      values.push_back(p.value);
    }
  const std::time_t now = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
  std::ostringstream header;
  header << "Calibrated by journeysim calibrate on " << when << (r.interrupted ? " -- INTERRUPTED: the best point "
                                                                                "after " + std::to_string(r.evaluations) +
                                                                                " evaluations, not a converged fit"
                                                                              : "")
         << "\nscenario: " << path << "\ntarget: " << target_path << "\nfitted:";
  for (const auto& p : r.parameters)
    header << " " << p.parameter.path << (p.kept ? " kept" : "=" + yaml_number(p.value)) << " (range "
           << num(p.parameter.low, 4) << ":" << num(p.parameter.high, 4) << ")";
  header << "\n" << thousands(static_cast<std::int64_t>(r.agents)) << " agents per evaluation, seed " << r.seed
         << ", random stream " << static_cast<int>(o.random_stream.value_or(scenario.baseline().random_stream)) << ", "
         << r.evaluations << " evaluations\n\n"
         << table << "\nVariants below now run on this calibrated baseline.\n";
  // A variant that sets a fitted parameter itself keeps its own value: its
  // what-if is no longer the change it was written as (+0.02 on 0.10 is now
  // +0.08 on a fitted 0.04). Say so where the user reads, and in the file.
  std::vector<std::string> fitted_paths;
  for (const auto& p : fitted)
    fitted_paths.push_back(p.path);
  const std::vector<std::string> stale = variants_setting(scenario.source, fitted_paths);
  for (const std::string& note : stale) {
    const std::string advice = note + ": it keeps that value, not one relative to the fitted baseline — restate it "
                                      "on the fitted value, or its difference from the baseline is another change";
    header << "CAUTION: " << advice << "\n";
    std::cerr << "journeysim: caution: " << advice << "\n"; // even with --quiet: the file it writes is affected
  }
  write_text_output(output, calibrated_yaml(scenario, fitted, values, header.str()), text_output);

  std::cout << table << r.evaluations << " evaluations (fit " << r.evaluations_fit << ", information "
            << r.evaluations_information << ", intervals " << r.evaluations_intervals << "; " << r.profiled_sides
            << " interval side(s) profiled) in " << num(seconds, 3) << " s; calibrated scenario written to " << output
            << "\n";
  if (r.interrupted) {
    const int sig = stop.signal.load() ? stop.signal.load() : SIGINT;
    std::cerr << "journeysim: interrupted; " << output << " holds the best point so far (marked in its header)\n";
    return 128 + sig;
  }
  return 0;
}

} // namespace journeysim::cli
