#pragma once
//! A scenario as the engine sees it: plain data, validated by the loader.
//! Each variant is a complete, resolved copy (`Model`), so the engine never
//! needs to know how a variant was written.

#include "journeysim/scenario/distribution.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace journeysim {

enum class Phase : std::uint8_t { PrePurchase, Purchase, PostPurchase };
enum class TouchKind : std::uint8_t { Neutral, PainPoint, SuccessPoint, MomentOfTruth };
//! When a touchpoint acts: every day it targets the agent, or once on the
//! day an event schedules it (MODEL.md "Triggers and caps").
enum class Trigger : std::uint8_t { Daily, CartAbandoned, Purchase, Arrival };

const char* to_string(Phase p) noexcept;
const char* to_string(TouchKind k) noexcept;
const char* to_string(Trigger t) noexcept;

//! Limits that keep a typo from asking for terabytes (validated by the loader).
inline constexpr int MAX_STAGES = 100;          //!< final_stage is int8
inline constexpr int MAX_HORIZON_DAYS = 10000;  //!< stage_day is int16
inline constexpr int MAX_CHECKOUT_STEPS = 100;
inline constexpr int MAX_PERSONAS = 1000;
inline constexpr int MAX_TOUCHPOINTS = 10000;
inline constexpr int MAX_VARIANTS = 1000;
inline constexpr std::uint64_t MAX_POPULATION = 1'000'000'000'000ull;

struct Stage {
  std::string name;
  Phase phase = Phase::PrePurchase;
  double dropout = 0.0;
  bool purchase = false;      //!< entering it is a purchase
  double purchase_rate = 0.0; //!< daily repeat purchase chance (last stage only)
};

struct Attribute {
  std::string name;
  Distribution distribution;
};

struct Affinity {
  std::string channel;
  double weight = 1.0;
};

struct Persona {
  std::string name;
  std::string description;
  double share = 0.0;
  double mood = 0.0;
  std::vector<Attribute> attributes;
  std::vector<Affinity> affinity; //!< channels not listed have weight 1
  Distribution basket = Distribution::fixed(0.0);
  //! Referral contacts per day of an advocate of this persona (NaN: the
  //! scenario's `referrals.rate`).
  double referral_rate = std::numeric_limits<double>::quiet_NaN();

  //! Weight for a channel (1 when not listed).
  double affinity_for(const std::string& channel) const;
};

struct AttributeRange {
  std::string attribute;
  double min = -1e308;
  double max = 1e308;
};

struct Targeting {
  bool cart_abandoned = false; //!< only agents whose cart was abandoned
  int min_days_in_stage = 0;
  std::vector<AttributeRange> ranges;
};

struct Checkout {
  int steps = 1;
  double step_abandon = 0.0;
};

//! A touchpoint bought with money instead of a stated reach (MODEL.md
//! "Budgets"): the day's budget buys exposures at `cost_per_exposure`, with
//! diminishing returns as the targeted audience saturates.
struct Budget {
  double total = 0.0;             //!< over the horizon
  double cost_per_exposure = 0.0; //!< the price of an exposure to an unsaturated audience
};

struct Touchpoint {
  std::string name;
  std::string channel;
  std::vector<int> stages; //!< indices into Model::stages, ascending
  double reach = 0.0;
  double advance = 0.0;
  double emotion = 0.0;
  double cost = 0.0;
  double discount = 0.0; //!< 0 = carries no discount
  TouchKind kind = TouchKind::Neutral;
  std::optional<Checkout> checkout;
  Targeting target;
  Trigger trigger = Trigger::Daily;
  int delay_days = 0;      //!< a triggered touchpoint acts this many days later
  int max_per_agent = 0;   //!< exposures per agent at most (0: no cap)
  int cooldown_days = 0;   //!< quiet days required between two exposures
  std::optional<Budget> budget; //!< set: reach is the reach at saturation, cost comes from the budget
};

//! When customers enter the journey (MODEL.md "Arrivals").
struct Arrivals {
  bool at_start = true; //!< everyone on day 0 (model v1)
  double daily = 0.0;   //!< otherwise: external arrival probability per day
  //! Conversion is also reported among agents who arrived at least this
  //! many days before the end (late arrivals have had no time to buy).
  int mature_days = 30;
};

