#include "journeysim/calibration/metric_target.h"

#include "journeysim/error.h"
#include "journeysim/util/nearest_name.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace journeysim {

namespace {

//! Reached counts of the stage rows, by (persona name, stage name).
std::map<std::pair<std::string, std::string>, std::int64_t> reached_of(const std::vector<ObservedStage>& stages)
{
  std::map<std::pair<std::string, std::string>, std::int64_t> out;
  for (const auto& s : stages)
    out[{s.persona, s.stage}] = s.reached;
  return out;
}

} // namespace

bool metric_kind(const std::string& name, MetricKind& kind, double& q)
{
  q = first_purchase_quantile_of(name);
  if (q > 0)
    kind = MetricKind::FirstPurchaseQuantile;
  else if (name == "cart_abandon_rate")
    kind = MetricKind::CartAbandon;
  else if (name == "repeat_purchase_rate")
    kind = MetricKind::RepeatPurchase;
  else if (name == "order_value_mean")
    kind = MetricKind::OrderValue;
  else if (name == "customers" || name == "purchases" || name == "order_value_sd")
    kind = MetricKind::Auxiliary;
  else
    return false;
  return true;
}

std::vector<ObservedStage> stage_rows_from_metrics(const Model& model, const ObservedFunnel& observed)
{
  std::vector<ObservedStage> out;
  const int conversion = model.first_purchase_stage();
  if (conversion < 1)
    return out;
  const auto reached = reached_of(observed.stages);
  const std::string& cart = model.stages[static_cast<std::size_t>(conversion - 1)].name;
  const std::string& bought = model.stages[static_cast<std::size_t>(conversion)].name;
  for (const auto& m : observed.metrics) {
    if (m.name != "cart_abandon_rate")
      continue;
    const auto c = reached.find({m.persona, cart});
    if (c == reached.end() || reached.count({m.persona, bought}))
      continue;
    out.push_back(
      {m.persona, bought, std::llround(static_cast<double>(c->second) * (1.0 - m.value)), m.line});
  }
  return out;
}

std::vector<MetricTarget> match_metrics(const Model& model, const ObservedFunnel& observed,
                                        const std::vector<ObservedStage>& stages, bool by_persona)
{
  const std::string& file = observed.path.empty() ? std::string("target") : observed.path;
  const auto reached = reached_of(stages);
  const int conversion = model.first_purchase_stage();
  std::vector<std::string> persona_names;
  for (const auto& p : model.personas)
    persona_names.push_back(p.name);
  auto metric_value = [&](const std::string& persona, const char* name) -> const ObservedMetric* {
    for (const auto& m : observed.metrics)
      if (m.persona == persona && m.name == name)
        return &m;
    return nullptr;
  };

  std::vector<MetricTarget> out;
  for (const auto& row : observed.metrics) {
    MetricTarget t;
    t.row = row;
    metric_kind(row.name, t.kind, t.quantile); // the reader accepts only known names
    if (!row.persona.empty()) {
      const auto it = std::find(persona_names.begin(), persona_names.end(), row.persona);
      if (it == persona_names.end())
        throw InputError(file + ":" + std::to_string(row.line) + ":1: unknown persona '" + row.persona + "'" +
                         did_you_mean(row.persona, persona_names));
      t.persona = static_cast<int>(it - persona_names.begin());
    }
    const std::string conversion_name =
      conversion >= 0 ? model.stages[static_cast<std::size_t>(conversion)].name : std::string();
    const auto count = [&](const std::string& stage) -> std::int64_t {
      const auto it = reached.find({row.persona, stage});
      return it == reached.end() ? -1 : it->second;
    };
    auto needs = [&](const std::string& stage, const char* what) {
      return "needs a stage row for '" + stage + "'" + (row.persona.empty() ? "" : " of persona " + row.persona) +
             " (" + what + ")";
    };
    if (t.kind == MetricKind::Auxiliary) {
      t.not_fitted = row.name == "customers" ? "the first stage's count is conditioned on, not fitted"
                                             : "an input of order_value_mean";
    } else if (by_persona == row.persona.empty()) {
      t.not_fitted = by_persona ? "with persona rows, the persona metrics are fitted and overall ones shown"
                                : "a persona's metric needs that persona's stage rows";
    } else if (conversion < 0) {
      t.not_fitted = "the scenario has no purchase stage";
    } else if (t.kind == MetricKind::CartAbandon) {
      if (conversion < 1) {
        t.not_fitted = "the scenario has no stage before its first purchase stage";
      } else {
        const std::string& cart = model.stages[static_cast<std::size_t>(conversion - 1)].name;
        t.n = std::max<std::int64_t>(0, count(cart));
        if (count(cart) <= 0)
          t.not_fitted = needs(cart, "the customers it is a rate of");
        // else: fitted as the transition cart -> purchase (given, or derived from it)
      }
    } else {
      t.n = std::max<std::int64_t>(0, count(conversion_name));
      if (t.kind == MetricKind::OrderValue)
        if (const ObservedMetric* p = metric_value(row.persona, "purchases"); p && p->value > 0)
          t.n = static_cast<std::int64_t>(p->value);
      if (const ObservedMetric* sd = metric_value(row.persona, "order_value_sd"))
        t.observed_sd = sd->value;
      if (t.n <= 0)
        t.not_fitted = needs(conversion_name, "the buyers it is measured on");
      if (t.kind == MetricKind::FirstPurchaseQuantile) {
        int first = conversion;
        for (const auto& s : stages)
          if (s.persona == row.persona)
            first = std::min(first, model.stage_index(s.stage));
        t.clock_stage = first;
        if (t.not_fitted.empty() && first >= conversion)
          t.not_fitted = "needs a stage row before '" + conversion_name + "' (where the clock starts)";
      }
    }
    out.push_back(t);
  }
  return out;
}

