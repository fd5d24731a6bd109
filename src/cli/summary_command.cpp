// journeysim summary: a sweep's table on the terminal (mean and 95 % CI of
// every metric at every grid point), as CSV or JSON, and the decision a
// --target / --minimize / --maximize asks for.

#include "cli_util.h"
#include "json.h"
#include "commands.h"
#include "csv.h"
#include "decision_options.h"

#include "journeysim/error.h"
#include "journeysim/results/sweep_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace po = boost::program_options;

namespace journeysim::cli {

namespace {

//! The metrics a table shows unless --metric says: these, where the file has them.
const char* const DEFAULT_METRICS[] = {"conversion_rate", "revenue", "cost", "spend", "profit",
                                       "cost_per_conversion", "roi"};

std::size_t display_width(const std::string& s)
{
  std::size_t w = 0;
  for (unsigned char c : s)
    w += (c & 0xC0) != 0x80;
  return w;
}

void print_table(const std::vector<std::vector<std::string>>& cells, std::size_t left_columns, std::ostream& out)
{
  std::vector<std::size_t> width;
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c) {
      width.resize(std::max(width.size(), row.size()), 0);
      width[c] = std::max(width[c], display_width(row[c]));
    }
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string fill(width[c] - display_width(row[c]), ' ');
      line += (c ? "  " : "") + (c < left_columns ? row[c] + fill : fill + row[c]);
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << "\n";
  }
}

std::string value_text(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

} // namespace

