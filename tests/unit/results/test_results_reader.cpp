// Results files are input: every attribute and length is checked against the
// rest of the file before it is used (docs/SAFETY.md). Each case below is a
// results file altered the way issue 14's battery altered them (attributes
// set to 0, 1, −5 or 2^32 + 5, tables emptied or resized, per-agent values
// out of range); each must be refused with one InputError line, never a
// crash (these run under ASan + UBSan in scripts/check).

#include "results_tamper.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>

namespace fs = std::filesystem;
using namespace journeysim;
using namespace journeysim::testing;

namespace {

//! The pristine file, written once per test binary and removed with it (by
//! the static's destructor: an atexit handler would run after the path's
//! own destruction).
struct PristineFile {
  std::string path =
    (fs::temp_directory_path() / ("journeysim-tamper-" + std::to_string(::getpid()) + ".h5")).string();
  PristineFile() { write_small_results(path); }
  ~PristineFile()
  {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

const std::string& pristine()
{
  static const PristineFile file;
  return file.path;
}

struct Tamper {
  const char* name;
  std::function<void(const std::string&)> apply;
  const char* message; //!< a substring of the refusal
};

const std::vector<Tamper>& tampers()
{
  static const std::vector<Tamper> t = {
    {"horizon_days = 0", [](auto& p) { set_attribute(p, "/", "horizon_days", 0); }, "horizon_days = 0"},
    {"horizon_days = 1 (agents' stage days exceed it)", [](auto& p) { set_attribute(p, "/", "horizon_days", 1); },
     "stage_day"},
    {"horizon_days = -5", [](auto& p) { set_attribute(p, "/", "horizon_days", -5); }, "horizon_days = -5"},
    {"horizon_days = 2^32 + 5", [](auto& p) { set_attribute(p, "/", "horizon_days", (std::int64_t{1} << 32) + 5); },
     "horizon_days = 4294967301"},
    {"horizon_days a string", [](auto& p) { set_attribute(p, "/", "horizon_days", std::string("30")); },
     "horizon_days"},
    {"population = 0", [](auto& p) { set_attribute(p, "/", "population", 0); }, "population = 0"},
    {"population = 2^39 (more than the columns hold)",
     [](auto& p) { set_attribute(p, "/", "population", std::int64_t{1} << 39); }, "expected [549755813888"},
    {"population one less than the columns", [](auto& p) { set_attribute(p, "/", "population", 2999); },
     "expected [2999"},
    {"format_version = 2", [](auto& p) { set_attribute(p, "/", "format_version", 2); }, "format_version"},
    {"per_agent = 7", [](auto& p) { set_attribute(p, "/", "per_agent", 7); }, "per_agent = 7"},
    {"/personas emptied", [](auto& p) { replace_strings(p, "personas/name", {}); }, "personas/name"},
    {"/personas/name removed", [](auto& p) { remove_object(p, "personas/name"); }, "personas/name"},
    {"a persona more", [](auto& p) { replace_strings(p, "personas/name", {"a", "b", "c", "d"}); },
     "funnel/by_persona"},
    {"/stages emptied", [](auto& p) { replace_strings(p, "stages/name", {}); }, "stages/name"},
    {"a stage fewer", [](auto& p) { replace_strings(p, "stages/name", {"a", "b", "c", "d"}); }, "stages/phase"},
    {"unknown phase",
     [](auto& p) { replace_strings(p, "stages/phase", {"pre_purchase", "x", "purchase", "purchase", "post_purchase"}); },
     "'x'"},
    {"stages/purchase too long",
     [](auto& p) { replace_dataset<std::uint8_t>(p, "stages/purchase", {0, 0, 0, 1, 0, 0, 0, 0, 0}); },
     "stages/purchase"},
    {"variants attribute empty", [](auto& p) { set_attribute(p, "/", "variants", std::string("")); }, "no variants"},
    {"variants lists a missing variant", [](auto& p) { set_attribute(p, "/", "variants", std::string("baseline,ghost")); },
     "'ghost'"},
    {"variants lists a path", [](auto& p) { set_attribute(p, "/", "variants", std::string("baseline,../stages")); },
     "'../stages'"},
    {"funnel/reached too short", [](auto& p) { replace_dataset<std::int64_t>(p, "variants/short/funnel/reached", {1, 2}); },
     "funnel/reached"},
    {"funnel/by_persona transposed",
     [](auto& p) { replace_dataset<std::int64_t>(p, "variants/baseline/funnel/by_persona", std::vector<std::int64_t>(15, 1), {5, 3}); },
     "by_persona"},
    {"touchpoint costs too long",
     [](auto& p) { replace_dataset<double>(p, "variants/loud/touchpoints/cost", std::vector<double>(40, 1.0)); },
     "touchpoints/cost"},
    {"journey map of another shape",
     [](auto& p) { replace_dataset<double>(p, "variants/baseline/journey_map/mood_in", std::vector<double>(2, 0.0)); },
     "mood_in"},
    {"per-agent column shorter",
     [](auto& p) { replace_dataset<double>(p, "variants/short/agents/revenue", std::vector<double>(100, 0.0)); },
     "agents/revenue"},
    {"stage_day 1-D", [](auto& p) { replace_dataset<std::int16_t>(p, "variants/short/agents/stage_day", std::vector<std::int16_t>(3000, 0)); },
     "stage_day"},
    {"persona out of range",
     [](auto& p) { replace_dataset<std::uint16_t>(p, "variants/baseline/agents/persona", std::vector<std::uint16_t>(3000, 5000)); },
     "persona 5000"},
    {"stage day beyond the horizon",
     [](auto& p) {
       std::vector<std::int16_t> days(3000 * 5, -1);
       days[0] = 30000;
       replace_dataset<std::int16_t>(p, "variants/short/agents/stage_day", days, {3000, 5});
     },
     "stage_day 30000"},
    {"stage days out of order",
     [](auto& p) {
       std::vector<std::int16_t> days(3000 * 5, -1);
       for (std::size_t i = 0; i < 3000; ++i) {
         days[i * 5] = 9;
         days[i * 5 + 1] = 2;
       }
       replace_dataset<std::int16_t>(p, "variants/short/agents/stage_day", days, {3000, 5});
     },
     "stage_day 2"},
    {"lost at a stage that does not exist",
     [](auto& p) {
       replace_dataset<std::int8_t>(p, "variants/short/agents/final_stage", std::vector<std::int8_t>(3000, 100));
       replace_dataset<std::uint8_t>(p, "variants/short/agents/lost", std::vector<std::uint8_t>(3000, 1));
     },
     "final_stage 100"},
    {"revenue NaN",
     [](auto& p) {
       replace_dataset<double>(p, "variants/loud/agents/revenue",
                               std::vector<double>(3000, std::numeric_limits<double>::quiet_NaN()));
     },
     "finite"},
    {"comparison columns of different lengths",
     [](auto& p) { replace_dataset<double>(p, "comparison/short/p_value", std::vector<double>(1, 0.5)); },
     "comparison"},
    {"comparison column 2-D",
     [](auto& p) { replace_dataset<double>(p, "comparison/loud/baseline", std::vector<double>(4, 0.5), {2, 2}); },
     "comparison"},
    {"summary group removed", [](auto& p) { remove_object(p, "variants/short/summary"); }, "summary"},
    {"/variants removed", [](auto& p) { remove_object(p, "variants"); }, "no /variants"},
  };
  return t;
}

} // namespace

TEST_CASE("the pristine small results file reads completely", "[results][reader]")
{
  REQUIRE_NOTHROW(read_everything(pristine()));
  const ResultsReader r(pristine());
  CHECK(r.agents() == 3000);
  CHECK(r.horizon_days() == 30);
  CHECK(r.variants() == std::vector<std::string>{"baseline", "short", "loud"});
}

TEST_CASE("tampered results files are refused with one line, never a crash", "[results][reader][hostile]")
{
  CHECK(tampers().size() >= 30);
  for (const auto& t : tampers())
    SECTION(t.name) {
      const std::string path = pristine() + ".t.h5";
      fs::copy_file(pristine(), path, fs::copy_options::overwrite_existing);
      t.apply(path);
      std::string message;
      try {
        read_everything(path);
      } catch (const InputError& e) {
        message = e.what();
      }
      fs::remove(path);
      INFO(t.name << ": " << message);
      REQUIRE_FALSE(message.empty());
      CHECK(message.find('\n') == std::string::npos);
      CHECK(message.size() < 600);
      CHECK_THAT(message, Catch::Contains(t.message));
    }
}

TEST_CASE("a FIFO, a directory or a device is refused without opening it for reading", "[results][reader]")
{
  const std::string fifo = pristine() + ".fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // No writer: a blocking open() would never return.
  CHECK_THROWS_WITH(ResultsReader(fifo), Catch::Contains("FIFO"));
  fs::remove(fifo);
  CHECK_THROWS_WITH(ResultsReader(fs::temp_directory_path().string()), Catch::Contains("directory"));
  CHECK_THROWS_WITH(ResultsReader("/dev/zero"), Catch::Contains("device"));
  CHECK_THROWS_WITH(ResultsReader(pristine() + ".missing"), Catch::Contains("no such file"));
}
