// The paired comparison on real runs: coverage against the exact programme,
// pairing narrows intervals, breakdowns add up to totals, and the result
// does not depend on threads, chunk size or where it is computed.

#include "unit/engine/exact_model.h"

#include "journeysim/analysis/paired_comparison.h"
#include "journeysim/error.h"
#include "journeysim/engine/runner.h"
#include "journeysim/results/results_reader.h"
#include "journeysim/results/results_writer.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <unistd.h>

using namespace journeysim;
using namespace journeysim::analysis;

namespace {

//! Feeds every chunk to one PairedComparison per non-baseline variant.
class ComparingSink : public ChunkSink {
public:
  ComparingSink(const Scenario& s, std::size_t variants)
  {
    for (std::size_t j = 1; j < variants; ++j)
      comparisons.emplace_back(funnel_shape(s.baseline(), s.horizon_days));
  }
  void write(const Chunk& c) override
  {
    for (std::size_t j = 1; j < c.variants.size(); ++j)
      comparisons[j - 1].add(c.first, c.variants[0].outcomes, c.variants[j].outcomes,
                             c.variants[0].agents->persona.data());
  }
  std::vector<PairedComparison> comparisons;
};

const ComparisonRow& row(const std::vector<ComparisonRow>& rows, const std::string& metric,
                         const std::string& group = {})
{
  for (const auto& r : rows)
    if (r.metric == metric && r.group == group)
      return r;
  FAIL("no row " << group << "/" << metric);
  return rows.front();
}

bool same_rows(const std::vector<ComparisonRow>& a, const std::vector<ComparisonRow>& b)
{
  if (a.size() != b.size())
    return false;
  const auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Estimate &x = a[i].estimate, &y = b[i].estimate;
    if (a[i].metric != b[i].metric || a[i].group != b[i].group || !same(x.baseline, y.baseline) ||
        !same(x.variant, y.variant) || !same(x.difference, y.difference) || !same(x.ci_low, y.ci_low) ||
        !same(x.ci_high, y.ci_high) || !same(x.p_value, y.p_value) || x.method != y.method)
      return false;
  }
  return true;
}

} // namespace

TEST_CASE("the paired 95 % CI of the conversion difference covers the exact difference at its nominal rate",
          "[analysis][slow]")
{
  const Scenario s = load_scenario(std::string(JOURNEYSIM_TEST_DATA) + "/exact/variant_pair.yaml");
  REQUIRE(s.variants.size() == 2);
  const int conv = s.baseline().first_purchase_stage();
  const double exact =
    testing::exact_funnel(s.variants[1], s.horizon_days).reached[static_cast<std::size_t>(conv)] -
    testing::exact_funnel(s.variants[0], s.horizon_days).reached[static_cast<std::size_t>(conv)];
  REQUIRE(exact > 0.01); // a real difference to cover

  const int seeds = 300;
  int covered = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    RunOptions o;
    o.agents = 10000; // ≥ 100 discordant pairs per trial: the normal interval applies
    o.seed = static_cast<std::uint64_t>(seed) * 7919;
    o.seed_given = true;
    o.threads = 2;
    ComparingSink sink(s, 2);
    run(s, o, &sink);
    const Estimate e = row(sink.comparisons[0].result().summary, "conversion_rate").estimate; // a copy: result() is a temporary
    covered += e.ci_low <= exact && exact <= e.ci_high;
  }
  const double rate = static_cast<double>(covered) / seeds;
  INFO("coverage " << rate << " of the exact difference " << exact);
  CHECK(rate >= 0.91);
  CHECK(rate <= 0.99);
  WARN("paired CI coverage " << rate << " over " << seeds << " seeds");
}

TEST_CASE("paired intervals are much narrower than unpaired ones on the same agents", "[analysis]")
{
  // Only the checkout changes: everyone who never reaches the cart, and most
  // who do, behave identically in both variants, so the per-agent
  // differences vary far less than two independent samples would.
  const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml");
  RunOptions o;
  o.agents = 50000;
  o.variants = {0, s.variant_index("simplified_checkout")};
  ComparingSink sink(s, 2);
  run(s, o, &sink);
  const Estimate paired = row(sink.comparisons[0].result().summary, "conversion_rate").estimate; // a copy: result() is a temporary
  const double n = 50000;
  const double pb = paired.baseline, pv = paired.variant;
  const double unpaired_half = Z95 * std::sqrt(pb * (1 - pb) / n + pv * (1 - pv) / n);
  const double ratio = (paired.ci_high - paired.ci_low) / (2 * unpaired_half);
  INFO("paired/unpaired CI width " << ratio);
  CHECK(ratio < 0.7);
  CHECK(ratio > 0.05);
  CHECK(paired.difference > 0); // a shorter checkout converts more
}

