// The pieces of a run across MPI ranks that one process can check: the
// split of agents, a run's results as bytes and back, and the comparison's
// recorded blocks merged later giving the same numbers bit for bit.
// (Several ranks against one: scripts/test-mpi.)

#include "journeysim/analysis/paired_comparison.h"
#include "journeysim/engine/rank_totals.h"
#include "journeysim/engine/runner.h"
#include "journeysim/parallel/ranks.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace journeysim;

namespace {

bool same_bits(double a, double b)
{
  return std::memcmp(&a, &b, sizeof a) == 0;
}

bool same_rows(const std::vector<analysis::ComparisonRow>& a, const std::vector<analysis::ComparisonRow>& b)
{
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto &x = a[i].estimate, &y = b[i].estimate;
    if (a[i].metric != b[i].metric || a[i].group != b[i].group || !same_bits(x.baseline, y.baseline) ||
        !same_bits(x.variant, y.variant) || !same_bits(x.difference, y.difference) ||
        !same_bits(x.ci_low, y.ci_low) || !same_bits(x.ci_high, y.ci_high) || !same_bits(x.p_value, y.p_value))
      return false;
  }
  return true;
}

//! Two comparisons per variant: one merging as it goes, one recording blocks.
class TwoWaySink : public ChunkSink {
public:
  explicit TwoWaySink(const Scenario& s)
  {
    for (std::size_t j = 1; j < s.variants.size(); ++j) {
      direct.emplace_back(analysis::funnel_shape(s.baseline(), s.variants[j], s.horizon_days));
      recorded.emplace_back(analysis::funnel_shape(s.baseline(), s.variants[j], s.horizon_days));
      recorded.back().record_blocks();
    }
  }
  void write(const Chunk& c) override
  {
    for (std::size_t j = 1; j < c.variants.size(); ++j)
      for (auto* set : {&direct, &recorded})
        (*set)[j - 1].add(c.first, c.variants[0].outcomes, c.variants[j].outcomes,
                          c.variants[0].agents->persona.data());
  }
  std::vector<analysis::PairedComparison> direct, recorded;
};

} // namespace

TEST_CASE("ranks get contiguous agent ranges on HDF5 chunk boundaries that cover the population", "[parallel]")
{
  for (std::uint64_t agents : {1ull, 2ull, 32768ull, 70000ull, 1000001ull})
    for (std::size_t chunk : {1024u, 32768u, 40960u})
      for (int ranks : {1, 2, 3, 7}) {
        RunOptions o;
        o.agents = agents;
        o.chunk_agents = chunk;
        std::uint64_t expect = 0;
        for (int r = 0; r < ranks; ++r) {
          std::uint64_t first = 0, end = 0;
          rank_range(o, r, ranks, first, end);
          CHECK(first == expect);
          CHECK(end >= first);
          if (end > first) {
            CHECK(first % chunk == 0);
            CHECK(first % RANK_ALIGN_AGENTS == 0);
          }
          expect = end;
        }
        CHECK(expect == agents);
      }
}

TEST_CASE("a run's results sent as bytes arrive bit for bit", "[parallel]")
{
  const Scenario s = load_scenario(std::string(JOURNEYSIM_TEST_DATA) + "/good/model_v2.yaml");
  RunOptions o;
  o.agents = 5000;
  o.threads = 1;
  const RunResult sent = run(s, o, nullptr);
  const RunResult got = unpack_result(pack_result(sent), s, resolve_options(s, o));
  REQUIRE(got.totals.size() == sent.totals.size());
  for (std::size_t v = 0; v < sent.totals.size(); ++v) {
    const VariantTotals &a = sent.totals[v], &b = got.totals[v];
    CHECK(a.agents == b.agents);
    CHECK(a.reached == b.reached);
    CHECK(a.in_stage == b.in_stage);
    CHECK(a.advocates == b.advocates);
    CHECK(a.tally.exposures == b.tally.exposures);
    CHECK(a.tally.eligible == b.tally.eligible);
    CHECK(a.tally.spend == b.tally.spend);
    CHECK(a.tally.mood_in == b.tally.mood_in);
    CHECK(a.touch_cost == b.touch_cost);
    CHECK(same_bits(a.revenue, b.revenue));
    CHECK(same_bits(a.clv, b.clv));
    CHECK(a.purchases == b.purchases);
    CHECK(a.mature_conversions == b.mature_conversions);
    CHECK(same_bits(a.summary().roi, b.summary().roi));
    CHECK(sent.feedback[v].passes == got.feedback[v].passes);
    REQUIRE(std::isfinite(sent.feedback[v].spend_error)); // model_v2 has budgets
    CHECK(same_bits(sent.feedback[v].spend_error, got.feedback[v].spend_error));
    CHECK(sent.feedback[v].curves.advocates == got.feedback[v].curves.advocates);
  }
  std::string cut = pack_result(sent);
  cut.pop_back();
  CHECK_THROWS(unpack_result(cut, s, resolve_options(s, o)));
}

TEST_CASE("a comparison's recorded blocks, merged afterwards, equal merging as it goes", "[parallel]")
{
  const Scenario s = load_scenario(std::string(JOURNEYSIM_TEST_DATA) + "/good/model_v2.yaml");
  RunOptions o;
  o.agents = 9000; // not a multiple of the block size
  o.threads = 2;
  o.chunk_agents = 2048;
  TwoWaySink sink(s);
  run(s, o, &sink);
  int argc = 1;
  char name[] = "test";
  char* args[] = {name, nullptr};
  char** argv = args;
  const parallel::Ranks one(argc, argv);
  REQUIRE(one.size() == 1);
  for (std::size_t j = 0; j < sink.direct.size(); ++j) {
    sink.recorded[j].combine_ranks(one);
    CHECK(sink.recorded[j].agents() == sink.direct[j].agents());
    const auto x = sink.direct[j].result(), y = sink.recorded[j].result();
    CHECK(same_rows(x.summary, y.summary));
    CHECK(same_rows(x.by_persona, y.by_persona));
    CHECK(same_rows(x.by_stage, y.by_stage));
    CHECK(same_rows(x.by_phase, y.by_phase));
  }
}
