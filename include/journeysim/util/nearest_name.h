#pragma once
//! "did you mean …?" for misspelt names.

#include <string>
#include <string_view>
#include <vector>

namespace journeysim {

//! Damerau–Levenshtein (optimal string alignment) distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

//! The candidate closest to `name` if it is plausibly a typo of it, else "".
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

//! " — did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

} // namespace journeysim
