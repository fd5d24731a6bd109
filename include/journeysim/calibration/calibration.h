#pragma once
//! Fitting free parameters of a scenario to an observed funnel by maximum
//! likelihood of the stage transitions (docs/CALIBRATION.md): NLopt's BOBYQA
//! on the binomial deviance, every evaluation a simulation of the baseline
//! with the same seed (common random numbers); 95 % likelihood-ratio
//! intervals (along the profile's linear path, profiled where that fails);
//! identifiability from the Fisher information.

#include "journeysim/calibration/free_parameter.h"
#include "journeysim/calibration/funnel_target.h"
#include "journeysim/scenario/scenario.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace journeysim {

//! One evaluation of the objective, for a progress line.
struct CalibrationStep {
  const char* phase = "fit"; //!< "fit", "information", "interval PATH", "profile PATH"
  int evaluation = 0;        //!< 1-based, over all phases
  double deviance = 0.0;
  double best = 0.0;         //!< of the point fit so far
  const std::vector<double>* values = nullptr;
};

struct CalibrationOptions {
  std::uint64_t agents = 100000; //!< simulated agents per evaluation
  std::uint64_t seed = 0;
  bool seed_given = false;       //!< false: the scenario's seed
  std::optional<rng::Stream> random_stream; //!< instead of the scenario's (`--random-stream`)
  int threads = 0;               //!< 0: all cores
  int max_evaluations = 300;     //!< of the point fit (intervals come on top)
  bool intervals = true;
  //! Metric rows to fit (the others are shown): names, "hours_to_first_purchase"
  //! for all its quantiles, or "all". A cart_abandon_rate is a stage row and always fitted.
  std::vector<std::string> fit_metrics = {"repeat_purchase_rate", "order_value_mean"};
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const CalibrationStep&)> progress; //!< after each evaluation
};

struct ParameterFit {
  FreeParameter parameter;
  double start = 0.0;
  double value = 0.0;
  double low95 = 0.0, high95 = 0.0; //!< NaN if not computed
  bool low95_at_bound = false, high95_at_bound = false; //!< the profile stays below the cut up to the bound
  bool at_bound = false; //!< the estimate itself is at a bound
  std::string interval_method; //!< "line" (the profile's linear path), "profile", or "" (not computed)
  //! No effect on the likelihood near the fit (the "no effect" warning): the
  //! data cannot move it, so `value` is `start` and the calibrated scenario
  //! keeps the scenario's own value.
  bool kept = false;
};

struct TransitionFit {
  Transition transition;
  double fitted_rate = 0.0;  //!< simulated reached[to] / reached[from]
  double residual = 0.0;     //!< (y − n·p) / sqrt(n·p·(1 − p)·inflation)
  double simulated_from = 0; //!< simulated agents in `from` (the simulation's own sample)
  bool fitted = true;        //!< false: an overall row of a target with persona rows, only shown
};

struct MetricFit {
  MetricTarget target; //!< its not_fitted says why a row is only shown
  double simulated = 0.0; //!< the metric of the simulation at the estimate (NaN: none)
  double residual = 0.0;  //!< standardised (NaN: no count to weigh it by)
  bool fitted = false;    //!< its likelihood term is part of the deviance
};

struct CalibrationResult {
  std::vector<ParameterFit> parameters;
  std::vector<TransitionFit> transitions; //!< the fitted ones, then those only shown
  std::vector<MetricFit> metrics; //!< the target's metric rows, in file order
  double deviance = 0.0;
  int degrees_of_freedom = 0; //!< transitions + fitted metric rows − free parameters
  double p_value = 0.0; //!< NaN without degrees of freedom
  int evaluations = 0;
  //! Where the evaluations went: the point fit, the information matrix, the intervals.
  int evaluations_fit = 0, evaluations_information = 0, evaluations_intervals = 0;
  int profiled_sides = 0; //!< interval sides that needed the profile search
  bool interrupted = false; //!< the parameters are the best point so far
  bool intervals_done = false;
  std::vector<std::string> warnings;
  std::uint64_t agents = 0, seed = 0;
};

//! Fits `free` so that the baseline of `scenario` reproduces `target`.
//! The scenario is re-read from its source text with the parameters as
//! overrides at every evaluation, so every check of the loader applies.
//! @throws InputError For a PATH that names nothing or a bound the scenario rejects.
//! Never throws Cancelled: an interrupted fit returns the best point so far.
CalibrationResult calibrate(const Scenario& scenario, const FunnelTarget& target,
                            const std::vector<FreeParameter>& free, const CalibrationOptions& options);

//! Whether `metric` is one of `chosen` (CalibrationOptions::fit_metrics).
bool metric_chosen(const std::vector<std::string>& chosen, const std::string& metric);

//! The binomial deviance of y successes in n trials at probability p.
double binomial_deviance(double n, double y, double p);

//! The scenario's source text with the fitted values written in and a header
//! comment; it is checked to load before it is returned.
//! @throws InputError If the result does not load (names the problem).
std::string calibrated_yaml(const Scenario& scenario, const std::vector<FreeParameter>& free,
                            const std::vector<double>& values, const std::string& header_comment);

} // namespace journeysim
