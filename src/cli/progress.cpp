#include "progress.h"

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace journeysim::cli {

ProgressBar::ProgressBar(std::uint64_t total, std::string unit, bool enabled)
  : total_(total), unit_(std::move(unit)), enabled_(enabled && isatty(STDERR_FILENO)),
    start_(std::chrono::steady_clock::now()), last_draw_(start_)
{
}

void ProgressBar::update(std::uint64_t done, const std::string& note)
{
  if (!enabled_)
    return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100))
    return;
  last_draw_ = now;
  draw(done, note);
}

void ProgressBar::draw(std::uint64_t done, const std::string& note)
{
  constexpr int width = 30;
  const double fraction = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  std::string bar(static_cast<std::size_t>(width), ' ');
  const int filled = static_cast<int>(fraction * width);
  for (int i = 0; i < filled; ++i)
    bar[static_cast<std::size_t>(i)] = '#';
  std::fprintf(stderr, "\r%s%s[%s] %3.0f%%  %s/%s %s  %s %s/s  ETA %s ", note.c_str(), note.empty() ? "" : " ", bar.c_str(), fraction * 100.0,
               human_count(static_cast<double>(done)).c_str(),
               human_count(static_cast<double>(total_)).c_str(), unit_.c_str(),
               human_count(rate).c_str(), unit_.c_str(), human_duration(eta).c_str());
  std::fflush(stderr);
}

void ProgressBar::finish()
{
  if (!enabled_)
    return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

std::string human_count(double x)
{
  char buf[32];
  if (x >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2fG", x / 1e9);
  else if (x >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", x / 1e6);
  else if (x >= 1e4)
    std::snprintf(buf, sizeof buf, "%.1fk", x / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", x);
  return buf;
}

std::string human_duration(double seconds)
{
  const auto s = static_cast<long>(std::lround(seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

} // namespace journeysim::cli
