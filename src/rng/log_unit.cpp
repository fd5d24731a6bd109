#include "journeysim/rng/log_unit.h"

#include <cmath>

namespace journeysim::rng {

namespace {
std::array<LogTableEntry, 128> make_table()
{
  std::array<LogTableEntry, 128> t{};
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double inverse = 1.0 / (1.0 + (static_cast<double>(i) + 0.5) / 128.0);
    t[i] = {inverse, static_cast<double>(-std::log(static_cast<long double>(inverse)))};
  }
  return t;
}
} // namespace

// Constant once filled, before main (no static initialiser reads it).
const std::array<LogTableEntry, 128> LOG_TABLE = make_table();

} // namespace journeysim::rng
