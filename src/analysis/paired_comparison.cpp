#include "journeysim/analysis/paired_comparison.h"

#include "journeysim/engine/runner.h"
#include "journeysim/error.h"
#include "journeysim/parallel/ranks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace journeysim::analysis {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! Means and covariances of (Y_v, X_v, Y_b, X_b) where each is an indicator
//! function of an agent's state in a 3×3 joint table (baseline · 3 + variant).
RatioMoments table_moments(const std::array<std::int64_t, 9>& t, std::array<double, 3> y,
                           std::array<double, 3> x)
{
  RatioMoments m;
  double n = 0.0;
  for (auto c : t)
    n += static_cast<double>(c);
  m.n = n;
  if (n == 0)
    return m;
  auto values = [&](int sb, int sv) {
    return std::array<double, 4>{y[sv], x[sv], y[sb], x[sb]};
  };
  for (int sb = 0; sb < 3; ++sb)
    for (int sv = 0; sv < 3; ++sv) {
      const auto v = values(sb, sv);
      for (std::size_t i = 0; i < 4; ++i)
        m.mean[i] += static_cast<double>(t[sb * 3 + sv]) * v[i] / n;
    }
  for (int sb = 0; sb < 3; ++sb)
    for (int sv = 0; sv < 3; ++sv) {
      const double c = static_cast<double>(t[sb * 3 + sv]);
      if (c == 0)
        continue;
      const auto v = values(sb, sv);
      for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j)
          m.cov[i][j] += c * (v[i] - m.mean[i]) * (v[j] - m.mean[j]);
    }
  for (auto& row : m.cov)
    for (auto& c : row)
      c = n > 1 ? c / (n - 1) : 0.0;
  return m;
}

//! Paired proportions of "state ≥ 1" (reached) from a 3×3 joint table.
Estimate reach_from_table(const std::array<std::int64_t, 9>& t)
{
  std::int64_t n = 0, n11 = 0, n10 = 0, n01 = 0;
  for (int sb = 0; sb < 3; ++sb)
    for (int sv = 0; sv < 3; ++sv) {
      const auto c = t[static_cast<std::size_t>(sb * 3 + sv)];
      n += c;
      if (sb > 0 && sv > 0)
        n11 += c;
      else if (sb > 0)
        n10 += c;
      else if (sv > 0)
        n01 += c;
    }
  return paired_proportion(n, n11, n10, n01);
}

//! Lost there / reached, from a 3×3 joint table.
Estimate drop_off_from_table(const std::array<std::int64_t, 9>& t)
{
  return ratio_difference(table_moments(t, {0, 0, 1}, {0, 1, 1}));
}

//! Quantile q of days with histogram `h`, each day d spanning [d − ½, d + ½).
double histogram_quantile(const std::int64_t* h, std::size_t days, double q)
{
  double total = 0.0;
  for (std::size_t d = 0; d < days; ++d)
    total += static_cast<double>(h[d]);
  if (total == 0)
    return NaN;
  const double target = q * total;
  double below = 0.0;
  for (std::size_t d = 0; d < days; ++d) {
    const double c = static_cast<double>(h[d]);
    if (c > 0 && below + c >= target)
      return std::max(0.0, static_cast<double>(d) - 0.5 + (target - below) / c);
    below += c;
  }
  return static_cast<double>(days - 1);
}

//! A proportion's estimate as counts of agents (exact, not p̂·n rounded).
Estimate as_counts(const Estimate& e, std::int64_t n, std::int64_t n11, std::int64_t n10, std::int64_t n01)
{
  Estimate c = scaled(e, static_cast<double>(n));
  c.baseline = static_cast<double>(n11 + n10);
  c.variant = static_cast<double>(n11 + n01);
  c.difference = static_cast<double>(n01 - n10);
  return c;
}

Estimate paired_mean_from_sums(double n, double sum_b, double sum_v, double sum_d2)
{
  if (n < 1)
    return paired_mean(0, NaN, NaN, NaN);
  const double d = sum_v - sum_b;
  const double var = n > 1 ? (sum_d2 - d * d / n) / (n - 1) : NaN;
  return paired_mean(n, sum_b / n, sum_v / n, var);
}

} // namespace

