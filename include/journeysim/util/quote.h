#pragma once
//! A name or path as messages show it: in single quotes.

#include <string>

namespace journeysim {

inline std::string quote(const std::string& s) { return "'" + s + "'"; }

} // namespace journeysim
