#include "journeysim/results/results_writer.h"

#include "journeysim/error.h"
#include "journeysim/results/h5.h"
#include "journeysim/util/sha256.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
namespace h5 = journeysim::h5;
using namespace journeysim;
using journeysim::testing::TempDir;

namespace {

Distribution uniform(double lo, double hi)
{
  Distribution d;
  d.kind = Distribution::Kind::Uniform;
  d.a = lo;
  d.b = hi;
  return d;
}

Distribution choice(std::vector<std::string> labels)
{
  Distribution d;
  d.kind = Distribution::Kind::Choice;
  d.weights.assign(labels.size(), 1.0);
  d.labels = std::move(labels);
  return d;
}

//! Three stages, two personas (a numeric and a choice attribute), two
//! variants sharing the population, and a third with another persona mix.
Scenario tiny_scenario()
{
  Model m;
  m.name = "baseline";
  m.description = "the base case";
  m.stages = {{"awareness", Phase::PrePurchase, 0.1, false, 0.0},
              {"purchase", Phase::Purchase, 0.0, true, 0.0},
              {"loyalty", Phase::PostPurchase, 0.05, false, 0.0}};
  Persona a;
  a.name = "student";
  a.share = 3;
  a.attributes = {{"age", uniform(18, 25)}, {"generation", choice({"z", "millennial"})}};
  Persona b;
  b.name = "parent";
  b.share = 1;
  b.attributes = {{"age", uniform(30, 50)}};
  m.personas = {a, b};
  Touchpoint ad;
  ad.name = "ad";
  ad.channel = "social";
  ad.kind = TouchKind::PainPoint;
  m.touchpoints = {ad};

  Scenario sc;
  sc.path = "tiny.yaml";
  sc.source = "name: tiny\n";
  sc.name = "tiny";
  sc.horizon_days = 5;
  sc.population = 10;
  sc.seed = 42;
  sc.variants.push_back(m);
  Model v = m;
  v.name = "more_ads";
  v.overrides = "touchpoints: []\n";
  sc.variants.push_back(v);
  Model w = m;
  w.name = "students_only";
  w.personas[1].share = 0;
  sc.variants.push_back(w);
  return sc;
}

RunOptions tiny_options(std::uint64_t agents = 10)
{
  RunOptions o;
  o.agents = agents;
  o.seed = 42;
  o.seed_given = true;
  o.threads = 1;
  o.chunk_agents = 1024;
  o.variants = {0, 1, 2};
  return o;
}

//! Deterministic hand-made outcomes for agents [first, first + n).
struct TinyRun {
  std::vector<Chunk> chunks;
  RunResult result;
};

TinyRun tiny_run(const Scenario& sc, const RunOptions& o, std::size_t chunk)
{
  TinyRun run;
  run.result.agents = o.agents;
  run.result.seed = o.seed;
  run.result.threads = 1;
  run.result.variants = o.variants;
  run.result.touchpoints = {{"ad", "social", TouchKind::PainPoint},
                            {"mail", "email", TouchKind::Neutral}};
  const std::size_t k = 3;
  for (std::size_t v = 0; v < o.variants.size(); ++v)
    run.result.totals.emplace_back(k, 2, sc.horizon_days, 2, 0, 1);
  for (std::uint64_t first = 0; first < o.agents; first += chunk) {
    Chunk c;
    c.first = first;
    c.size = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, o.agents - first));
    // Population 0 is shared by variants 0 and 1; variant 2 has its own.
    c.populations.resize(2);
    for (auto& p : c.populations) {
      p.first = first;
      p.size = c.size;
      for (std::size_t i = 0; i < c.size; ++i) {
        p.id.push_back(first + i);
        p.persona.push_back(static_cast<std::uint16_t>((first + i) % 2));
      }
      p.attributes.resize(2 * c.size);
      for (std::size_t i = 0; i < c.size; ++i) {
        p.attributes[i] = 20.0f + static_cast<float>(first + i); // age
        p.attributes[c.size + i] =
            (first + i) % 2 ? 255.0f : static_cast<float>((first + i) % 4 / 2); // generation
      }
    }
    c.populations[1].attributes[c.size] =
        std::nanf(""); // a missing choice the engine stored as NaN
    for (std::size_t v = 0; v < o.variants.size(); ++v) {
      VariantChunk vc;
      vc.variant = o.variants[v];
      vc.agents = &c.populations[v == 2 ? 1 : 0];
      vc.outcomes.resize(c.size, k);
      for (std::size_t i = 0; i < c.size; ++i) {
        const auto id = first + i;
        auto& out = vc.outcomes;
        out.stage_day[i * k] = 0;
        out.stage_day[i * k + 1] = (id % 3 == 0) ? 2 : -1;
        out.stage_day[i * k + 2] = -1;
        out.final_stage[i] = (id % 3 == 0) ? 1 : 0;
        out.lost[i] = (id % 3 == 1) ? 1 : 0;
        out.lost_day[i] = (id % 3 == 1) ? 3 : -1;
        out.purchases[i] = (id % 3 == 0) ? 1 : 0;
        out.revenue[i] = (id % 3 == 0) ? 10.0 + static_cast<double>(v) : 0.0;
        out.cost[i] = 0.5;
        out.touches[i] = 1;
        out.cart_abandons[i] = 0;
        out.mood[i] = 0.1f;
      }
      auto& t = run.result.totals[v];
      t.add_counts(*vc.agents, vc.outcomes);
      double revenue = 0;
      for (double r : vc.outcomes.revenue)
        revenue += r;
      t.add_sums(revenue, 0.5 * static_cast<double>(c.size), 0.1 * static_cast<double>(c.size));
      c.variants.push_back(std::move(vc));
    }
    run.chunks.push_back(std::move(c));
  }
  for (auto& t : run.result.totals) {
    t.tally.exposures = {static_cast<std::int64_t>(o.agents), 0};
    t.tally.advances = {3, 0};
    t.touch_cost = {0.5 * static_cast<double>(o.agents), 0.0};
    t.finish();
  }
  return run;
}

