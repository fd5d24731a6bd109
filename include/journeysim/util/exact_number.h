#pragma once
//! A number as text that reads back to the same double: the shortest such
//! (0.018, not 0.017999999999999999), for files and messages alike.

#include <charconv>
#include <cmath>
#include <string>

namespace journeysim {

//! Empty for NaN and ±∞: each caller spells those its own way (JSON null, YAML .inf, an empty CSV cell).
inline std::string exact_number(double x)
{
  if (!std::isfinite(x))
    return "";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x); // shortest round trip
  return std::string(buf, r.ptr);
}

} // namespace journeysim