FunnelShape funnel_shape(const Model& model, int horizon_days)
{
  FunnelShape s;
  for (const auto& st : model.stages) {
    s.stages.push_back(st.name);
    s.phases.push_back(st.phase);
  }
  for (const auto& p : model.personas)
    s.personas.push_back(p.name);
  s.horizon_days = horizon_days;
  s.conversion_stage = model.first_purchase_stage();
  s.cart_stage = s.conversion_stage >= 0 ? s.conversion_stage - 1 : -1;
  s.money = model.uses_money();
  s.arrivals = !model.arrivals.at_start;
  s.margin_baseline = s.margin_variant = model.margin;
  return s;
}

FunnelShape funnel_shape(const Model& baseline, const Model& variant, int horizon_days)
{
  FunnelShape s = funnel_shape(baseline, horizon_days);
  s.money = s.money || variant.uses_money();
  s.arrivals = s.arrivals || !variant.arrivals.at_start;
  s.margin_variant = variant.margin;
  s.personas_differ = variant.personas.size() != baseline.personas.size();
  for (std::size_t p = 0; !s.personas_differ && p < baseline.personas.size(); ++p)
    s.personas_differ = variant.personas[p].name != baseline.personas[p].name ||
                        variant.personas[p].share != baseline.personas[p].share;
  return s;
}

PairedComparison::PairedComparison(FunnelShape shape)
  : shape_(std::move(shape)), stage_(shape_.stages.size()),
    persona_conv_(shape_.personas.size()), persona_agents_(shape_.personas.size(), 0),
    convert_days_(static_cast<std::size_t>(QUANTILE_BATCHES) * 2 *
                    (static_cast<std::size_t>(std::max(shape_.horizon_days, 0)) + 1),
                  0),
    persona_rev_b_(shape_.personas.size(), 0.0), persona_rev_v_(shape_.personas.size(), 0.0),
    persona_rev_d2_(shape_.personas.size(), 0.0)
{
  phase_first_.assign(3, static_cast<int>(shape_.stages.size()));
  for (std::size_t k = shape_.stages.size(); k-- > 0;)
    phase_first_[static_cast<std::size_t>(shape_.phases[k])] = static_cast<int>(k);
  for (auto& t : stage_)
    t.fill(0);
  for (auto& t : persona_conv_)
    t.fill(0);
}

void PairedComparison::add(std::uint64_t first, const OutcomeColumns& b, const OutcomeColumns& v,
                           const std::uint16_t* persona)
{
  const std::size_t k = shape_.stages.size();
  if (b.size != v.size || b.stages != k || v.stages != k)
    throw InputError("comparison: the variant's outcomes do not match the baseline's funnel");
  // Blocks are aligned on absolute agent indices, so chunk boundaries that are
  // multiples of BLOCK_AGENTS do not change any sum.
  std::size_t begin = 0;
  while (begin < b.size) {
    const std::uint64_t at = first + begin;
    const std::size_t end =
      std::min<std::size_t>(b.size, begin + (BLOCK_AGENTS - static_cast<std::size_t>(at % BLOCK_AGENTS)));
    add_block(first, begin, end, b, v, persona);
    begin = end;
  }
}

