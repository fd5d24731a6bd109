#include "json.h"

#include <cmath>
#include <cstdio>

namespace journeysim::cli {

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

std::string json_strings(const std::vector<std::string>& v)
{
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + json_string(v[i]);
  return out + "]";
}

} // namespace journeysim::cli
