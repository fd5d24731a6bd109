// journeysim report: a results file as one self-contained HTML page.

#include "cli_util.h"
#include "commands.h"

#include "journeysim/error.h"
#include "journeysim/report/html_report.h"
#include "journeysim/report/report_data.h"

#include <filesystem>
#include <iostream>

namespace po = boost::program_options;

namespace journeysim::cli {

int report_command(const std::vector<std::string>& args)
{
  po::options_description visible(
    "usage: journeysim report RESULTS.h5 [-o report.html] [--force]\n\n"
    "Writes one self-contained HTML page (inline CSS and SVG, no scripts, no network)\n"
    "with the run's identity, a summary table, the funnel per variant, the conversion\n"
    "lift with its 95 % CI and the journey map with its emotion curve.\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("output,o", po::value<std::string>(), "HTML file (default: RESULTS with .html)")
    ("force,f", po::bool_switch(), "replace an existing HTML file")
    ("quiet,q", po::bool_switch(), "print nothing on success");
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

  const report::ReportData data = report::read_report_data(results);
  report::write_report_file(report::render_html(data), output, vm["force"].as<bool>());
  if (!vm["quiet"].as<bool>())
    std::cout << "report: " << output << "  (" << data.variants.size()
              << (data.variants.size() == 1 ? " variant" : " variants") << " of '" << data.scenario_name
              << "', " << thousands(static_cast<std::int64_t>(data.population)) << " agents)\n";
  return 0;
}

} // namespace journeysim::cli