void PairedComparison::add_block(std::uint64_t first, std::size_t begin, std::size_t end,
                                 const OutcomeColumns& b, const OutcomeColumns& v,
                                 const std::uint16_t* persona)
{
  const std::size_t K = shape_.stages.size();
  const std::size_t P = shape_.personas.size();
  const std::size_t count = end - begin;
  const int conv = shape_.conversion_stage, cart = shape_.cart_stage;
  const std::size_t days = static_cast<std::size_t>(shape_.horizon_days) + 1;
  scratch_money_.resize(count * 6);
  scratch_mood_.resize(count * 2);
  scratch_profit_.resize(count * 6);
  block_rev_b_.assign(P, 0.0);
  block_rev_v_.assign(P, 0.0);
  block_rev_d2_.assign(P, 0.0);

  for (std::size_t i = begin; i < end; ++i) {
    const std::int16_t* db = &b.stage_day[i * K];
    const std::int16_t* dv = &v.stage_day[i * K];
    // Stages are reached in order: the reached ones are a prefix.
    int rb = 0, rv = 0;
    while (rb < static_cast<int>(K) && db[rb] >= 0)
      ++rb;
    while (rv < static_cast<int>(K) && dv[rv] >= 0)
      ++rv;
    const int lost_b = b.lost[i] ? b.final_stage[i] : -1;
    const int lost_v = v.lost[i] ? v.final_stage[i] : -1;
    for (int s = 0; s < static_cast<int>(K); ++s) {
      const int sb = s < rb ? (s == lost_b ? 2 : 1) : 0;
      const int sv = s < rv ? (s == lost_v ? 2 : 1) : 0;
      if ((sb | sv) == 0)
        break; // neither reached s, nor anything after it
      ++stage_[static_cast<std::size_t>(s)][static_cast<std::size_t>(sb * 3 + sv)];
    }
    for (std::size_t ph = 0; ph < 3; ++ph) {
      const int f = phase_first_[ph];
      const auto phase_state = [&](int reached, int lost_at) {
        if (reached <= f)
          return 0;
        return lost_at >= 0 && shape_.phases[static_cast<std::size_t>(lost_at)] == static_cast<Phase>(ph) ? 2 : 1;
      };
      ++phase_[ph][static_cast<std::size_t>(phase_state(rb, lost_b) * 3 + phase_state(rv, lost_v))];
    }
    const bool cb = conv >= 0 && rb > conv, cv = conv >= 0 && rv > conv;
    if (cart >= 0) {
      const int sb = cb ? 2 : rb > cart ? 1 : 0;
      const int sv = cv ? 2 : rv > cart ? 1 : 0;
      ++cart_[static_cast<std::size_t>(sb * 3 + sv)];
    }
    const std::size_t p = persona[i] < P ? persona[i] : 0;
    ++persona_conv_[p][static_cast<std::size_t>((cb ? 2 : 0) + (cv ? 1 : 0))];
    ++persona_agents_[p];
    const std::int64_t pb = b.purchases[i], pv = v.purchases[i];
    purchases_b_ += pb;
    purchases_v_ += pv;
    purchases_d2_ += (pv - pb) * (pv - pb);
    const std::size_t batch = static_cast<std::size_t>((first + i) % QUANTILE_BATCHES);
    if (cb)
      ++convert_days_[(batch * 2 + 0) * days + static_cast<std::size_t>(db[conv] - db[0])];
    if (cv)
      ++convert_days_[(batch * 2 + 1) * days + static_cast<std::size_t>(dv[conv] - dv[0])];

    double* row = &scratch_money_[(i - begin) * 6];
    row[0] = v.revenue[i];
    row[1] = v.cost[i];
    row[2] = cv ? 1.0 : 0.0;
    row[3] = b.revenue[i];
    row[4] = b.cost[i];
    row[5] = cb ? 1.0 : 0.0;
    scratch_mood_[(i - begin) * 2] = v.mood[i];
    scratch_mood_[(i - begin) * 2 + 1] = b.mood[i];
    // Profit = revenue − (1 − margin) × list revenue − cost (MODEL.md "Money").
    double* pr = &scratch_profit_[(i - begin) * 6];
    pr[0] = v.revenue[i] - (1.0 - shape_.margin_variant) * (v.revenue[i] + v.discount[i]) - v.cost[i];
    pr[1] = v.clv[i];
    pr[2] = v.cost[i];
    pr[3] = b.revenue[i] - (1.0 - shape_.margin_baseline) * (b.revenue[i] + b.discount[i]) - b.cost[i];
    pr[4] = b.clv[i];
    pr[5] = b.cost[i];
    ++referral_[static_cast<std::size_t>((b.arrival_source[i] == 3 ? 2 : 0) + (v.arrival_source[i] == 3 ? 1 : 0))];
    const double d = v.revenue[i] - b.revenue[i];
    block_rev_b_[p] += b.revenue[i];
    block_rev_v_[p] += v.revenue[i];
    block_rev_d2_[p] += d * d;
  }
  n_ += count;
  if (recording_) {
    ledger_.push_back(static_cast<double>(count));
    money_.record_block(scratch_money_.data(), count, ledger_);
    mood_.record_block(scratch_mood_.data(), count, ledger_);
    if (shape_.money)
      profit_.record_block(scratch_profit_.data(), count, ledger_);
    ledger_.insert(ledger_.end(), block_rev_b_.begin(), block_rev_b_.end());
    ledger_.insert(ledger_.end(), block_rev_v_.begin(), block_rev_v_.end());
    ledger_.insert(ledger_.end(), block_rev_d2_.begin(), block_rev_d2_.end());
    return;
  }
  money_.add_block(scratch_money_.data(), count);
  mood_.add_block(scratch_mood_.data(), count);
  if (shape_.money)
    profit_.add_block(scratch_profit_.data(), count);
  for (std::size_t p = 0; p < P; ++p) {
    persona_rev_b_[p] += block_rev_b_[p];
    persona_rev_v_[p] += block_rev_v_[p];
    persona_rev_d2_[p] += block_rev_d2_[p];
  }
}