MetricSink::MetricSink(const Model& model, std::vector<int> clock_stage, int horizon_days)
  : personas_(model.personas.size()), conversion_stage_(model.first_purchase_stage()),
    clock_stage_(std::move(clock_stage))
{
  const std::size_t groups = personas_ + 1;
  statistics.buyers.assign(groups, 0);
  statistics.repeat_buyers.assign(groups, 0);
  statistics.days_to_first_purchase.assign(groups, std::vector<std::int64_t>(static_cast<std::size_t>(horizon_days) + 1, 0));
  statistics.revenue.assign(groups, 0.0);
  statistics.orders.assign(groups, 0.0);
  statistics.revenue_squared_per_order.assign(groups, 0.0);
}

void MetricSink::write(const Chunk& chunk)
{
  if (conversion_stage_ < 0 || chunk.variants.empty())
    return;
  const VariantChunk& v = chunk.variants.front();
  const OutcomeColumns& o = v.outcomes;
  const AgentColumns& a = *v.agents;
  const std::size_t K = o.stages, bought = static_cast<std::size_t>(conversion_stage_);
  auto& s = statistics;
  for (std::size_t i = 0; i < o.size; ++i) {
    const int first_purchase = o.stage_day[i * K + bought];
    if (first_purchase < 0 || o.purchases[i] == 0)
      continue;
    const double k = o.purchases[i], r = o.revenue[i];
    for (const std::size_t g : {static_cast<std::size_t>(a.persona[i]), personas_}) {
      ++s.buyers[g];
      s.repeat_buyers[g] += o.purchases[i] > 1;
      s.revenue[g] += r;
      s.orders[g] += k;
      s.revenue_squared_per_order[g] += r * r / k;
      const int clock = clock_stage_[g];
      if (clock < 0)
        continue;
      // The clock starts when the agent entered the clock stage or, if it
      // started further along, the first stage after it that it entered.
      int start = -1;
      for (std::size_t j = static_cast<std::size_t>(clock); j <= bought && start < 0; ++j)
        start = o.stage_day[i * K + j];
      auto& days = s.days_to_first_purchase[g];
      const std::size_t t = static_cast<std::size_t>(std::max(0, first_purchase - std::max(0, start)));
      ++days[std::min(t, days.size() - 1)];
    }
  }
}