std::string output_error(const std::function<void()>& f)
{
  try {
    f();
  } catch (const OutputError& e) {
    return e.what();
  }
  return "";
}

std::string slurp(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t partial_files(const fs::path& dir)
{
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".partial-") != std::string::npos)
      ++n;
  return n;
}

} // namespace

TEST_CASE("ResultsWriter commits a complete file in place", "[results][writer]")
{
  TempDir dir;
  const Scenario sc = tiny_scenario();
  const RunOptions o = tiny_options(10);
  const std::string target = dir.file("out.h5");
  const std::size_t chunk = GENERATE(3, 10);
  const TinyRun run = tiny_run(sc, o, chunk);
  const bool compress = GENERATE(false, true);

  {
    WriterOptions wo;
    wo.compress = compress;
    ResultsWriter w(target, sc, o, wo);
    CHECK(w.temporary_path().rfind(target + ".partial-", 0) == 0);
    CHECK(fs::exists(w.temporary_path()));
    CHECK_FALSE(fs::exists(target));
    for (const auto& c : run.chunks)
      w.write(c);
    w.commit(run.result);
    CHECK_FALSE(fs::exists(w.temporary_path()));
  }
  REQUIRE(fs::exists(target));
  CHECK(partial_files(dir.path()) == 0);
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0); // nothing left open

  const h5::File f = h5::open_file(target);
  CHECK(h5::read_attribute_string(f, "format") == "journeysim-results");
  CHECK(h5::read_attribute_int(f, "format_version") == 1);
  CHECK(h5::read_attribute_int(f, "complete") == 1);
  CHECK(h5::read_attribute_uint(f, "seed") == 42);
  CHECK(h5::read_attribute_uint(f, "population") == 10);
  CHECK(h5::read_attribute_int(f, "horizon_days") == 5);
  CHECK(h5::read_attribute_string(f, "variants") == "baseline,more_ads,students_only");
  const std::string created = h5::read_attribute_string(f, "created_utc");
  CHECK(created.size() == 20);
  CHECK(created.back() == 'Z');

  const h5::Group scenario = h5::open_group(f, "scenario");
  CHECK(h5::read_attribute_string(scenario, "source") == sc.source);
  CHECK(h5::read_attribute_string(scenario, "sha256") == sha256_hex(sc.source));
  CHECK(h5::read_attribute_string(scenario, "path") == "tiny.yaml");

  CHECK(h5::read_strings(f, "stages/name") ==
        std::vector<std::string>{"awareness", "purchase", "loyalty"});
  CHECK(h5::read_strings(f, "personas/name") == std::vector<std::string>{"student", "parent"});
  CHECK(h5::read_dataset<double>(f, "personas/share") == std::vector<double>{0.75, 0.25});
  CHECK(h5::read_strings(f, "touchpoints/name") == std::vector<std::string>{"ad", "mail"});

  // Per-agent columns, stitched from the chunks.
  const auto ids = h5::read_dataset<std::uint64_t>(f, "variants/baseline/agents/agent_id");
  REQUIRE(ids.size() == 10);
  for (std::size_t i = 0; i < ids.size(); ++i)
    CHECK(ids[i] == i);
  CHECK(h5::dims(h5::open_dataset(f, "variants/more_ads/agents/stage_day")) ==
        std::vector<std::uint64_t>{10, 3});
  const auto revenue = h5::read_dataset<double>(f, "variants/more_ads/agents/revenue");
  CHECK(revenue[3] == 11.0);
  const auto age = h5::read_dataset<float>(f, "variants/baseline/agents/attr_age");
  CHECK(age[9] == 29.0f);
  const auto gen = h5::read_dataset<std::uint8_t>(f, "variants/baseline/agents/attr_generation");
  CHECK(gen == std::vector<std::uint8_t>{0, 255, 1, 255, 0, 255, 1, 255, 0, 255});
  {
    const h5::Dataset ds = h5::open_dataset(f, "variants/baseline/agents/attr_generation");
    CHECK(h5::read_attribute_strings(ds, "labels") == std::vector<std::string>{"z", "millennial"});
    CHECK(h5::read_attribute_int(ds, "missing_code") == 255);
  }
  // NaN in a choice column becomes the missing code.
  const auto gen2 =
      h5::read_dataset<std::uint8_t>(f, "variants/students_only/agents/attr_generation");
  CHECK(gen2[0] == 255);

  // Shared population: stored once, hard-linked; a different mix is its own.
  H5O_info_t info;
  REQUIRE(H5Oget_info_by_name(f.id(), "/variants/more_ads/agents/agent_id", &info, H5P_DEFAULT) >=
          0);
  CHECK(info.rc == 2);
  REQUIRE(H5Oget_info_by_name(f.id(), "/variants/baseline/agents/attr_age", &info, H5P_DEFAULT) >=
          0);
  CHECK(info.rc == 2);
  REQUIRE(H5Oget_info_by_name(f.id(), "/variants/students_only/agents/persona", &info,
                              H5P_DEFAULT) >= 0);
  CHECK(info.rc == 1);
  REQUIRE(H5Oget_info_by_name(f.id(), "/variants/more_ads/agents/revenue", &info, H5P_DEFAULT) >=
          0);
  CHECK(info.rc == 1);

  // Aggregates.
  CHECK(h5::read_dataset<std::int64_t>(f, "variants/baseline/funnel/reached") ==
        std::vector<std::int64_t>{10, 4, 0});
  CHECK(h5::dims(h5::open_dataset(f, "variants/baseline/funnel/by_persona")) ==
        std::vector<std::uint64_t>{2, 3});
  CHECK(h5::dims(h5::open_dataset(f, "variants/baseline/daily/in_stage")) ==
        std::vector<std::uint64_t>{5, 3});
  CHECK(h5::read_dataset<std::int64_t>(f, "variants/baseline/touchpoints/exposures") ==
        std::vector<std::int64_t>{10, 0});
  const h5::Group summary = h5::open_group(f, "variants/more_ads/summary");
  CHECK(h5::read_attribute_uint(summary, "agents") == 10);
  CHECK(h5::read_attribute_int(summary, "conversions") == 4);
  CHECK(h5::read_attribute_double(summary, "revenue") == 44.0);
  CHECK(std::isnan(h5::read_attribute_double(summary, "cart_abandon_rate")) == false);
  const h5::Group variant = h5::open_group(f, "variants/more_ads");
  CHECK(h5::read_attribute_string(variant, "overrides") == "touchpoints: []\n");
}