void PairedComparison::combine_ranks(const parallel::Ranks& ranks)
{
  // Exact counts: summed in any order.
  std::vector<std::int64_t> counts{static_cast<std::int64_t>(n_), purchases_b_, purchases_v_, purchases_d2_};
  const auto each_count = [&](auto&& f) {
    for (auto& t : stage_)
      for (auto& c : t)
        f(c);
    for (auto& t : phase_)
      for (auto& c : t)
        f(c);
    for (auto& c : cart_)
      f(c);
    for (auto& t : persona_conv_)
      for (auto& c : t)
        f(c);
    for (auto& c : persona_agents_)
      f(c);
    for (auto& c : convert_days_)
      f(c);
    for (auto& c : referral_)
      f(c);
  };
  each_count([&](std::int64_t c) { counts.push_back(c); });
  ranks.sum(counts);
  n_ = static_cast<std::uint64_t>(counts[0]);
  purchases_b_ = counts[1];
  purchases_v_ = counts[2];
  purchases_d2_ = counts[3];
  std::size_t at = 4;
  each_count([&](std::int64_t& c) { c = counts[at++]; });

  // Floating-point state, passed from rank to rank; each merges its blocks
  // in agent order, exactly as add_block() does in one process.
  const std::size_t P = shape_.personas.size();
  std::vector<double> state;
  money_.save(state);
  mood_.save(state);
  profit_.save(state);
  for (const auto* v : {&persona_rev_b_, &persona_rev_v_, &persona_rev_d2_})
    state.insert(state.end(), v->begin(), v->end());
  const auto load = [&](const std::vector<double>& st) {
    const double* x = st.data();
    money_.load(x);
    x += money_.state_size();
    mood_.load(x);
    x += mood_.state_size();
    profit_.load(x);
    x += profit_.state_size();
    for (auto* v : {&persona_rev_b_, &persona_rev_v_, &persona_rev_d2_}) {
      v->assign(x, x + P);
      x += P;
    }
  };
  ranks.fold_in_rank_order(state, [&](std::vector<double>& st) {
    load(st);
    for (std::size_t i = 0; i < ledger_.size();) {
      const auto count = static_cast<std::size_t>(ledger_[i++]);
      money_.merge_record(&ledger_[i], count);
      i += money_.record_size();
      mood_.merge_record(&ledger_[i], count);
      i += mood_.record_size();
      if (shape_.money) {
        profit_.merge_record(&ledger_[i], count);
        i += profit_.record_size();
      }
      for (auto* v : {&persona_rev_b_, &persona_rev_v_, &persona_rev_d2_})
        for (std::size_t p = 0; p < P; ++p)
          (*v)[p] += ledger_[i++];
    }
    st.clear();
    money_.save(st);
    mood_.save(st);
    profit_.save(st);
    for (const auto* v : {&persona_rev_b_, &persona_rev_v_, &persona_rev_d2_})
      st.insert(st.end(), v->begin(), v->end());
  });
  load(state);
  ledger_.clear();
  recording_ = false;
}

