#pragma once
//! A one-line progress bar with rate and ETA, drawn on stderr only when it
//! is a terminal (logs and CI stay clean).

#include <chrono>
#include <cstdint>
#include <string>

namespace journeysim::cli {

class ProgressBar {
public:
  ProgressBar(std::uint64_t total, std::string unit, bool enabled);
  //! Redraws at most ~10 times a second; `note` (e.g. "run 3/40") leads the line.
  void update(std::uint64_t done, const std::string& note = {});
  void finish();                   //!< clears the line

private:
  void draw(std::uint64_t done, const std::string& note);
  std::uint64_t total_;
  std::string unit_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

//! 1234567 → "1.23M"; small numbers as they are.
std::string human_count(double x);
//! Seconds → "1:05" / "1:02:03".
std::string human_duration(double seconds);

} // namespace journeysim::cli
