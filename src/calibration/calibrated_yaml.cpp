#include "journeysim/calibration/calibration.h"

#include "journeysim/error.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/scenario/loader.h"

#include <yaml-cpp/yaml.h>

#include <sstream>

namespace journeysim {

namespace {

std::vector<std::string> split_path(const std::string& path)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos)
      return out;
    start = dot + 1;
  }
}

//! The node PATH addresses in a scenario's YAML (created when absent):
//! list items are found by name, then map keys.
YAML::Node locate(YAML::Node root, const std::string& path)
{
  const auto seg = split_path(path);
  YAML::Node node = root;
  std::size_t i = 0;
  if (seg.size() >= 2 && (seg[0] == "stages" || seg[0] == "personas" || seg[0] == "touchpoints")) {
    YAML::Node list = root[seg[0]];
    YAML::Node found;
    for (std::size_t j = 0; list.IsSequence() && j < list.size(); ++j)
      if (list[j]["name"] && list[j]["name"].as<std::string>() == seg[1])
        found.reset(list[j]);
    if (!found)
      throw InputError("--free " + path + ": no " + seg[0] + " item named '" + seg[1] + "'");
    node.reset(found);
    i = 2;
  }
  for (; i < seg.size(); ++i) {
    YAML::Node child = node[seg[i]];
    node.reset(child);
  }
  return node;
}

} // namespace

std::string calibrated_yaml(const Scenario& scenario, const std::vector<FreeParameter>& free,
                            const std::vector<double>& values, const std::string& header_comment)
{
  YAML::Node root = YAML::Load(scenario.source);
  for (std::size_t i = 0; i < free.size(); ++i) {
    YAML::Node n = locate(root, free[i].path);
    n = yaml_number(values[i]);
  }
  YAML::Emitter out;
  out << root;
  std::ostringstream text;
  std::istringstream comment(header_comment);
  for (std::string line; std::getline(comment, line);)
    text << "#" << (line.empty() ? "" : " ") << line << "\n";
  text << out.c_str() << "\n";
  // It must be a scenario that loads, with the fitted values in it.
  try {
    parse_scenario(text.str(), "calibrated scenario");
  } catch (const ScenarioError& e) {
    throw InputError(std::string("the calibrated scenario does not load: ") + e.what());
  }
  return text.str();
}

} // namespace journeysim