ComparisonTables PairedComparison::result() const
{
  ComparisonTables t;
  const double n = static_cast<double>(n_);
  const auto add = [](std::vector<ComparisonRow>& rows, std::string group, std::string metric,
                      Estimate e) { rows.push_back({std::move(group), std::move(metric), std::move(e)}); };

  // Conversion: the persona tables add up to the whole population's.
  std::int64_t n11 = 0, n10 = 0, n01 = 0;
  for (const auto& c : persona_conv_) {
    n11 += c[3];
    n10 += c[2];
    n01 += c[1];
  }
  const Estimate conversion = paired_proportion(static_cast<std::int64_t>(n_), n11, n10, n01);
  add(t.summary, "", "conversion_rate", conversion);
  add(t.summary, "", "conversions", as_counts(conversion, static_cast<std::int64_t>(n_), n11, n10, n01));

  {
    // Purchases: integer sums, so the variance of differences is exact.
    const double d = static_cast<double>(purchases_v_ - purchases_b_);
    const double var = n > 1 ? (static_cast<double>(purchases_d2_) - d * d / n) / (n - 1) : NaN;
    add(t.summary, "", "purchases_per_agent",
        paired_mean(n, static_cast<double>(purchases_b_) / n, static_cast<double>(purchases_v_) / n, var));
  }
  const auto diff_var = [&](const CoMoments& m, std::size_t i, std::size_t j) {
    return m.cov(i, i) + m.cov(j, j) - 2 * m.cov(i, j);
  };
  add(t.summary, "", "revenue_per_agent", paired_mean(n, money_.mean(3), money_.mean(0), diff_var(money_, 0, 3)));
  add(t.summary, "", "marketing_cost",
      scaled(paired_mean(n, money_.mean(4), money_.mean(1), diff_var(money_, 1, 4)), n));
  // Ratio of means y/x of the variant minus the baseline's, from moments
  // laid out as (variant columns, then the same baseline columns).
  const auto ratio = [&](const CoMoments& m, std::size_t y_v, std::size_t x_v) {
    RatioMoments r;
    r.n = n;
    const std::size_t half = m.dims() / 2;
    const std::array<std::size_t, 4> idx = {y_v, x_v, y_v + half, x_v + half};
    for (std::size_t i = 0; i < 4; ++i) {
      r.mean[i] = m.mean(idx[i]);
      for (std::size_t j = 0; j < 4; ++j)
        r.cov[i][j] = m.cov(idx[i], idx[j]);
    }
    return ratio_difference(r);
  };
  add(t.summary, "", "cost_per_conversion", ratio(money_, 1, 2));
  // ROI on profit (MODEL.md "Money"); without a margin it is (revenue − cost) / cost.
  add(t.summary, "", "roi", shape_.money ? ratio(profit_, 0, 2) : affine(ratio(money_, 0, 1), -1.0, 1.0));
  if (shape_.cart_stage >= 0)
    add(t.summary, "", "cart_abandon_rate",
        affine(ratio_difference(table_moments(cart_, {0, 0, 1}, {0, 1, 1})), 1.0, -1.0));
  else
    add(t.summary, "", "cart_abandon_rate", paired_mean(0, NaN, NaN, NaN));

  // Time to convert: quantiles of the day histograms; CI by batch means.
  const std::size_t days = static_cast<std::size_t>(shape_.horizon_days) + 1;
  for (const auto& [name, q] : {std::pair<const char*, double>{"time_to_convert_median", 0.5},
                                {"time_to_convert_p90", 0.9}}) {
    std::vector<std::int64_t> all_b(days, 0), all_v(days, 0);
    std::vector<double> batch_diff;
    for (std::size_t g = 0; g < static_cast<std::size_t>(QUANTILE_BATCHES); ++g) {
      const std::int64_t* hb = &convert_days_[(g * 2 + 0) * days];
      const std::int64_t* hv = &convert_days_[(g * 2 + 1) * days];
      for (std::size_t d = 0; d < days; ++d) {
        all_b[d] += hb[d];
        all_v[d] += hv[d];
      }
      batch_diff.push_back(histogram_quantile(hv, days, q) - histogram_quantile(hb, days, q));
    }
    Estimate e;
    e.method = "quantile of days from first stage to first purchase (interpolated within the day), "
               "CI by batch means over 20 agent groups (agent index mod 20), Student t";
    e.baseline = histogram_quantile(all_b.data(), days, q);
    e.variant = histogram_quantile(all_v.data(), days, q);
    e.difference = e.variant - e.baseline;
    batch_means_interval(e, batch_diff);
    // A group's quantile of one or two converters is no estimate: with two
    // converters in all, two groups' differences gave a t interval on 1 df
    // of ±235 days on a 90-day horizon. Below MIN_QUANTILE_CONVERTERS per
    // group on average in either variant, or a group without any, no interval.
    const auto converters = [&](const std::vector<std::int64_t>& h) {
      return std::accumulate(h.begin(), h.end(), std::int64_t{0});
    };
    const bool every_group = std::none_of(batch_diff.begin(), batch_diff.end(), [](double x) { return std::isnan(x); });
    if (!every_group || std::min(converters(all_b), converters(all_v)) < MIN_QUANTILE_CONVERTERS * QUANTILE_BATCHES) {
      e.ci_low = e.ci_high = e.p_value = NaN;
      e.method = "quantile of days from first stage to first purchase (interpolated within the day); no CI: "
                 "fewer than 5 converters per agent group (agent index mod 20) in a variant";
    }
    add(t.summary, "", name, e);
  }
  add(t.summary, "", "mean_mood", paired_mean(n, mood_.mean(1), mood_.mean(0), diff_var(mood_, 0, 1)));
  if (shape_.money) {
    const Estimate profit = paired_mean(n, profit_.mean(3), profit_.mean(0), diff_var(profit_, 0, 3));
    add(t.summary, "", "profit_per_agent", profit);
    add(t.summary, "", "profit", scaled(profit, n));
    add(t.summary, "", "clv_per_agent", paired_mean(n, profit_.mean(4), profit_.mean(1), diff_var(profit_, 1, 4)));
  }
  if (shape_.arrivals) {
    // Who is referred is decided by the whole population (word of mouth, a
    // fixed point each variant solves): agent by agent the pairs do not carry
    // that, and over 60 seeds the difference spread 1.96× the McNemar SE
    // (7 of 60 said [0, 0], p = 1). The estimate only; sweep -r for its spread.
    Estimate e = paired_proportion(static_cast<std::int64_t>(n_), referral_[3], referral_[2], referral_[1]);
    e.ci_low = e.ci_high = e.p_value = NaN;
    e.method = "share of agents who arrived by referral; no CI: referrals depend on the whole population's feedback, "
               "which agent-by-agent pairs do not carry (for its spread, sweep a one-value --set with -r: summary shows "
               "referral_arrivals per variant)";
    add(t.summary, "", "referral_arrival_rate", e);
  }

  for (std::size_t p = 0; !shape_.personas_differ && p < shape_.personas.size(); ++p) {
    const auto& c = persona_conv_[p];
    const std::int64_t np = persona_agents_[p];
    const Estimate e = paired_proportion(np, c[3], c[2], c[1]);
    add(t.by_persona, shape_.personas[p], "conversion_rate", e);
    add(t.by_persona, shape_.personas[p], "conversions", as_counts(e, np, c[3], c[2], c[1]));
    add(t.by_persona, shape_.personas[p], "revenue_per_agent",
        paired_mean_from_sums(static_cast<double>(np), persona_rev_b_[p], persona_rev_v_[p], persona_rev_d2_[p]));
  }
  for (std::size_t k = 0; k < shape_.stages.size(); ++k) {
    // Agents that reached neither are not counted in stage_ past the first
    // such stage; they belong to the (0, 0) cell.
    auto table = stage_[k];
    std::int64_t counted = 0;
    for (auto c : table)
      counted += c;
    table[0] += static_cast<std::int64_t>(n_) - counted;
    add(t.by_stage, shape_.stages[k], "reach", reach_from_table(table));
    add(t.by_stage, shape_.stages[k], "drop_off", drop_off_from_table(table));
  }
  for (std::size_t ph = 0; ph < 3; ++ph) {
    if (phase_first_[ph] >= static_cast<int>(shape_.stages.size()))
      continue;
    const char* name = to_string(static_cast<Phase>(ph));
    add(t.by_phase, name, "reach", reach_from_table(phase_[ph]));
    add(t.by_phase, name, "drop_off", drop_off_from_table(phase_[ph]));
  }
  return t;
}

