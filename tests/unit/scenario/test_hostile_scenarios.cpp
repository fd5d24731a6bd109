// Every file in tests/data/hostile/ is input meant to crash, hang or exhaust
// the loader (tests/data/hostile/generate.py). Each must be refused with a
// ScenarioError at the expected place, quickly. The expectation is the first
// line "# expect: LINE:COLUMN: substring", or, for files that cannot carry a
// comment (binary, BOM, empty), a sidecar FILE.expect "LINE:COLUMN: substring".
// In-process, so the ASan/UBSan build (scripts/check) runs them all too.

#include "journeysim/error.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Expectation {
  int line = 0;
  int column = 0;
  std::string message;
};

bool read_expectation(const fs::path& file, Expectation& out)
{
  fs::path from = file;
  std::string prefix = "# expect: ";
  if (fs::exists(file.string() + ".expect")) {
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

//! Sanitizers (scripts/check) slow the loader 5-20×: the time bound is for
//! Release builds; a sanitized one only has to finish.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr double MAX_SECONDS = 60.0;
#else
constexpr double MAX_SECONDS = 2.0;
#endif

std::vector<fs::path> hostile_files()
{
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(JOURNEYSIM_TEST_DATA) / "hostile"))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace

TEST_CASE("the hostile catalogue has at least 40 inputs", "[scenario][hostile]")
{
  CHECK(hostile_files().size() >= 40);
}

TEST_CASE("every hostile input is refused at the expected place, quickly", "[scenario][hostile]")
{
  for (const auto& file : hostile_files()) {
    const std::string path = file.string();
    SECTION(file.filename().string())
    {
      Expectation expect;
      INFO(path);
      REQUIRE(read_expectation(file, expect));
      INFO("expected " << expect.line << ":" << expect.column << ": " << expect.message);

      const auto start = std::chrono::steady_clock::now();
      bool threw = false;
      try {
        (void)journeysim::load_scenario(path);
      } catch (const journeysim::ScenarioError& e) {
        threw = true;
        INFO("got " << std::string(e.what()).substr(0, 300));
        CHECK(e.file() == path);
        CHECK(e.line() == expect.line);
        CHECK(e.column() == expect.column);
        CHECK(e.message().find(expect.message) != std::string::npos);
        // One printable line of reasonable length, whatever the input held.
        CHECK(e.message().size() < 600);
        CHECK(std::none_of(e.message().begin(), e.message().end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      CHECK(threw);
      CHECK(seconds < MAX_SECONDS);
    }
  }
}

TEST_CASE("scenario text past the size limit is refused before parsing", "[scenario][hostile]")
{
  const std::string huge(5u * 1024u * 1024u, 'a');
  try {
    (void)journeysim::parse_scenario(huge, "huge.yaml");
    FAIL("accepted a 5 MiB scenario");
  } catch (const journeysim::ScenarioError& e) {
    CHECK(e.line() == 1);
    CHECK(e.message().find("file too large") != std::string::npos);
  }
}