TEST_CASE("ResultsWriter refuses to replace a file without force", "[results][writer]")
{
  TempDir dir;
  const Scenario sc = tiny_scenario();
  const RunOptions o = tiny_options(10);
  const std::string target = dir.file("out.h5");
  const TinyRun run = tiny_run(sc, o, 4);
  const auto write_complete = [&](const std::string& path, const WriterOptions& wo) {
    ResultsWriter w(path, sc, o, wo);
    for (const auto& c : run.chunks)
      w.write(c);
    w.commit(run.result);
  };
  write_complete(target, {});
  const std::string old_digest = sha256_hex(slurp(target));

  // Refusing to overwrite is an input error (exit code 2), not a failure.
  CHECK_THROWS_WITH(ResultsWriter(target, sc, o, {}),
                    "'" + target + "' exists; use --force to replace it");
  CHECK_THROWS_AS(ResultsWriter(target, sc, o, {}), InputError);
  CHECK(partial_files(dir.path()) == 0);

  // With force, the old file stays until the new one is complete.
  WriterOptions wo;
  wo.force = true;
  {
    ResultsWriter w(target, sc, o, wo);
    for (const auto& c : run.chunks)
      w.write(c);
    CHECK(sha256_hex(slurp(target)) == old_digest);
    w.commit(run.result);
  }
  CHECK(partial_files(dir.path()) == 0);

  // --force replaces only journeysim results files.
  const std::string notes = dir.file("notes.txt");
  std::ofstream(notes) << "old results\n";
  CHECK_THROWS_WITH(ResultsWriter(notes, sc, o, wo), Catch::Contains("not a journeysim results file"));
  CHECK(fs::file_size(notes) == 12);
  CHECK(partial_files(dir.path()) == 0);
  const h5::File f = h5::open_file(target);
  CHECK(h5::read_attribute_int(f, "complete") == 1);
}

