#pragma once
//! Numbers and strings as the machine-readable outputs (`--format json`,
//! CSV) print them.

#include "journeysim/util/exact_number.h"

#include <string>
#include <vector>

namespace journeysim::cli {

using journeysim::exact_number; // the shortest text that reads back exactly; empty for NaN and ±∞

//! A JSON number (exact_number), or null for NaN and ±∞.
std::string json_number(double x);

//! A JSON string: quotes, backslashes and control characters escaped.
std::string json_string(const std::string& s);

//! A JSON array of strings.
std::string json_strings(const std::vector<std::string>& v);

} // namespace journeysim::cli