bool parameter_acts_on(const Model& model, const std::string& path, const MetricTarget& metric)
{
  const int conversion = model.first_purchase_stage();
  // The stages the metric measures: after the first purchase for the repeat
  // rate; from the clock's stage up to the purchase for the time to it.
  int first = 0, last = static_cast<int>(model.stages.size()) - 1;
  if (metric.kind == MetricKind::RepeatPurchase)
    first = conversion;
  else if (metric.kind == MetricKind::FirstPurchaseQuantile)
    first = metric.clock_stage, last = conversion - 1;
  const bool ends_with_discount = path.size() >= 9 && path.compare(path.size() - 9, 9, ".discount") == 0;
  std::vector<int> stages; // the stages the parameter acts on
  const std::size_t dot = path.find('.'), dot2 = path.find('.', dot + 1);
  const std::string head = path.substr(0, dot);
  const std::string name = dot == std::string::npos ? "" : path.substr(dot + 1, dot2 - dot - 1);
  if (head == "stages") {
    stages.push_back(model.stage_index(name));
  } else if (head == "touchpoints") {
    for (const auto& t : model.touchpoints)
      if (t.name == name)
        stages = t.stages;
  } else {
    return true; // personas (their mix, mood, affinities) and mood_effect act everywhere
  }
  if (metric.kind == MetricKind::OrderValue)
    return ends_with_discount; // what a purchase is worth: a discount (the basket is not a parameter)
  return std::any_of(stages.begin(), stages.end(), [&](int k) { return k >= first && k <= last; }) ||
         stages.empty() || (stages.size() == 1 && stages[0] < 0); // unknown: assume it acts
}

bool has_term(const MetricTarget& m)
{
  return m.not_fitted.empty() && (m.kind == MetricKind::RepeatPurchase || m.kind == MetricKind::FirstPurchaseQuantile ||
                                  m.kind == MetricKind::OrderValue);
}

namespace {

//! Binomial: y of n at probability p (m simulated trials).
void binomial_term(MetricTerm& t, double n, double y, double p, double m)
{
  p = std::clamp(p, 1e-12, 1.0 - 1e-12);
  const double inflation = m > 0 ? 1.0 + n / m : 1.0;
  const double sd = std::sqrt(n * p * (1 - p) * inflation);
  t.residual = sd > 0 ? (y - n * p) / sd : 0.0;
  t.expected = {n * p};
  t.sd = {sd};
  double d = 0.0;
  if (y > 0)
    d += y * std::log(y / (n * p));
  if (n - y > 0)
    d += (n - y) * std::log((n - y) / (n * (1 - p)));
  t.deviance = 2 * d / inflation;
}

} // namespace

