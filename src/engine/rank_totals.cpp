#include "journeysim/engine/rank_totals.h"

#include "journeysim/parallel/ranks.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace journeysim {

namespace {

//! Visit every integer count of a variant's totals (each a sum over agents).
template <class Totals, class F>
void for_each_count(Totals& t, F&& f)
{
  for (auto* v : {&t.reached, &t.reached_by_persona, &t.in_stage, &t.lost, &t.advocates, &t.arrivals,
                  &t.referral_arrivals_by_day, &t.tally.exposures, &t.tally.advances, &t.tally.touches_by_kind,
                  &t.tally.eligible})
    for (auto& x : *v)
      f(x);
  for (auto* x : {&t.purchases, &t.cart_abandons, &t.arrived, &t.referral_arrivals, &t.mature,
                  &t.mature_conversions})
    f(*x);
}

//! Visit every floating-point sum in the order a block's record holds it.
template <class Totals, class F>
void for_each_sum(Totals& t, F&& f)
{
  for (auto* x : {&t.revenue, &t.cost, &t.mood_sum, &t.discounts, &t.clv})
    f(*x);
  for (auto* v : {&t.tally.mood_in, &t.tally.mood_out, &t.tally.spend})
    for (auto& x : *v)
      f(x);
}

//! Bytes written and read back in the same order.
class Bytes {
public:
  explicit Bytes(std::string& out) : out_(&out) {}
  explicit Bytes(const std::string& in) : in_(&in) {}

  template <class T>
  void put(T x)
  {
    out_->append(reinterpret_cast<const char*>(&x), sizeof x);
  }
  template <class T>
  void put(const std::vector<T>& v)
  {
    put(static_cast<std::uint64_t>(v.size()));
    out_->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  template <class T>
  T get()
  {
    T x;
    take(&x, sizeof x);
    return x;
  }
  template <class T>
  void get(std::vector<T>& v)
  {
    v.resize(get<std::uint64_t>());
    take(v.data(), v.size() * sizeof(T));
  }
  bool done() const { return at_ == in_->size(); }

private:
  void take(void* p, std::size_t n)
  {
    if (n > in_->size() - at_)
      throw std::runtime_error("a run's results from another rank are truncated");
    std::memcpy(p, in_->data() + at_, n);
    at_ += n;
  }
  std::string* out_ = nullptr;
  const std::string* in_ = nullptr;
  std::size_t at_ = 0;
};

} // namespace

std::string pack_result(const RunResult& r)
{
  std::string bytes;
  Bytes b(bytes);
  b.put(static_cast<std::uint64_t>(r.totals.size()));
  for (std::size_t v = 0; v < r.totals.size(); ++v) {
    VariantTotals t = r.totals[v];
    b.put(t.agents);
    for_each_count(t, [&](std::int64_t x) { b.put(x); });
    for_each_sum(t, [&](double x) { b.put(x); });
    b.put(t.touch_cost);
    const FeedbackReport f = v < r.feedback.size() ? r.feedback[v] : FeedbackReport{};
    b.put(static_cast<std::int64_t>(f.passes));
    b.put(f.residual);
    b.put(f.spend_error);
    b.put(static_cast<std::uint8_t>(f.converged));
    b.put(f.curves.advocates);
    b.put(f.curves.eligible);
  }
  b.put(r.seconds_simulating);
  return bytes;
}

RunResult unpack_result(const std::string& bytes, const Scenario& scenario, const RunOptions& o)
{
  RunResult r;
  r.agents = o.agents;
  r.seed = o.seed;
  r.threads = o.threads;
  r.variants = o.variants;
  r.touchpoints = touchpoint_union(scenario);
  Bytes b(bytes);
  if (b.get<std::uint64_t>() != o.variants.size())
    throw std::runtime_error("a run's results from another rank have the wrong number of variants");
  for (int v : o.variants) {
    VariantTotals& t = r.totals.emplace_back(scenario.variants[static_cast<std::size_t>(v)], scenario.horizon_days,
                                              r.touchpoints.size(), scenario.budget_share(o.agents));
    t.agents = b.get<std::uint64_t>();
    for_each_count(t, [&](std::int64_t& x) { x = b.get<std::int64_t>(); });
    for_each_sum(t, [&](double& x) { x = b.get<double>(); });
    b.get(t.touch_cost);
    FeedbackReport& f = r.feedback.emplace_back();
    f.passes = static_cast<int>(b.get<std::int64_t>());
    f.residual = b.get<double>();
    f.spend_error = b.get<double>();
    f.converged = b.get<std::uint8_t>() != 0;
    b.get(f.curves.advocates);
    b.get(f.curves.eligible);
  }
  r.seconds_simulating = b.get<double>();
  if (!b.done())
    throw std::runtime_error("a run's results from another rank have trailing bytes");
  return r;
}

std::size_t floats_per_block(const VariantTotals& t)
{
  return 5 + t.tally.mood_in.size() + t.tally.mood_out.size() + t.tally.spend.size();
}

void BlockLedger::record(std::size_t variant, double revenue, double cost, double mood, double discount,
                         double clv, const JourneyTally& tally)
{
  std::vector<double>& b = blocks_[variant];
  b.insert(b.end(), {revenue, cost, mood, discount, clv});
  b.insert(b.end(), tally.mood_in.begin(), tally.mood_in.end());
  b.insert(b.end(), tally.mood_out.begin(), tally.mood_out.end());
  b.insert(b.end(), tally.spend.begin(), tally.spend.end());
}

void combine_ranks(const parallel::Ranks& ranks, const std::vector<std::size_t>& sel, const BlockLedger& ledger,
                   std::vector<VariantTotals>& totals)
{
  std::vector<std::int64_t> counts;
  for (std::size_t v : sel) {
    counts.push_back(static_cast<std::int64_t>(totals[v].agents));
    for_each_count(totals[v], [&](std::int64_t x) { counts.push_back(x); });
  }
  ranks.sum(counts);
  std::size_t i = 0;
  for (std::size_t v : sel) {
    totals[v].agents = static_cast<std::uint64_t>(counts[i++]);
    for_each_count(totals[v], [&](std::int64_t& x) { x = counts[i++]; });
  }

  // The state passed from rank to rank: every selected variant's sums, from
  // zero as in one process; each rank adds its blocks in agent order.
  std::size_t floats = 0;
  for (std::size_t v : sel)
    floats += floats_per_block(totals[v]);
  std::vector<double> sums(floats, 0.0);
  ranks.fold_in_rank_order(sums, [&](std::vector<double>& state) {
    std::size_t at = 0;
    for (std::size_t v : sel) {
      const std::size_t width = floats_per_block(totals[v]);
      const std::vector<double>& blocks = ledger.of(v);
      for (std::size_t b = 0; b < blocks.size(); b += width)
        for (std::size_t j = 0; j < width; ++j)
          state[at + j] += blocks[b + j];
      at += width;
    }
  });
  std::size_t at = 0;
  for (std::size_t v : sel)
    for_each_sum(totals[v], [&](double& x) { x = sums[at++]; });
}

} // namespace journeysim
