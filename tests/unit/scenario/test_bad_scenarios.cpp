// Every file in tests/data/bad/ is a scenario with one mistake. Its first line
// says where the loader must report it and what the message must contain:
//
//   # expect: LINE:COLUMN: substring of the message
//
// (LINE and COLUMN 1-based, counted in bytes as in yaml-cpp; the substring is
// everything after "COLUMN: " to the end of the line.)

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
  std::ifstream in(file, std::ios::binary);
  std::string first;
  std::getline(in, first);
  if (!first.empty() && first.back() == '\r')
    first.pop_back();
  static const std::regex re(R"(^# expect: (\d+):(\d+): (.+)$)");
  std::smatch m;
  if (!std::regex_match(first, m, re))
    return false;
  out.line = std::stoi(m[1].str());
  out.column = std::stoi(m[2].str());
  out.message = m[3].str();
  return true;
}

std::vector<fs::path> bad_files()
{
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(JOURNEYSIM_TEST_DATA) / "bad"))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace

TEST_CASE("there is a bad scenario for every class of mistake", "[scenario][bad]")
{
  CHECK(bad_files().size() >= 40);
}

TEST_CASE("every bad scenario is rejected at the expected place", "[scenario][bad]")
{
  for (const auto& file : bad_files()) {
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
        INFO("got " << e.what());
        CHECK(e.file() == path);
        CHECK(e.line() == expect.line);
        CHECK(e.column() == expect.column);
        CHECK(e.message().find(expect.message) != std::string::npos);
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      CHECK(threw);
      CHECK(seconds < 2.0);
    }
  }
}