MetricTerm evaluate_metric(const std::vector<MetricTarget>& metrics, std::size_t i, const Model& model,
                           const MetricStatistics& st)
{
  const MetricTarget& mt = metrics[i];
  MetricTerm t;
  const std::size_t g = mt.persona < 0 ? model.personas.size() : static_cast<std::size_t>(mt.persona);
  const int conversion = model.first_purchase_stage();
  if (conversion < 0 || g >= st.buyers.size())
    return t;
  const double n = static_cast<double>(mt.n), v = mt.row.value;
  const double buyers = static_cast<double>(st.buyers[g]);
  const bool term = has_term(mt);
  switch (mt.kind) {
  case MetricKind::CartAbandon: {
    if (conversion < 1 || st.reached.empty())
      return t;
    const double carts = static_cast<double>(st.reached[g][static_cast<std::size_t>(conversion - 1)]);
    const double bought = static_cast<double>(st.reached[g][static_cast<std::size_t>(conversion)]);
    if (carts <= 0)
      return t;
    t.simulated = 1.0 - bought / carts;
    if (n > 0) { // its term is the transition's: only the residual here, of abandons
      MetricTerm b;
      binomial_term(b, n, std::round(n * v), t.simulated, carts);
      t.residual = b.residual;
    }
    return t;
  }
  case MetricKind::RepeatPurchase: {
    if (buyers <= 0)
      return t;
    t.simulated = static_cast<double>(st.repeat_buyers[g]) / buyers;
    if (n > 0) {
      binomial_term(t, n, std::round(n * v), t.simulated, buyers);
      if (!term)
        t.deviance = 0.0, t.expected.clear(), t.sd.clear();
    }
    return t;
  }
  case MetricKind::FirstPurchaseQuantile: {
    const auto& days = st.days_to_first_purchase[g];
    t.simulated = first_purchase_quantile(days, mt.quantile);
    if (!(n > 0) || buyers <= 0)
      return t;
    const double inflation = 1.0 + n / buyers;
    const double F = std::clamp(first_purchase_cdf(days, v), 1e-12, 1 - 1e-12);
    t.residual = (n * mt.quantile - n * F) / std::sqrt(n * F * (1 - F) * inflation);
    if (!term)
      return t;
    // The bin below this quantile (from the previous one of the group) and,
    // for the last quantile, the bin above it.
    double q_below = 0.0, F_below = 0.0;
    bool last = true;
    for (std::size_t j = 0; j < metrics.size(); ++j) {
      const MetricTarget& o = metrics[j];
      if (j == i || o.kind != MetricKind::FirstPurchaseQuantile || o.persona != mt.persona || !has_term(o))
        continue;
      if (o.quantile < mt.quantile && o.quantile > q_below) {
        q_below = o.quantile;
        F_below = std::clamp(first_purchase_cdf(days, o.row.value), 0.0, 1.0);
      }
      last = last && o.quantile < mt.quantile;
    }
    auto bin = [&](double observed_share, double probability) {
      const double o = n * observed_share, e = n * std::max(probability, 1e-12);
      t.expected.push_back(e);
      t.sd.push_back(std::sqrt(e * inflation));
      t.deviance += 2 * ((o > 0 ? o * std::log(o / e) : 0.0) - (o - e)) / inflation;
    };
    bin(mt.quantile - q_below, F - F_below);
    if (last)
      bin(1.0 - mt.quantile, 1.0 - F);
    return t;
  }
  case MetricKind::OrderValue: {
    const double orders = st.orders[g];
    if (orders <= 0)
      return t;
    const double mean = st.revenue[g] / orders;
    const double var_sim = std::max(0.0, st.revenue_squared_per_order[g] / orders - mean * mean);
    t.simulated = mean;
    if (!(n > 0))
      return t;
    const double sd_obs = std::isnan(mt.observed_sd) ? std::sqrt(var_sim) : mt.observed_sd;
    const double se = std::sqrt(sd_obs * sd_obs / n + var_sim / orders);
    if (!(se > 0))
      return t; // no spread: calibrate reports it as not fitted
    t.residual = (v - mean) / se;
    if (term) {
      t.expected = {mean};
      t.sd = {se};
      t.deviance = t.residual * t.residual;
    }
    return t;
  }
  case MetricKind::Auxiliary:
    return t;
  }
  return t;
}

double first_purchase_cdf(const std::vector<std::int64_t>& days, double hours)
{
  double total = 0.0, below = 0.0;
  const double x = hours / 24.0;
  for (std::size_t t = 0; t < days.size(); ++t) {
    const double n = static_cast<double>(days[t]);
    total += n;
    below += n * std::clamp(x - static_cast<double>(t), 0.0, 1.0);
  }
  return total > 0 ? below / total : 0.0;
}

double first_purchase_quantile(const std::vector<std::int64_t>& days, double q)
{
  double total = 0.0;
  for (auto n : days)
    total += static_cast<double>(n);
  if (total <= 0)
    return std::numeric_limits<double>::quiet_NaN();
  double cumulative = 0.0;
  for (std::size_t t = 0; t < days.size(); ++t) {
    const double share = static_cast<double>(days[t]) / total;
    if (share > 0 && cumulative + share >= q)
      return 24.0 * (static_cast<double>(t) + (q - cumulative) / share);
    cumulative += share;
  }
  return 24.0 * static_cast<double>(days.size());
}

} // namespace journeysim