TEST_CASE("per-persona, per-stage and per-phase numbers add up to the totals", "[analysis]")
{
  const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml");
  RunOptions o;
  o.agents = 20000;
  ComparingSink sink(s, s.variants.size());
  const RunResult r = run(s, o, &sink);
  const double n = 20000;
  const int conv = s.baseline().first_purchase_stage();
  for (std::size_t j = 1; j < s.variants.size(); ++j) {
    const ComparisonTables t = sink.comparisons[j - 1].result();
    const Estimate& conversions = row(t.summary, "conversions").estimate;
    CHECK(conversions.baseline == static_cast<double>(r.totals[0].summary().conversions));
    CHECK(conversions.variant == static_cast<double>(r.totals[j].summary().conversions));
    CHECK(row(t.summary, "revenue_per_agent").estimate.variant * n == Approx(r.totals[j].revenue));
    CHECK(row(t.summary, "marketing_cost").estimate.variant == Approx(r.totals[j].cost));
    CHECK(row(t.summary, "cart_abandon_rate").estimate.variant == Approx(r.totals[j].summary().cart_abandon_rate));
    CHECK(row(t.summary, "roi").estimate.variant == Approx(r.totals[j].summary().roi));
    CHECK(row(t.summary, "mean_mood").estimate.variant == Approx(r.totals[j].summary().mean_mood));

    double b = 0, v = 0, rev = 0, persona_agents = 0;
    for (const auto& p : s.baseline().personas) {
      b += row(t.by_persona, "conversions", p.name).estimate.baseline;
      v += row(t.by_persona, "conversions", p.name).estimate.variant;
      const Estimate& cr = row(t.by_persona, "conversion_rate", p.name).estimate;
      const double np = row(t.by_persona, "conversions", p.name).estimate.variant / cr.variant;
      persona_agents += std::isnan(np) ? 0 : np;
      rev += row(t.by_persona, "revenue_per_agent", p.name).estimate.variant * (std::isnan(np) ? 0 : np);
    }
    CHECK(b == conversions.baseline);
    CHECK(v == conversions.variant);
    CHECK(persona_agents == Approx(n));
    CHECK(rev == Approx(r.totals[j].revenue));

    // Stages: reach is the funnel; everyone lost is lost at exactly one stage.
    double lost_b = 0;
    const auto& stages = s.baseline().stages;
    for (std::size_t k = 0; k < stages.size(); ++k) {
      const Estimate& reach = row(t.by_stage, "reach", stages[k].name).estimate;
      CHECK(reach.baseline * n == Approx(static_cast<double>(r.totals[0].reached[k])));
      CHECK(reach.variant * n == Approx(static_cast<double>(r.totals[j].reached[k])));
      lost_b += row(t.by_stage, "drop_off", stages[k].name).estimate.baseline * reach.baseline * n;
    }
    std::int64_t lost_total = 0;
    for (auto l : r.totals[0].lost)
      lost_total += l;
    CHECK(lost_b == Approx(static_cast<double>(lost_total)));
    CHECK(row(t.by_stage, "reach", stages[static_cast<std::size_t>(conv)].name).estimate.difference ==
          Approx(row(t.summary, "conversion_rate").estimate.difference));
    // Phases: lost in some phase, all together, is everyone lost.
    double lost_phases = 0;
    for (const auto& r2 : t.by_phase)
      if (r2.metric == "drop_off")
        lost_phases += r2.estimate.baseline * row(t.by_phase, "reach", r2.group).estimate.baseline * n;
    CHECK(lost_phases == Approx(static_cast<double>(lost_total)));
  }
}

TEST_CASE("the comparison is identical for any thread count and chunk size", "[analysis]")
{
  const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml");
  RunOptions a;
  a.agents = 9000; // not a multiple of the block size
  a.threads = 1;
  a.chunk_agents = 1024;
  RunOptions b = a;
  b.threads = 2;
  b.chunk_agents = 4096;
  ComparingSink sa(s, s.variants.size()), sb(s, s.variants.size());
  run(s, a, &sa);
  run(s, b, &sb);
  for (std::size_t j = 0; j < sa.comparisons.size(); ++j) {
    const ComparisonTables x = sa.comparisons[j].result(), y = sb.comparisons[j].result();
    CHECK(same_rows(x.summary, y.summary));
    CHECK(same_rows(x.by_persona, y.by_persona));
    CHECK(same_rows(x.by_stage, y.by_stage));
    CHECK(same_rows(x.by_phase, y.by_phase));
  }
}

TEST_CASE("compare's recomputation from the per-agent columns equals what run stored", "[analysis]")
{
  const Scenario s = load_scenario(std::string(JOURNEYSIM_SCENARIOS) + "/checkout_what_if.yaml");
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("journeysim_cmp_" + std::to_string(::getpid()) + ".h5")).string();
  RunOptions o;
  o.agents = 6000;
  o.chunk_agents = 2048;
  o = resolve_options(s, o);
  {
    ResultsWriter w(path, s, o, WriterOptions{true, false, true});
    w.commit(run(s, o, &w));
  }
  const ResultsReader r(path);
  REQUIRE(r.variants().size() == s.variants.size());
  for (std::size_t j = 1; j < r.variants().size(); ++j) {
    const ComparisonTables stored = r.comparison(r.variants()[j]);
    const ComparisonTables again = r.recompute(r.variants()[0], r.variants()[j], 3 * 1024);
    CHECK(same_rows(stored.summary, again.summary));
    CHECK(same_rows(stored.by_persona, again.by_persona));
    CHECK(same_rows(stored.by_stage, again.by_stage));
    CHECK(same_rows(stored.by_phase, again.by_phase));
    CHECK(same_rows(stored.by_touchpoint, again.by_touchpoint));
    CHECK(stored.by_touchpoint.size() == 4 * r.touchpoints().size());
  }
  CHECK_THROWS_AS(r.variant_index("cart_discout", "--variant"), InputError);
  std::filesystem::remove(path);
}
