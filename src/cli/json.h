#pragma once
//! Numbers and strings as the machine-readable outputs (`--format json`,
//! CSV) print them.

#include <string>

namespace journeysim::cli {

//! The shortest decimal text that reads back as exactly `x` (0.018, not
//! 0.017999999999999999); empty for NaN and ±∞.
std::string exact_number(double x);

//! A JSON number (exact_number), or null for NaN and ±∞.
std::string json_number(double x);

//! A JSON string: quotes, backslashes and control characters escaped.
std::string json_string(const std::string& s);

} // namespace journeysim::cli