int summary_command(const std::vector<std::string>& args)
{
  po::options_description visible(
    "usage: journeysim summary SWEEP.h5 [options]\n\n"
    "Prints a sweep's table: for every grid point (and variant) the mean of each\n"
    "metric across replications with its 95 % confidence interval. With --target\n"
    "and/or --minimize/--maximize it also says which setting to choose.\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("metric,m", po::value<std::vector<std::string>>()->composing(),
     "show this metric (repeatable; default: conversion_rate, revenue, cost, cost_per_conversion, roi and "
     "profit/spend where the file has them); CSV and JSON hold every metric")
    ("format", po::value<std::string>()->default_value("table"), "table, csv or json");
  add_decision_options(visible);
  add_csv_options(visible);
  po::options_description all;
  all.add(visible).add_options()("sweep", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("sweep", 1);
  const auto vm = parse_args(args, all, pos);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (!vm.count("sweep"))
    throw InputError("journeysim summary: missing SWEEP.h5 (see 'journeysim summary --help')");
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "csv" && format != "json")
    throw InputError("--format: expected table, csv or json, got '" + format + "'");
  const CsvStyle csv = csv_style(vm);

  const SweepData sweep = read_sweep(vm["sweep"].as<std::string>());
  std::vector<std::string> metrics;
  if (vm.count("metric")) {
    for (const auto& m : vm["metric"].as<std::vector<std::string>>()) {
      sweep.check_metric(m, "--metric");
      metrics.push_back(m);
    }
  } else {
    for (const char* m : DEFAULT_METRICS)
      if (std::find(sweep.metrics.begin(), sweep.metrics.end(), m) != sweep.metrics.end())
        metrics.emplace_back(m);
  }
  if (sweep.unsettled_runs > 0) // as compare: a table on an unsettled fixed point is not what the shop would see
    std::cerr << "caution: the population feedback did not converge in " << sweep.unsettled_runs
              << " of the sweep's runs (budgets' pacing and referrals are not settled, so neither are their "
                 "figures): sweep again with a larger feedback.max_passes or tolerance\n";
  const std::optional<std::string> only =
    vm.count("variant") ? std::optional<std::string>(decision_variant(vm, sweep)) : std::nullopt;
  const std::optional<Decision> decision = decision_from(vm, sweep);
  const bool many_variants = sweep.variants.size() > 1 && !only;

  std::ostream& out = std::cout;
  if (format == "csv") {
    const char sep = csv.separator;
    begin_csv(out, csv);
    out << "point" << sep << "variant" << sep << "replications";
    for (const auto& p : sweep.parameters)
      out << sep << csv_text(p, csv);
    for (const auto& m : sweep.metrics)
      for (const char* stat : {"_mean", "_sd", "_ci_low", "_ci_high"})
        out << sep << m << stat;
    if (decision)
      out << sep << "change_cost" << sep << "objective" << sep << "reaches_target" << sep << "rank" << sep
          << "diff_from_best" << sep << "diff_ci_low" << sep << "diff_ci_high" << sep << "equivalent";
    out << "\n";
    for (const SweepPoint& p : sweep.points) {
      if (only && p.variant != *only)
        continue;
      out << p.point << sep << csv_text(p.variant, csv) << sep << p.replications;
      for (double v : p.values)
        out << sep << csv_number(v, csv);
      for (const auto& m : sweep.metrics) {
        const Band& b = p.band(m);
        for (double x : {b.mean, b.sd, b.ci_low, b.ci_high})
          out << sep << csv_number(x, csv);
      }
      if (decision) {
        const auto it = std::find_if(decision->options.begin(), decision->options.end(),
                                     [&](const Option& o) { return o.point == &p; });
        if (it == decision->options.end())
          out << std::string(8, sep);
        else
          out << sep << csv_number(it->change_cost, csv) << sep << csv_number(it->value, csv) << sep
              << (it->reaches ? 1 : 0) << sep << (it - decision->options.begin()) + 1 << sep
              << csv_number(it->diff, csv) << sep << csv_number(it->diff_low, csv) << sep
              << csv_number(it->diff_high, csv) << sep << (it->equivalent ? 1 : 0);
      }
      out << "\n";
    }
    return 0;
  }
  if (format == "json") {
    out << "{\n  \"file\": " << json_string(sweep.path) << ",\n  \"scenario\": " << json_string(sweep.scenario_name)
        << ",\n  \"agents_per_run\": " << sweep.agents << ",\n  \"replications\": " << sweep.replications
        << ",\n  \"parameters\": [";
    for (std::size_t i = 0; i < sweep.parameters.size(); ++i)
      out << (i ? ", " : "") << json_string(sweep.parameters[i]);
    out << "],\n  \"points\": [";
    bool first = true;
    for (const SweepPoint& p : sweep.points) {
      if (only && p.variant != *only)
        continue;
      out << (first ? "\n" : ",\n") << "    {\"point\": " << p.point << ", \"variant\": " << json_string(p.variant)
          << ", \"replications\": " << p.replications << ", \"values\": {";
      first = false;
      for (std::size_t i = 0; i < p.values.size(); ++i)
        out << (i ? ", " : "") << json_string(sweep.parameters[i]) << ": " << json_number(p.values[i]);
      out << "}, \"metrics\": {";
      for (std::size_t i = 0; i < sweep.metrics.size(); ++i) {
        const Band& b = p.band(sweep.metrics[i]);
        out << (i ? ", " : "") << json_string(sweep.metrics[i]) << ": {\"mean\": " << json_number(b.mean)
            << ", \"sd\": " << json_number(b.sd) << ", \"ci_low\": " << json_number(b.ci_low)
            << ", \"ci_high\": " << json_number(b.ci_high) << "}";
      }
      out << "}";
      if (decision) { // as the CSV's last columns
        const auto it = std::find_if(decision->options.begin(), decision->options.end(),
                                     [&](const Option& o) { return o.point == &p; });
        if (it != decision->options.end())
          out << ", \"change_cost\": " << json_number(it->change_cost) << ", \"objective\": " << json_number(it->value)
              << ", \"reaches_target\": " << (it->reaches ? "true" : "false")
              << ", \"rank\": " << (it - decision->options.begin()) + 1
              << ", \"diff_from_best\": " << json_number(it->diff) << ", \"diff_ci_low\": " << json_number(it->diff_low)
              << ", \"diff_ci_high\": " << json_number(it->diff_high)
              << ", \"equivalent\": " << (it->equivalent ? "true" : "false");
      }
      out << "}";
    }
    out << "\n  ]";
    if (decision) {
      const Option* best = decision->best();
      out << ",\n  \"decision\": {\"text\": " << json_string(decision_text(sweep, *decision))
          << ", \"objective\": " << json_string(decision->objective.metric)
          << ", \"maximize\": " << (decision->objective.maximize ? "true" : "false");
      if (decision->has_target)
        out << ", \"target\": {\"metric\": " << json_string(decision->target.metric) << ", \"at_least\": "
            << (decision->target.at_least ? "true" : "false") << ", \"value\": " << json_number(decision->target.value)
            << "}";
      out << ", \"best_point\": " << (best ? std::to_string(best->point->point) : "null");
      if (best)
        out << ", \"best_objective\": " << json_number(best->value)
            << ", \"best_change_cost\": " << json_number(best->change_cost);
      out << "}";
    }
    out << "\n}\n";
    return 0;
  }

  out << "'" << sweep.path << "': sweep of '" << printable(clip(sweep.scenario_name, 200)) << "', "
      << sweep.points.size() / sweep.variants.size() << " grid points × " << sweep.replications
      << " replications × " << thousands(static_cast<std::int64_t>(sweep.agents))
      << " customers; mean across replications [95 % CI]\n\n";
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> head{"point"};
  for (const auto& p : sweep.parameters)
    head.push_back(p);
  if (many_variants)
    head.emplace_back("variant");
  const std::size_t left = head.size();
  for (const auto& m : metrics)
    head.push_back(m);
  cells.push_back(head);
  for (const SweepPoint& p : sweep.points) {
    if (only && p.variant != *only)
      continue;
    std::vector<std::string> row{std::to_string(p.point)};
    for (double v : p.values)
      row.push_back(value_text(v));
    if (many_variants)
      row.push_back(p.variant);
    for (const auto& m : metrics) {
      const Band& b = p.band(m);
      row.push_back(metric_text(m, b.mean) +
                    (std::isnan(b.ci_low) ? "" : " [" + metric_text(m, b.ci_low) + ", " + metric_text(m, b.ci_high) + "]"));
    }
    cells.push_back(row);
  }
  // Parameters and the variant read left-aligned; the point number and metrics right.
  print_table(cells, left, out);
  if (sweep.replications < 2)
    out << "\n(one replication: no confidence intervals; sweep with --replications " << ADVISED_REPLICATIONS
        << " or more)\n";
  if (decision)
    out << "\n" << decision_text(sweep, *decision) << "\n";
  return 0;
}

} // namespace journeysim::cli
