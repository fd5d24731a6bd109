#include "cli_util.h"

#include "journeysim/error.h"
#include "journeysim/scenario/scenario.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

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
    throw InputError("--" + option + ": expected a whole number from 1 to 1e12, got '" + text + "'");
  return static_cast<std::uint64_t>(x);
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

std::string thousands(std::int64_t n)
{
  std::string s = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return n < 0 ? "-" + s : s;
}

std::string fixed(double x, int digits)
{
  if (std::isnan(x))
    return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

} // namespace journeysim::cli

namespace journeysim::cli {

void write_text_file(const std::string& path, const std::string& text, bool force)
{
  if (!force && std::filesystem::exists(path))
    throw InputError(path + ": exists; use --force to replace it");
  const std::string partial = path + ".partial-" + std::to_string(::getpid());
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      throw OutputError("cannot write " + path);
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    throw OutputError("cannot write " + path + ": " + ec.message());
  }
}

} // namespace journeysim::cli