std::vector<ComparisonRow> touchpoint_rows(const std::vector<std::string>& names,
                                           const std::vector<std::int64_t>& exposures_b,
                                           const std::vector<std::int64_t>& advances_b,
                                           const std::vector<double>& cost_b,
                                           const std::vector<std::int64_t>& exposures_v,
                                           const std::vector<std::int64_t>& advances_v,
                                           const std::vector<double>& cost_v)
{
  std::vector<ComparisonRow> rows;
  const auto row = [&](const std::string& group, const char* metric, double b, double v) {
    Estimate e;
    e.method = "aggregate totals (no per-agent data: no CI)";
    e.baseline = b;
    e.variant = v;
    e.difference = v - b;
    e.ci_low = e.ci_high = e.p_value = NaN;
    rows.push_back({group, metric, e});
  };
  for (std::size_t r = 0; r < names.size(); ++r) {
    const auto at = [r](const auto& vec) { return r < vec.size() ? static_cast<double>(vec[r]) : 0.0; };
    row(names[r], "exposures", at(exposures_b), at(exposures_v));
    row(names[r], "advances", at(advances_b), at(advances_v));
    row(names[r], "cost", at(cost_b), at(cost_v));
    const double ab = at(advances_b), av = at(advances_v);
    row(names[r], "cost_per_advance", ab > 0 ? at(cost_b) / ab : NaN, av > 0 ? at(cost_v) / av : NaN);
  }
  return rows;
}

} // namespace journeysim::analysis
