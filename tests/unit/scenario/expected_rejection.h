#pragma once
// Scenario files that must be refused, each saying where and why: the first
// line "# expect: LINE:COLUMN: substring of the message", or, for files that
// cannot carry a comment (binary, BOM, empty), a sidecar FILE.expect holding
// "LINE:COLUMN: substring". LINE and COLUMN are 1-based, counted in bytes as
// in yaml-cpp. Shared by the bad-scenario (tests/data/bad) and hostile-input
// (tests/data/hostile) catalogues.

#include "journeysim/error.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace journeysim::testing {

struct Expectation {
  int line = 0;
  int column = 0;
  std::string message;
};

inline bool read_expectation(const std::filesystem::path& file, Expectation& out)
{
  std::filesystem::path from = file;
  std::string prefix = "# expect: ";
  if (std::filesystem::exists(file.string() + ".expect")) {
    from = file.string() + ".expect";
    prefix.clear();
  }
  std::ifstream in(from, std::ios::binary);
  std::string first;
  std::getline(in, first);
  if (!first.empty() && first.back() == '\r')
    first.pop_back();
  if (first.compare(0, prefix.size(), prefix) != 0)
    return false;
  static const std::regex re(R"(^(\d+):(\d+): (.+)$)");
  std::smatch m;
  const std::string rest = first.substr(prefix.size());
  if (!std::regex_match(rest, m, re))
    return false;
  out.line = std::stoi(m[1].str());
  out.column = std::stoi(m[2].str());
  out.message = m[3].str();
  return true;
}

//! The *.yaml files of tests/data/<folder>, sorted.
inline std::vector<std::filesystem::path> catalogue(const std::string& folder)
{
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(JOURNEYSIM_TEST_DATA) / folder))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

//! CPU time of the calling thread: the bound is on the loader's work, which
//! a busy machine (CI on 2 shared cores) does not change, unlike wall time.
inline double thread_cpu_seconds()
{
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

//! Sanitizers (scripts/check) slow the loader 5-20×: the time bound is for
//! Release builds; a sanitized one only has to finish.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr double MAX_SECONDS = 60.0;
#else
inline constexpr double MAX_SECONDS = 2.0;
#endif

//! Loads `file` and checks it is refused where its expectation says, with one
//! printable line of reasonable length, within MAX_SECONDS of CPU time.
inline void check_rejected(const std::filesystem::path& file)
{
  const std::string path = file.string();
  Expectation expect;
  INFO(path);
  REQUIRE(read_expectation(file, expect));
  INFO("expected " << expect.line << ":" << expect.column << ": " << expect.message);

  const double start = thread_cpu_seconds();
  bool threw = false;
  try {
    (void)load_scenario(path);
  } catch (const ScenarioError& e) {
    threw = true;
    INFO("got " << std::string(e.what()).substr(0, 300));
    CHECK(e.file() == path);
    CHECK(e.line() == expect.line);
    CHECK(e.column() == expect.column);
    CHECK(e.message().find(expect.message) != std::string::npos);
    CHECK(e.message().size() < 600);
    CHECK(std::none_of(e.message().begin(), e.message().end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
  }
  const double seconds = thread_cpu_seconds() - start;
  CHECK(threw);
  CHECK(seconds < MAX_SECONDS);
}

} // namespace journeysim::testing
