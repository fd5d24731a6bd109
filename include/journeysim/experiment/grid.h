#pragma once
//! Parameter grids for sweeps: `--set PATH=VALUES`, where VALUES is a list
//! (`1,2,3`), a range (`0:0.3:0.05`, both ends included) or a log range
//! (`1e-3:1e-1:log5`, five points from 1e-3 to 1e-1, evenly spaced in log).

#include <string>
#include <vector>

namespace journeysim {

struct Parameter {
  std::string path;           //!< variant `set` syntax, e.g. touchpoints.checkout.checkout.steps
  std::vector<double> values; //!< in the order given
};

//! @throws InputError With the spec, what was expected and an example.
Parameter parse_parameter(const std::string& spec);
std::vector<double> parse_values(const std::string& text);

//! One point of the Cartesian grid: a value index per parameter.
using GridPoint = std::vector<std::size_t>;

//! All points, the last parameter varying fastest.
std::vector<GridPoint> cartesian(const std::vector<Parameter>& parameters);

//! A value as YAML text that reads back to the same double: the shortest such
//! (0.1, not 0.10000000000000001), so messages that quote it read as typed.
std::string yaml_number(double v);

} // namespace journeysim
