#pragma once
//! The metric rows of an observed funnel matched to a scenario, and what a
//! simulation gives for them (docs/CALIBRATION.md, "Metric rows"). A metric
//! is fitted when the target holds the count it is a rate or quantile of;
//! otherwise it is shown with the reason it is not.

#include "journeysim/engine/runner.h"
#include "journeysim/observed/observed_funnel.h"
#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace journeysim {

enum class MetricKind {
  CartAbandon,           //!< 1 − reached(first purchase stage) / reached(the stage before it)
  RepeatPurchase,        //!< buyers with ≥ 2 purchases / buyers
  FirstPurchaseQuantile, //!< hours from the first observed stage to the first purchase, quantile q
  OrderValue,            //!< mean value of a purchase
  Auxiliary,             //!< customers, purchases, order_value_sd: inputs of the others, not fitted
};

struct MetricTarget {
  ObservedMetric row;
  MetricKind kind = MetricKind::Auxiliary;
  int persona = -1;        //!< index into the baseline's personas; -1 = all customers
  std::int64_t n = 0;      //!< observed customers (or orders) it is a rate, quantile or mean of
  int clock_stage = 0;     //!< FirstPurchaseQuantile: the stage whose entry starts the clock
  double quantile = 0.0;   //!< FirstPurchaseQuantile: 0.25 for _p25
  double observed_sd = std::numeric_limits<double>::quiet_NaN(); //!< OrderValue: order_value_sd, if given
  std::string not_fitted;  //!< why it is only shown; "" = fitted
};

//! The metric names a file may hold; q in 0..1 for a first-purchase quantile.
//! @returns false for a name that is not a metric.
bool metric_kind(const std::string& name, MetricKind& kind, double& q);

//! A conversion-stage row derived from a cart_abandon_rate row, for each
//! group whose stage rows have the cart stage but not the purchase stage:
//! reached = round(reached(cart) × (1 − rate)). It then enters the stage
//! transitions like any row (the metric's binomial term is that transition's).
std::vector<ObservedStage> stage_rows_from_metrics(const Model& model, const ObservedFunnel& observed);

//! Match the metric rows. `stages` are the stage rows, derived ones included.
//! @throws InputError "FILE:LINE:1: unknown persona ..." (like stage rows).
std::vector<MetricTarget> match_metrics(const Model& model, const ObservedFunnel& observed,
                                        const std::vector<ObservedStage>& stages, bool by_persona);

//! Per-agent statistics a metric needs, per group (persona p at [p], all at
//! [personas]), gathered from the chunks of a baseline run.
struct MetricStatistics {
  std::vector<std::vector<std::int64_t>> reached; //!< [group][stage], copied from the run's totals
  std::vector<std::int64_t> buyers, repeat_buyers;
  std::vector<std::vector<std::int64_t>> days_to_first_purchase; //!< [group][whole days], from the clock stage
  std::vector<double> revenue, orders, revenue_squared_per_order; //!< Σ r, Σ k, Σ r²/k over buyers
};

//! A ChunkSink that gathers MetricStatistics (chunks arrive in agent order,
//! so the floating-point sums are the same for any thread count).
class MetricSink : public ChunkSink {
public:
  //! `clock_stage[group]`: where that group's time to first purchase starts (−1: not needed).
  MetricSink(const Model& model, std::vector<int> clock_stage, int horizon_days);
  void write(const Chunk& chunk) override;
  MetricStatistics statistics;

private:
  std::size_t personas_;
  int conversion_stage_;
  std::vector<int> clock_stage_;
};

//! Whether the free parameter at `path` can move the metric at all: it acts on
//! a stage the metric measures (the repeat rate: the first purchase stage on;
//! the time to first purchase: the clock's stage up to the purchase; order
//! value: only a touchpoint's discount), or on every stage (personas,
//! mood_effect). Without one, fitting a metric would only fit the noise of
//! the common random numbers.
bool parameter_acts_on(const Model& model, const std::string& path, const MetricTarget& metric);

//! Whether a metric row has a likelihood term of its own (a cart_abandon_rate
//! is fitted as the stage transition it is part of).
bool has_term(const MetricTarget& metric);

//! One metric row at one parameter point.
struct MetricTerm {
  double simulated = std::numeric_limits<double>::quiet_NaN(); //!< the simulation's value of the metric
  double residual = std::numeric_limits<double>::quiet_NaN();  //!< (observed − expected) / sd, noise of both
  double deviance = 0.0;         //!< its part of the deviance (0 without a term)
  std::vector<double> expected;  //!< expected counts (or mean) of its term, and
  std::vector<double> sd;        //!< their standard deviations: the information is Σ ∇(e/sd) ∇(e/sd)ᵀ
};

//! Metric `i` of `metrics` at a simulated point. Terms: a rate is binomial
//! (n observed buyers, y = round(n × rate)); the first-purchase quantiles of
//! a group are one multinomial over the bins between them (written as
//! Poisson deviances per bin, the last bin with the last quantile); a mean
//! order value is normal with se² = sd_obs²/n + sd_sim²/m. Each divides by
//! 1 + n/m (m the simulated buyers) for the simulation's own noise.
MetricTerm evaluate_metric(const std::vector<MetricTarget>& metrics, std::size_t i, const Model& model,
                           const MetricStatistics& statistics);

//! P(time to first purchase ≤ hours) of a group's simulated buyers: a
//! purchase t whole days after the clock's start is taken as uniform over
//! [t, t + 1) days (the model has a day's resolution).
double first_purchase_cdf(const std::vector<std::int64_t>& days, double hours);
//! Its inverse: the simulated quantile q, in hours.
double first_purchase_quantile(const std::vector<std::int64_t>& days, double q);

} // namespace journeysim
