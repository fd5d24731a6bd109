#include "cli_util.h"

#include "journeysim/error.h"
#include "journeysim/parallel/ranks.h"
#include "journeysim/scenario/scenario.h"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace po = boost::program_options;

namespace journeysim::cli {

po::variables_map parse_args(const std::vector<std::string>& args, const po::options_description& options,
                             const po::positional_options_description& pos)
{
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(pos).run(), vm);
  po::notify(vm);
  return vm;
}

std::uint64_t parse_count(const std::string& text, const std::string& option)
{
  std::string s;
  for (char c : text)
    if (c != '_' && c != ',')
      s += c;
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(x) || x < 1 || x != std::floor(x) ||
      x > static_cast<double>(MAX_POPULATION))
    throw InputError("--" + option + ": expected a whole number from 1 to 1e12, got '" + clip(text) + "'");
  return static_cast<std::uint64_t>(x);
}

std::uint64_t parse_seed(const std::string& text)
{
  std::uint64_t seed = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, seed);
  if (text.empty() || ec != std::errc() || p != end)
    throw InputError("--seed: expected a whole number from 0 to 18446744073709551615, got '" + clip(text) + "'");
  return seed;
}

rng::Stream parse_random_stream(int stream)
{
  if (stream < 1 || stream > 4)
    throw InputError("--random-stream: expected 1, 2, 3 or 4, got " + std::to_string(stream));
  return static_cast<rng::Stream>(stream);
}

int cap_threads(int requested)
{
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (requested <= 4 * cores)
    return requested;
  std::cerr << "journeysim: --threads " << requested << " capped at " << 4 * cores << " (4 × the " << cores
            << " cores): more threads only cost memory and Ctrl-C latency; results are the same\n";
  return 4 * cores;
}

std::string clip(const std::string& text, std::size_t max)
{
  if (text.size() <= max)
    return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut; // not inside a UTF-8 sequence
  return text.substr(0, cut) + "…";
}

Scenario load_scenario_with(const std::string& path, const std::vector<Override>& overrides)
{
  try {
    return load_scenario(path, overrides);
  } catch (const ScenarioError& e) {
    if (e.file() != "--set" || e.line() < 1 || static_cast<std::size_t>(e.line()) > overrides.size())
      throw;
    const Override& o = overrides[static_cast<std::size_t>(e.line() - 1)];
    throw InputError("--set " + o.path + "=" + o.value + ": " + e.message());
  }
}

std::string printable(const std::string& text)
{
  std::string out;
  out.reserve(text.size());
  char hex[8];
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      std::snprintf(hex, sizeof hex, "\\u%04X", static_cast<unsigned char>(text[++i]));
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string thousands(std::int64_t n)
{
  // The magnitude as unsigned: −n overflows for the most negative n.
  const std::uint64_t magnitude = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  const std::string digits = std::to_string(magnitude);
  std::string s = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      s += ',';
    s += digits[i];
  }
  return s;
}

namespace {
//! `x` printed by `format` ("%.*f" or "%.*g") with `digits`; NaN → "—".
std::string printed(const char* format, double x, int digits)
{
  if (std::isnan(x))
    return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, digits, x);
  return buf;
}
} // namespace

std::string fixed(double x, int digits) { return printed("%.*f", x, digits); }

std::string num(double x, int digits) { return printed("%.*g", x, digits); }

} // namespace journeysim::cli

namespace journeysim::cli {

void check_can_create(const std::string& path, const std::string& option)
{
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw OutputError(option + ": '" + path + "' is a directory");
  const std::string probe = path + ".partial-" + std::to_string(::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST) // someone's file of that name: the directory is usable, not ours to touch
    return;
  if (fd < 0)
    throw OutputError(option + ": cannot create '" + probe + "': " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

} // namespace journeysim::cli

namespace journeysim::cli {

void abort_ranks(const parallel::Ranks& ranks, const std::string& message, int code)
{
  std::cerr << "journeysim: rank " << ranks.rank() << " of " << ranks.size() << ": " << message
            << "; stopping every rank\n";
  std::cerr.flush();
  ranks.abort(code);
}

} // namespace journeysim::cli
