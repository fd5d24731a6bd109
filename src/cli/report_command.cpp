// journeysim report: a results file as one self-contained HTML page.

#include "cli_util.h"
#include "commands.h"
#include "decision_options.h"

#include "journeysim/error.h"
#include "journeysim/results/text_output.h"
#include "journeysim/report/html_report.h"
#include "journeysim/report/optimize_report.h"
#include "journeysim/report/report_data.h"
#include "journeysim/report/sweep_report.h"
#include "journeysim/results/sweep_reader.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace po = boost::program_options;

namespace journeysim::cli {

int report_command(const std::vector<std::string>& args)
{
  po::options_description visible(
    "usage: journeysim report RESULTS.h5|SWEEP.h5|OPTIMIZE.h5 [-o report.html] [--force]\n\n"
    "Writes one self-contained HTML page (inline CSS and SVG, no scripts, no network).\n"
    "Of a run: its identity, a summary table, the funnel per variant, the conversion\n"
    "lift with its 95 % CI, the A/B test size that would confirm it, and the journey\n"
    "map with its emotion curve. Of a sweep: response curves with 95 % CI bands for\n"
    "every parameter and metric, a heat map of a two-parameter grid, a table of\n"
    "every point, and with --target/--minimize/--maximize the setting to choose.\n"
    "Of an optimisation (optimize -o): the answer, the settings as good as it, every\n"
    "evaluated setting.\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("output,o", po::value<std::string>(), "HTML file (default: the input file with .html)")
    ("force,f", po::bool_switch(), "replace an existing HTML file")
    ("quiet,q", po::bool_switch(), "print nothing on success")
    ("metric,m", po::value<std::vector<std::string>>()->composing(),
     "sweeps: chart this metric (repeatable; default: conversion rate, cost, cost per conversion, ROI, "
     "and profit/spend where the file has them)");
  po::options_description sweep_options("options for sweeps: the setting to choose");
  add_decision_options(sweep_options);
  visible.add(sweep_options);
  po::options_description all;
  all.add(visible).add_options()("results", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("results", 1);
  const auto vm = parse_args(args, all, pos);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (!vm.count("results"))
    throw InputError("journeysim report: missing RESULTS.h5 (see 'journeysim report --help')");
  const std::string results = vm["results"].as<std::string>();
  const std::string output = vm.count("output")
                               ? vm["output"].as<std::string>()
                               : std::filesystem::path(results).replace_extension(".html").string();
  if (std::filesystem::path(output) == std::filesystem::path(results))
    throw InputError("journeysim report: the output would replace the results file '" + results + "'");
  const OutputTarget html{"--output", OutputKind::Report, vm["force"].as<bool>(), {{results, "the file"}}};
  check_output_target(output, html);

  // The sweep's options have nothing to act on elsewhere: refuse them rather than ignore them.
  const auto only_for_sweeps = [&](const char* what) {
    for (const char* option : {"metric", "target", "minimize", "maximize", "change-cost", "customers", "variant"})
      if (vm.count(option))
        throw InputError(std::string("--") + option + ": only for sweep files; '" + results + "' is " + what);
  };
  if (is_optimization_file(results)) {
    // Its objective, constraints and change costs were fixed when it ran.
    only_for_sweeps("an optimisation, decided when it ran (run optimize again to decide otherwise)");
    const OptimizationData data = read_optimization_file(results);
    write_text_output(output, report::render_optimize_html(data), html);
    if (!vm["quiet"].as<bool>())
      std::cout << "report: " << output << "  (optimisation of '" << printable(clip(data.scenario_name, 200)) << "', "
                << data.rows.size() << " settings)\n";
    return 0;
  }
  if (is_sweep_file(results)) {
    const SweepData sweep = read_sweep(results);
    report::SweepReportOptions o;
    if (vm.count("metric")) {
      for (const auto& m : vm["metric"].as<std::vector<std::string>>()) {
        sweep.check_metric(m, "--metric");
        o.metrics.push_back(m);
      }
    } else {
      for (const char* m : {"conversion_rate", "cost", "spend", "profit", "cost_per_conversion", "roi"})
        if (std::find(sweep.metrics.begin(), sweep.metrics.end(), m) != sweep.metrics.end())
          o.metrics.emplace_back(m);
    }
    o.variant = decision_variant(vm, sweep);
    o.decision = decision_from(vm, sweep);
    if (o.decision)
      o.decision_text = decision_text(sweep, *o.decision);
    write_text_output(output, report::render_sweep_html(sweep, o), html);
    if (!vm["quiet"].as<bool>())
      std::cout << "report: " << output << "  (sweep of '" << printable(clip(sweep.scenario_name, 200)) << "', "
                << sweep.points.size() / sweep.variants.size() << " grid points × " << sweep.replications
                << " replications)\n";
    return 0;
  }
  only_for_sweeps("the results of a run");
  const report::ReportData data = report::read_report_data(results);
  write_text_output(output, report::render_html(data), html);
  if (!vm["quiet"].as<bool>())
    std::cout << "report: " << output << "  (" << data.variants.size()
              << (data.variants.size() == 1 ? " variant" : " variants") << " of '" << printable(clip(data.scenario_name, 200))
              << "', " << thousands(static_cast<std::int64_t>(data.population)) << " agents)\n";
  return 0;
}

} // namespace journeysim::cli
