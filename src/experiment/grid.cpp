#include "journeysim/experiment/grid.h"

#include "journeysim/error.h"
#include "journeysim/util/exact_number.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace journeysim {

namespace {

constexpr std::size_t MAX_VALUES = 100000;

double number(const std::string& text, const std::string& whole)
{
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v))
    throw InputError("'" + whole + "': '" + text +
                     "' is not a number (expected a list 1,2,3, a range 0:0.3:0.05 or a log range 1e-3:1e-1:log5)");
  return v;
}

//! Decimal places of a number's text (0.05 → 2, 1e-3 → 3, 25 → 0, 1.5e1 → 0);
//! -1 for text that is not plain decimal notation (a hex float).
int decimals(const std::string& text)
{
  if (text.find_first_not_of("0123456789.+-eE") != std::string::npos)
    return -1;
  const std::size_t e = text.find_first_of("eE");
  const std::string mantissa = text.substr(0, e);
  const std::size_t point = mantissa.find('.');
  const int fraction = point == std::string::npos ? 0 : static_cast<int>(mantissa.size() - point - 1);
  const int exponent = e == std::string::npos ? 0 : std::atoi(text.c_str() + e + 1);
  return std::max(0, fraction - exponent);
}

std::vector<std::string> split(const std::string& s, char sep)
{
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep))
    parts.push_back(part);
  if (!s.empty() && s.back() == sep)
    parts.emplace_back();
  return parts;
}

} // namespace

std::vector<double> parse_values(const std::string& text)
{
  if (text.find(':') == std::string::npos) {
    std::vector<double> values;
    for (const auto& part : split(text, ',')) {
      values.push_back(number(part, text));
      if (std::find(values.begin(), values.end() - 1, values.back()) != values.end() - 1)
        throw InputError("'" + text + "': " + part + " is given twice (each value is one grid point)");
    }
    if (values.empty())
      throw InputError("'" + text + "': no values");
    return values;
  }
  const auto parts = split(text, ':');
  if (parts.size() != 3)
    throw InputError("'" + text + "': a range is FROM:TO:STEP (0:0.3:0.05) or FROM:TO:logN (1e-3:1e-1:log5)");
  const double from = number(parts[0], text), to = number(parts[1], text);
  std::vector<double> values;
  if (parts[2].rfind("log", 0) == 0) {
    const double n = number(parts[2].substr(3), text);
    if (n < 2 || n != std::floor(n) || n > static_cast<double>(MAX_VALUES))
      throw InputError("'" + text + "': logN needs a whole number of points N ≥ 2");
    if (from <= 0 || to <= 0)
      throw InputError("'" + text + "': a log range needs positive ends");
    const double a = std::log(from), b = std::log(to);
    for (int i = 0; i < static_cast<int>(n); ++i)
      values.push_back(i == 0 ? from : i == static_cast<int>(n) - 1 ? to : std::exp(a + (b - a) * i / (n - 1)));
    return values;
  }
  const double step = number(parts[2], text);
  if (step <= 0)
    throw InputError("'" + text + "': the step must be positive");
  if (to < from)
    throw InputError("'" + text + "': FROM must not exceed TO");
  // Count points from the step, tolerating rounding at the upper end.
  const double count = std::floor((to - from) / step * (1 + 1e-12) + 1e-9) + 1;
  if (count > static_cast<double>(MAX_VALUES))
    throw InputError("'" + text + "': more than 100000 values");
  // Each point is the decimal from + i·step at the precision FROM and STEP
  // are written in: counted in whole units of 10^-d and divided once, so
  // 0.05:0.2:0.05 gives 0.15 (what a filter == 0.15 finds), not
  // 0.15000000000000002. Exact while the units stay below 2^53; otherwise
  // (or for a hex float) from + i·step.
  const int d = std::max(decimals(parts[0]), decimals(parts[2]));
  double scale = 1.0; // 10^d, exact up to 10^22
  for (int i = 0; i < d; ++i)
    scale *= 10;
  const double first = std::round(from * scale), unit_step = std::round(step * scale);
  const bool decimal = std::min(decimals(parts[0]), decimals(parts[2])) >= 0 && d <= 22 && unit_step > 0 &&
                       std::abs(first) + unit_step * count < 0x1p53;
  for (int i = 0; i < static_cast<int>(count); ++i)
    values.push_back(decimal ? (first + unit_step * i) / scale : from + step * i);
  return values;
}

Parameter parse_parameter(const std::string& spec)
{
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("--set '" + spec + "': expected PATH=VALUES, e.g. touchpoints.checkout.checkout.steps=1:6:1");
  Parameter p{spec.substr(0, eq), {}};
  try {
    p.values = parse_values(spec.substr(eq + 1));
  } catch (const InputError& e) {
    throw InputError("--set " + p.path + ": " + e.what());
  }
  return p;
}

std::vector<GridPoint> cartesian(const std::vector<Parameter>& parameters)
{
  std::vector<GridPoint> points{GridPoint{}};
  for (const auto& p : parameters) {
    std::vector<GridPoint> next;
    for (const auto& point : points)
      for (std::size_t v = 0; v < p.values.size(); ++v) {
        GridPoint q = point;
        q.push_back(v);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  return points;
}

std::string yaml_number(double v)
{
  if (!std::isfinite(v)) // YAML's spellings; to_chars would write "inf"/"nan"
    return std::isnan(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
  return exact_number(v);
}

} // namespace journeysim
