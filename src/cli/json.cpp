#include "json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace journeysim::cli {

std::string exact_number(double x)
{
  if (!std::isfinite(x))
    return "";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x); // shortest round trip
  return std::string(buf, r.ptr);
}

std::string json_number(double x)
{
  const std::string s = exact_number(x);
  return s.empty() ? "null" : s;
}

std::string json_string(const std::string& s)
{
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

} // namespace journeysim::cli