//! A named day range of the campaign calendar: multiplies the arrival
//! probability and, per touchpoint, the reach.
struct Campaign {
  std::string name;
  int from = 0, to = 0; //!< days, inclusive
  double arrivals = 1.0;
  std::vector<std::pair<std::string, double>> reach; //!< touchpoint name → factor
};

//! Word of mouth (MODEL.md "Referrals"): advocates' contacts bring in
//! customers who have not arrived yet.
struct Referrals {
  bool enabled = false;
  std::vector<int> advocate_stages; //!< ascending stage indices
  double rate = 0.0;                //!< contacts per advocate per day (personas may override)
  int enter = 0;                    //!< stage a referred customer enters
  double emotion = 0.0;             //!< added to a referred customer's mood on arrival
};

//! How the population feedback's fixed point is solved.
struct FeedbackSettings {
  double tolerance = 1e-3; //!< of the population: max |A_{k+1}(t) − A_k(t)| ≤ tolerance·N
  int max_passes = 30;
};

//! One variant, fully resolved: the baseline is variants[0].
struct Model {
  std::string name;
  std::string description;
  std::string overrides; //!< the variant's YAML text ("" for the baseline)
  double mood_effect = 0.5;
  double margin = 1.0; //!< gross margin at list price (1: revenue is profit)
  int clv_days = 0;    //!< days of repeat purchases projected beyond the horizon
  //! Which definition of the draws (MODEL.md "Randomness"); scenario-wide.
  rng::Stream random_stream = rng::DEFAULT_STREAM;
  Arrivals arrivals;
  std::vector<Campaign> calendar;
  Referrals referrals;
  FeedbackSettings feedback;
  std::vector<Stage> stages;
  std::vector<Persona> personas;
  std::vector<Touchpoint> touchpoints;

  int stage_index(const std::string& name) const; //!< -1 if none
  int first_purchase_stage() const;               //!< -1 if none
  //! True when agents are coupled through a population aggregate (referrals,
  //! budget pacing) and a run must solve a fixed point.
  bool needs_feedback() const;
  //! True when money is modelled beyond revenue and cost (a margin below 1,
  //! a CLV projection or budgets): profit and CLV are recorded per agent.
  bool uses_money() const;
};

//! A sweep declared in the file (`sweep:`), used when the command line
//! gives no --set: each path with its values as text ("1,2,3", "0:0.3:0.05",
//! "1e-3:1e-1:log5"), and the replications (0: not given).
struct SweepSpec {
  std::vector<std::pair<std::string, std::string>> set;
  int replications = 0;
};

//! The scenario's `calibrate:` section: the free parameters of
//! `journeysim calibrate` when none are given on the command line.
struct CalibrateSpec {
  std::vector<std::pair<std::string, std::string>> free; //!< PATH, "LOW:HIGH"
};

struct Scenario {
  std::string path;   //!< file it was read from
  std::string source; //!< the YAML text exactly as read
  //! The command line's `--set` overrides applied on top of `source`,
  //! PATH=VALUE each: the source alone is not what ran.
  std::vector<std::string> command_line_set;
  std::string name;
  std::string description;
  int horizon_days = 90;
  std::uint64_t population = 10000;
  std::uint64_t seed = 1;
  std::string currency; //!< shown with every amount of money ("" : none given)
  std::vector<Model> variants; //!< [0] is the baseline
  SweepSpec sweep;
  CalibrateSpec calibrate;

  const Model& baseline() const { return variants.front(); }
  //! The share of each budget a run of `agents` spends: budgets are stated
  //! for the scenario's `population`, so a smaller sample of the same shop
  //! buys the same reach per customer (MODEL.md "Budgets and pacing").
  double budget_share(std::uint64_t agents) const
  {
    return population > 0 ? static_cast<double>(agents) / static_cast<double>(population) : 1.0;
  }
  //! Index of a variant by name; -1 if none.
  int variant_index(const std::string& name) const;
  //! Every variant draws by `stream` (`--random-stream`): the scenario's
  //! text, and with it the file's record of the scenario, stays as written.
  void use_random_stream(rng::Stream stream);
};

} // namespace journeysim