TEST_CASE("ResultsWriter reports bad targets clearly", "[results][writer]")
{
  TempDir dir;
  const Scenario sc = tiny_scenario();
  const RunOptions o = tiny_options(10);

  const std::string missing = dir.file("no/such/out.h5");
  CHECK(output_error([&] { ResultsWriter(missing, sc, o, {}); }) ==
        "cannot create results file '" + missing + "': directory '" + dir.file("no/such") +
            "' does not exist");

  WriterOptions wo;
  wo.force = true;
  CHECK(output_error([&] { ResultsWriter(dir.path().string(), sc, o, wo); }) ==
        "cannot write results to '" + dir.path().string() + "': it is a directory");
  CHECK(partial_files(dir.path()) == 0);
}

TEST_CASE("ResultsWriter removes its partial file unless committed", "[results][writer]")
{
  TempDir dir;
  const Scenario sc = tiny_scenario();
  const RunOptions o = tiny_options(10);
  const std::string target = dir.file("out.h5");
  const TinyRun run = tiny_run(sc, o, 4);
  std::string temp;
  {
    ResultsWriter w(target, sc, o, {});
    temp = w.temporary_path();
    w.write(run.chunks[0]); // interrupted after one chunk
    REQUIRE(fs::exists(temp));
    // Readers can tell an interrupted file.
    const h5::File f = h5::open_file(temp);
    CHECK(h5::read_attribute_int(f, "complete") == 0);
  }
  CHECK_FALSE(fs::exists(temp));
  CHECK_FALSE(fs::exists(target));
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);

  // Committing before every agent was written is refused, and cleans up.
  {
    ResultsWriter w(target, sc, o, {});
    temp = w.temporary_path();
    w.write(run.chunks[0]);
    CHECK_THROWS_WITH(w.commit(run.result), Catch::Contains("only 4 of 10 agents were written"));
  }
  CHECK_FALSE(fs::exists(temp));
  CHECK_FALSE(fs::exists(target));
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
}

TEST_CASE("ResultsWriter without per-agent columns writes only aggregates", "[results][writer]")
{
  TempDir dir;
  const Scenario sc = tiny_scenario();
  const RunOptions o = tiny_options(10);
  const std::string target = dir.file("summary.h5");
  const TinyRun run = tiny_run(sc, o, 10);
  {
    WriterOptions wo;
    wo.per_agent = false;
    ResultsWriter w(target, sc, o, wo);
    for (const auto& c : run.chunks)
      w.write(c);
    w.commit(run.result);
  }
  const h5::File f = h5::open_file(target);
  CHECK_FALSE(h5::exists(f, "variants/baseline/agents"));
  CHECK(h5::exists(f, "variants/baseline/funnel/reached"));
  CHECK(h5::exists(f, "variants/students_only/summary"));
  CHECK(h5::read_attribute_int(f, "complete") == 1);
}

TEST_CASE("ResultsWriter rejects chunks that do not match the run", "[results][writer]")
{
  TempDir dir;
  const Scenario sc = tiny_scenario();
  const RunOptions o = tiny_options(10);
  const TinyRun run = tiny_run(sc, o, 4);
  ResultsWriter w(dir.file("out.h5"), sc, o, {});
  CHECK_THROWS_AS(w.write(run.chunks[1]), OutputError); // out of order
  Chunk bad = run.chunks[0];
  bad.variants[1].agents = &bad.populations[1]; // not shared as planned
  CHECK_THROWS_WITH(w.write(bad), Catch::Contains("does not share its population"));
}
