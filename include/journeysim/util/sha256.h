#pragma once
//! SHA-256 (FIPS 180-4), for recording which scenario text produced a result.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace journeysim {

//! The 32-byte digest of `data`.
std::array<std::uint8_t, 32> sha256(std::string_view data) noexcept;

//! The digest as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

} // namespace journeysim
