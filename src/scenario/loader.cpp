//! Scenario files (SCENARIO.md) → validated `Scenario`.
//!
//! The document is read once into an immutable tree (yaml_reader.h). The
//! baseline model is parsed from it by `parse_model`; each variant's tree is
//! built on top of its base's tree (variants.h: remove, then add, then set)
//! and parsed by the same `parse_model`, so a variant is held to exactly the
//! baseline's rules. The first mistake found is thrown as a ScenarioError.

#include "journeysim/scenario/loader.h"
#include "journeysim/rng/stream.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/calibration/free_parameter.h"

#include "journeysim/error.h"
#include "journeysim/util/nearest_name.h"
#include "journeysim/util/regular_file.h"
#include "journeysim/util/quote.h"
#include "variants.h"
#include "yaml_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <unordered_map>

#include <unistd.h>

namespace journeysim {

using namespace detail;

namespace {

//! "list[name]" when the item has a valid name, else "list[#n]".
std::string item_path(const char* list, const YNode& item, std::size_t index)
{
  if (item.is_map())
    if (const YNode* n = item.find("name"); n && n->is_scalar() && name_problem(n->scalar).empty())
      return std::string(list) + "[" + n->scalar + "]";
  return std::string(list) + "[#" + std::to_string(index + 1) + "]";
}

//! One of a fixed set of words, with a did-you-mean.
int read_enum(const Context& ctx, const YNode& n, const std::string& path, const char* what,
              const std::vector<std::string>& words)
{
  if (!n.is_scalar())
    ctx.fail(n, path + ": expected a " + what + ", got " + n.describe());
  const auto it = std::find(words.begin(), words.end(), n.scalar);
  if (it != words.end())
    return static_cast<int>(it - words.begin());
  std::string list;
  for (std::size_t i = 0; i < words.size(); ++i)
    list += (i ? (i + 1 == words.size() ? " or " : ", ") : "") + words[i];
  const std::string hint = did_you_mean(n.scalar, words);
  ctx.fail(n, path + ": unknown " + what + " " + quote(n.scalar) + (hint.empty() ? " (expected " + list + ")" : hint));
}

//! Tracks names in one list: the second use of a name is an error.
class NameSet {
public:
  NameSet(const Context& ctx, const char* what) : ctx_(ctx), what_(what) {}
  void add(const std::string& name, const YNode& at)
  {
    const auto [it, inserted] = lines_.emplace(name, at.mark.line + 1);
    if (!inserted)
      ctx_.fail(at, "duplicate " + std::string(what_) + " name " + quote(name) + " (first defined at line " +
                        std::to_string(it->second) + ")");
    // Names address random streams (docs/MODEL.md): two names with one hash
    // would share draws. Astronomically rare, but never silent.
    const auto [h, fresh] = hashes_.emplace(rng::name_hash(name), name);
    if (!fresh)
      ctx_.fail(at, std::string(what_) + " names " + quote(h->second) + " and " + quote(name) +
                      " have the same stream hash; please rename one");
  }

private:
  const Context& ctx_;
  const char* what_;
  std::unordered_map<std::string, int> lines_;
  std::unordered_map<std::uint32_t, std::string> hashes_;
};

// ----------------------------------------------------------- distributions

const std::vector<std::string> DIST_KEYS = {"uniform", "normal", "lognormal", "beta", "choice", "min", "max"};
const std::vector<std::string> DIST_KINDS = {"uniform", "normal", "lognormal", "beta", "choice"};

//! Range of values a draw can take, after clipping (choice: label indices).
std::pair<double, double> support(const Distribution& d)
{
  constexpr double inf = std::numeric_limits<double>::infinity();
  double lo = 0.0, hi = 0.0;
  switch (d.kind) {
  case Distribution::Kind::Fixed:
    lo = hi = d.a;
    break;
  case Distribution::Kind::Uniform:
    lo = d.a;
    hi = d.b;
    break;
  case Distribution::Kind::Normal:
    lo = d.b == 0.0 ? d.a : -inf;
    hi = d.b == 0.0 ? d.a : inf;
    break;
  case Distribution::Kind::Lognormal:
    lo = d.b == 0.0 ? std::exp(d.a) : 0.0;
    hi = d.b == 0.0 ? std::exp(d.a) : inf;
    break;
  case Distribution::Kind::Beta:
    lo = 0.0;
    hi = 1.0;
    break;
  case Distribution::Kind::Choice:
    return {0.0, static_cast<double>(d.labels.size()) - 1.0};
  }
  auto clip = [&](double x) { return std::min(std::max(x, d.min), d.max); };
  return {clip(lo), clip(hi)};
}

//! Choice codes are uint8 in the results and 255 marks a missing value.
constexpr std::size_t MAX_CHOICE_LABELS = 254;

//! The largest amount of money one draw or one touch may be: sums over 10^12
//! agents and thousands of events then stay far from overflowing to inf.
constexpr double MAX_MONEY = 1e12;

//! A value a draw practically never exceeds (9 standard deviations; the
//! distribution's own upper end when it has one), after clipping.
double practical_max(const Distribution& d)
{
  double hi = support(d).second;
  if (d.kind == Distribution::Kind::Normal)
    hi = d.a + 9 * d.b;
  else if (d.kind == Distribution::Kind::Lognormal)
    hi = std::exp(d.a + 9 * d.b); // inf when that overflows: refused
  return std::min(hi, d.max);
}

Distribution read_distribution(const Context& ctx, const YNode& n, const std::string& path)
{
  if (n.is_scalar())
    return Distribution::fixed(read_number(ctx, n, path));
  if (!n.is_map())
    ctx.fail(n, path + ": expected a number or a distribution such as {normal: [mean, sd]}, got " + n.describe());
  MapReader m(ctx, n, "a distribution", path, DIST_KEYS);

  const YNode* kind_key = nullptr;
  const YNode* params = nullptr;
  for (const auto& [k, v] : n.pairs) {
    if (std::find(DIST_KINDS.begin(), DIST_KINDS.end(), k->scalar) == DIST_KINDS.end())
      continue;
    if (kind_key)
      ctx.fail(*k, path + ": a distribution has one of uniform, normal, lognormal, beta or choice; found both " +
                       quote(kind_key->scalar) + " and " + quote(k->scalar));
    kind_key = k.get();
    params = v.get();
  }
  if (!kind_key)
    ctx.fail(n, path + ": expected one of uniform, normal, lognormal, beta or choice in the distribution");

  Distribution d;
  const std::string& kind = kind_key->scalar;
  const std::string ppath = path + "." + kind;
  if (kind == "choice") {
    d.kind = Distribution::Kind::Choice;
    if (!params->is_map())
      ctx.fail(*params, ppath + ": expected a map of label: weight, got " + params->describe());
    if (params->pairs.size() > MAX_CHOICE_LABELS)
      ctx.fail(*params->pairs[MAX_CHOICE_LABELS].first,
               ppath + ": at most " + std::to_string(MAX_CHOICE_LABELS) + " labels");
    double sum = 0.0;
    for (const auto& [label, weight] : params->pairs) {
      if (label->scalar.empty())
        ctx.fail(*label, ppath + ": a label must not be empty");
      d.labels.push_back(label->scalar);
      d.weights.push_back(read_nonnegative(ctx, *weight, ppath + "." + label->scalar));
      sum += d.weights.back();
    }
    if (!(sum > 0.0) || !std::isfinite(sum))
      ctx.fail(*params, ppath + ": the weights must sum to a finite number > 0, got " + fmt(sum));
    for (const char* k : {"min", "max"})
      if (const YNode* key = m.key_node(k))
        ctx.fail(*key, path + ": " + k + " cannot clip a choice");
    return d;
  }

  if (kind == "lognormal" && params->is_map()) {
    // {mean, sd} of the value itself: σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
    MapReader lp(ctx, *params, "a lognormal", ppath, {"mean", "sd"});
    const double mean = read_number(ctx, lp.require("mean"), ppath + ".mean");
    const double sd = read_number(ctx, lp.require("sd"), ppath + ".sd");
    if (!(mean > 0.0))
      ctx.fail(lp.require("mean"), ppath + ".mean: a lognormal's mean must be > 0, got " + fmt(mean));
    if (!(sd >= 0.0))
      ctx.fail(lp.require("sd"), ppath + ".sd: expected sd ≥ 0, got " + fmt(sd));
    const double var = std::log1p((sd / mean) * (sd / mean));
    d.kind = Distribution::Kind::Lognormal;
    d.b = std::sqrt(var);
    d.a = std::log(mean) - var / 2.0;
    if (!std::isfinite(d.a) || !std::isfinite(d.b) || d.b > 10.0)
      ctx.fail(*params, ppath + ": mean " + fmt(mean) + " and sd " + fmt(sd) + " make a lognormal too wide to sample");
  } else {
  const char* shape = kind == "uniform" ? "[lo, hi]" : kind == "normal" ? "[mean, sd]"
                                                     : kind == "lognormal" ? "[mu, sigma]" : "[a, b]";
  if (!params->is_seq() || params->items.size() != 2)
    ctx.fail(*params, ppath + ": expected " + shape + " (a list of 2 numbers), got " +
                          (params->is_seq() ? std::to_string(params->items.size()) + " items" : params->describe()));
  const YNode& pa = *params->items[0];
  const YNode& pb = *params->items[1];
  d.a = read_number(ctx, pa, ppath + "[0]");
  d.b = read_number(ctx, pb, ppath + "[1]");
  if (kind == "uniform") {
    d.kind = Distribution::Kind::Uniform;
    if (d.a > d.b)
      ctx.fail(*params, ppath + ": lo (" + pa.scalar + ") is greater than hi (" + pb.scalar + ")");
  } else if (kind == "normal") {
    d.kind = Distribution::Kind::Normal;
    if (d.b < 0.0)
      ctx.fail(pb, ppath + ": expected sd ≥ 0, got " + pb.scalar);
  } else if (kind == "lognormal") {
    d.kind = Distribution::Kind::Lognormal;
    if (d.b < 0.0)
      ctx.fail(pb, ppath + ": expected sigma ≥ 0, got " + pb.scalar);
    // [mu, sigma] are of the logarithm: e^20 ≈ 5·10^8 already. A mean and a
    // standard deviation written here are the likely mistake.
    if (d.a > 20.0)
      ctx.fail(*params, ppath + ": lognormal: [" + pa.scalar + ", " + pb.scalar +
                            "] takes mu and sigma of the log of the value (mu = " + pa.scalar + " means values near e^" +
                            pa.scalar + "); for a mean of " + pa.scalar + " and a standard deviation of " + pb.scalar +
                            " write lognormal: {mean: " + pa.scalar + ", sd: " + pb.scalar + "}");
    if (d.b > 10.0)
      ctx.fail(pb, ppath + ": sigma " + pb.scalar + " is of the log of the value: it spreads values over factors of e^" +
                       pb.scalar + " (at most 10); for a spread in the value's own units write lognormal: {mean: …, sd: …}");
  } else {
    d.kind = Distribution::Kind::Beta;
    if (!(d.a > 0.0))
      ctx.fail(pa, ppath + ": expected a > 0, got " + pa.scalar);
    if (!(d.b > 0.0))
      ctx.fail(pb, ppath + ": expected b > 0, got " + pb.scalar);
  }
  }
  if (const YNode* v = m.get("min"))
    d.min = read_number(ctx, *v, path + ".min");
  if (const YNode* v = m.get("max")) {
    d.max = read_number(ctx, *v, path + ".max");
    if (d.max < d.min)
      ctx.fail(*v, path + ": max (" + v->scalar + ") is less than min (" + m.get("min")->scalar + ")");
  }
  return d;
}

// ------------------------------------------------------------------ model

std::vector<Stage> read_stages(const Context& ctx, const MapReader& top)
{
  const YNode& list = top.require("stages");
  const auto& items = read_seq(ctx, list, "stages");
  if (items.empty())
    ctx.fail(list, "stages: expected at least one stage");
  std::vector<Stage> stages;
  NameSet names(ctx, "stage");
  const YNode* last_rate = nullptr;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const YNode& item = *items[i];
    if (static_cast<int>(i) >= MAX_STAGES)
      ctx.fail(item, "too many stages: at most " + std::to_string(MAX_STAGES));
    const std::string path = item_path("stages", item, i);
    MapReader m(ctx, item, "stage", path, STAGE_KEYS);
    Stage s;
    const YNode& name = m.require("name");
    s.name = read_name(ctx, name, m.path("name"), "stage name");
    names.add(s.name, name);
    if (const YNode* v = m.get("phase"))
      s.phase = static_cast<Phase>(read_enum(ctx, *v, m.path("phase"), "phase", vocabulary::PHASES));
    if (const YNode* v = m.get("dropout"))
      s.dropout = read_probability(ctx, *v, m.path("dropout"));
    if (const YNode* v = m.get("purchase")) {
      s.purchase = read_bool(ctx, *v, m.path("purchase"));
      // Every customer starts in the first stage without having bought:
      // as a purchase stage it would count conversions no purchase made.
      if (i == 0 && s.purchase)
        ctx.fail(*v, m.path("purchase") + ": the first stage cannot be a purchase stage (a customer enters one by "
                                         "buying, and everyone starts in the first stage without a purchase); to "
                                         "model customers who have bought, start with a stage before the purchase "
                                         "or one after it without purchase: true");
    }
    if (const YNode* v = m.get("purchase_rate")) {
      s.purchase_rate = read_probability(ctx, *v, m.path("purchase_rate"));
      last_rate = m.key_node("purchase_rate");
      if (i + 1 != items.size())
        ctx.fail(*last_rate, m.path("purchase_rate") +
                                 ": only the last stage may have a purchase_rate (repeat purchases of "
                                 "customers who reached the end of the funnel)");
    }
    stages.push_back(std::move(s));
  }
  if (std::none_of(stages.begin(), stages.end(), [](const Stage& s) { return s.purchase; }))
    ctx.fail(list, "stages: no stage has purchase: true; the model needs one to count conversions");
  return stages;
}

struct AttributeInfo {
  bool choice;
  std::string persona;
  std::vector<std::string> labels; //!< choice: the union over personas (one code each in the results)
};


std::vector<Persona> read_personas(const Context& ctx, const MapReader& top, const std::vector<std::string>& channels)
{
  const YNode& list = top.require("personas");
  const auto& items = read_seq(ctx, list, "personas");
  if (items.empty())
    ctx.fail(list, "personas: expected at least one persona");
  std::vector<Persona> personas;
  NameSet names(ctx, "persona");
  std::unordered_map<std::string, AttributeInfo> kinds;
  double total = 0.0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const YNode& item = *items[i];
    if (static_cast<int>(i) >= MAX_PERSONAS)
      ctx.fail(item, "too many personas: at most " + std::to_string(MAX_PERSONAS));
    const std::string path = item_path("personas", item, i);
    MapReader m(ctx, item, "persona", path, PERSONA_KEYS);
    Persona p;
    const YNode& name = m.require("name");
    p.name = read_name(ctx, name, m.path("name"), "persona name");
    names.add(p.name, name);
    if (const YNode* v = m.get("description"))
      p.description = read_string(ctx, *v, m.path("description"));
    p.share = read_nonnegative(ctx, m.require("share"), m.path("share"));
    total += p.share;
    if (const YNode* v = m.get("mood"))
      p.mood = read_range(ctx, *v, m.path("mood"), -1.0, 1.0, "a mood in [-1, 1]");

    if (const YNode* attrs = m.get("attributes")) {
      const std::string apath = m.path("attributes");
      if (!(attrs->is_map() || attrs->is_null()))
        ctx.fail(*attrs, apath + ": expected a map of attribute: distribution, got " + attrs->describe());
      for (const auto& [k, v] : attrs->pairs) {
        const std::string vpath = apath + "." + k->scalar;
        const std::string problem = name_problem(k->scalar);
        if (!problem.empty())
          ctx.fail(*k, apath + ": attribute name " + quote(k->scalar) + " " + problem);
        Attribute a{k->scalar, read_distribution(ctx, *v, vpath)};
        const bool engine =
          std::find(ENGINE_ATTRIBUTES.begin(), ENGINE_ATTRIBUTES.end(), a.name) != ENGINE_ATTRIBUTES.end();
        if (engine) {
          if (a.distribution.is_choice())
            ctx.fail(*v, vpath + ": " + a.name + " is used by the engine and must be a number in [0, 1], not a choice");
          const auto [lo, hi] = support(a.distribution);
          if (!(lo >= 0.0 && hi <= 1.0))
            ctx.fail(*v, vpath + ": " + a.name + " must stay in [0, 1], but draws range over [" + fmt(lo) + ", " +
                             fmt(hi) + "] (use a beta, or clip with min: 0 and max: 1)");
        }
        const auto [it, inserted] = kinds.emplace(a.name, AttributeInfo{a.distribution.is_choice(), p.name, {}});
        if (!inserted && it->second.choice != a.distribution.is_choice())
          ctx.fail(*v, vpath + ": attribute " + quote(a.name) + " is " +
                           (it->second.choice ? "a choice" : "numeric") + " in persona " +
                           quote(it->second.persona) + " but " + (it->second.choice ? "numeric" : "a choice") +
                           " here; an attribute must have the same type in every persona");
        for (const auto& label : a.distribution.labels)
          if (std::find(it->second.labels.begin(), it->second.labels.end(), label) == it->second.labels.end())
            it->second.labels.push_back(label);
        if (it->second.labels.size() > MAX_CHOICE_LABELS)
          ctx.fail(*v, vpath + ": attribute " + quote(a.name) + " has " + std::to_string(it->second.labels.size()) +
                           " different labels over all personas; at most " + std::to_string(MAX_CHOICE_LABELS));
        p.attributes.push_back(std::move(a));
      }
    }

    if (const YNode* aff = m.get("affinity")) {
      const std::string apath = m.path("affinity");
      if (!(aff->is_map() || aff->is_null()))
        ctx.fail(*aff, apath + ": expected a map of channel: weight, got " + aff->describe());
      for (const auto& [k, v] : aff->pairs) {
        if (std::find(channels.begin(), channels.end(), k->scalar) == channels.end()) {
          const std::string hint = did_you_mean(k->scalar, channels);
          ctx.fail(*k, apath + ": unknown channel " + quote(k->scalar) + " in affinity" +
                           (hint.empty() ? " (no touchpoint uses it, and it is not a well-known channel)" : hint));
        }
        p.affinity.push_back({k->scalar, read_nonnegative(ctx, *v, apath + "." + k->scalar)});
      }
    }

    if (const YNode* v = m.get("referral_rate"))
      p.referral_rate = read_range(ctx, *v, m.path("referral_rate"), 0.0, 100.0,
                                   "referral contacts per advocate per day in [0, 100]");
    if (const YNode* v = m.get("basket")) {
      const std::string bpath = m.path("basket");
      p.basket = read_distribution(ctx, *v, bpath);
      if (p.basket.is_choice())
        ctx.fail(*v, bpath + ": a basket is an order value and must be numeric, not a choice");
      if (support(p.basket).first < 0.0)
        ctx.fail(*v, bpath + ": basket can be negative: add min: 0");
      if (!(practical_max(p.basket) <= MAX_MONEY))
        ctx.fail(*v, bpath + ": order values would reach " + fmt(practical_max(p.basket)) + ", more than " +
                         fmt(MAX_MONEY) + " (totals would overflow): use smaller parameters, or clip with max");
    }
    personas.push_back(std::move(p));
  }
  if (!(total > 0.0))
    ctx.fail(list, "personas: the shares sum to 0; at least one persona needs a share > 0");
  if (!std::isfinite(total))
    ctx.fail(list, "personas: the shares are too large to add up");
  return personas;
}

Targeting read_target(const Context& ctx, const YNode& n, const std::string& path,
                      const std::vector<std::string>& numeric_attrs, const std::vector<std::string>& choice_attrs)
{
  Targeting t;
  if (n.is_null())
    return t;
  if (!n.is_map())
    ctx.fail(n, path + ": expected a map such as {cart_abandoned: true}, got " + n.describe());
  std::vector<std::string> known = TARGET_KEYS;
  known.insert(known.end(), numeric_attrs.begin(), numeric_attrs.end());
  for (const auto& [k, v] : n.pairs) {
    const std::string& key = k->scalar;
    const std::string vpath = path + "." + key;
    if (key == "cart_abandoned") {
      t.cart_abandoned = read_bool(ctx, *v, vpath);
    } else if (key == "min_days_in_stage") {
      t.min_days_in_stage = static_cast<int>(read_integer(ctx, *v, vpath, 0, MAX_HORIZON_DAYS));
    } else if (std::find(numeric_attrs.begin(), numeric_attrs.end(), key) != numeric_attrs.end()) {
      MapReader r(ctx, *v, "an attribute range", vpath, {"min", "max"});
      if (v->pairs.empty())
        ctx.fail(*v, vpath + ": expected {min: x}, {max: y} or both");
      AttributeRange range{key};
      if (const YNode* lo = r.get("min"))
        range.min = read_number(ctx, *lo, vpath + ".min");
      if (const YNode* hi = r.get("max")) {
        range.max = read_number(ctx, *hi, vpath + ".max");
        if (range.max < range.min)
          ctx.fail(*hi, vpath + ": max (" + hi->scalar + ") is less than min (" + r.get("min")->scalar + ")");
      }
      t.ranges.push_back(range);
    } else if (std::find(choice_attrs.begin(), choice_attrs.end(), key) != choice_attrs.end()) {
      ctx.fail(*k, path + ": attribute " + quote(key) + " is a choice; only numeric attributes can be targeted by range");
    } else {
      ctx.fail(*k, path + ": unknown key or attribute " + quote(key) + " in target" + did_you_mean(key, known));
    }
  }
  return t;
}

//! Touchpoints already parsed, by node: variants share most of their
//! touchpoint nodes with their base, and a touchpoint's meaning depends only
//! on its node, the stage names (the same in every variant) and which
//! attributes are numeric or choices (recorded here; the cache is bypassed
//! when a variant changes them).
struct TouchpointCache {
  bool ready = false;
  std::vector<std::string> numeric, choice;
  std::unordered_map<const YNode*, Touchpoint> parsed;
};

//! `trigger`, `delay_days`, `max_per_agent`, `cooldown_days` (MODEL.md "Triggers and caps").
void read_triggers_and_caps(const Context& ctx, const MapReader& m, int horizon, Touchpoint& t)
{
  if (const YNode* v = m.get("trigger"))
    t.trigger = static_cast<Trigger>(read_enum(ctx, *v, m.path("trigger"), "trigger", vocabulary::TRIGGERS));
  if (const YNode* v = m.get("delay_days")) {
    t.delay_days = static_cast<int>(read_integer(ctx, *v, m.path("delay_days"), 0, horizon));
    if (t.trigger == Trigger::Daily)
      ctx.fail(*m.key_node("delay_days"), m.path("delay_days") +
                                              ": delay_days needs a trigger (cart_abandoned, purchase or arrival)");
  }
  if (const YNode* v = m.get("max_per_agent"))
    t.max_per_agent = static_cast<int>(read_integer(ctx, *v, m.path("max_per_agent"), 1, 65535));
  if (const YNode* v = m.get("cooldown_days"))
    t.cooldown_days = static_cast<int>(read_integer(ctx, *v, m.path("cooldown_days"), 0, horizon));
}

//! `budget: {total: 5000, cost_per_exposure: 0.4}` or `{per_day: …, …}`.
Budget read_budget(const Context& ctx, const YNode& n, const std::string& path, int horizon)
{
  MapReader b(ctx, n, "budget", path, vocabulary::BUDGET_KEYS);
  Budget budget;
  const YNode* total = b.get("total");
  const YNode* per_day = b.get("per_day");
  if ((total != nullptr) == (per_day != nullptr))
    ctx.fail(n, path + ": give either total (money over the horizon) or per_day, " +
                    std::string(total ? "not both" : "e.g. {total: 5000, cost_per_exposure: 0.4}"));
  const auto money = [&](const YNode& v, const std::string& p) {
    const double x = read_number(ctx, v, p);
    if (x < 0.0)
      ctx.fail(v, p + ": a budget cannot be negative, got " + v.scalar);
    if (!(x <= MAX_MONEY))
      ctx.fail(v, p + ": at most " + fmt(MAX_MONEY) + " (totals would overflow), got " + v.scalar);
    return x;
  };
  budget.total = total ? money(*total, b.path("total")) : money(*per_day, b.path("per_day")) * horizon;
  const YNode& cpe = b.require("cost_per_exposure");
  budget.cost_per_exposure = money(cpe, b.path("cost_per_exposure"));
  if (!(budget.cost_per_exposure > 0.0))
    ctx.fail(cpe, b.path("cost_per_exposure") + ": expected a price > 0 (money per exposure)");
  return budget;
}

std::vector<Touchpoint> read_touchpoints(const Context& ctx, const MapReader& top, const std::vector<Stage>& stages,
                                         const std::vector<Persona>& personas, int horizon, TouchpointCache& cache)
{
  const YNode& list = top.require("touchpoints");
  const auto& items = read_seq(ctx, list, "touchpoints");
  if (items.empty())
    ctx.fail(list, "touchpoints: expected at least one touchpoint");

  std::vector<std::string> stage_names;
  for (const auto& s : stages)
    stage_names.push_back(s.name);
  std::vector<std::string> numeric = ENGINE_ATTRIBUTES, choice;
  for (const auto& p : personas)
    for (const auto& a : p.attributes) {
      auto& into = a.distribution.is_choice() ? choice : numeric;
      if (std::find(into.begin(), into.end(), a.name) == into.end())
        into.push_back(a.name);
    }

  if (!cache.ready) {
    cache.ready = true;
    cache.numeric = numeric;
    cache.choice = choice;
  }
  const bool use_cache = cache.numeric == numeric && cache.choice == choice;

  std::vector<Touchpoint> out;
  out.reserve(items.size());
  NameSet names(ctx, "touchpoint");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const YNode& item = *items[i];
    if (static_cast<int>(i) >= MAX_TOUCHPOINTS)
      ctx.fail(item, "too many touchpoints: at most " + std::to_string(MAX_TOUCHPOINTS));
    if (use_cache)
      if (const auto hit = cache.parsed.find(&item); hit != cache.parsed.end()) {
        names.add(hit->second.name, *item.find("name"));
        out.push_back(hit->second);
        continue;
      }
    const std::string path = item_path("touchpoints", item, i);
    MapReader m(ctx, item, "touchpoint", path, TOUCHPOINT_KEYS);
    Touchpoint t;
    const YNode& name = m.require("name");
    t.name = read_name(ctx, name, m.path("name"), "touchpoint name");
    names.add(t.name, name);
    t.channel = read_name(ctx, m.require("channel"), m.path("channel"), "channel name");

    const YNode& st = m.require("stages");
    const auto& st_items = read_seq(ctx, st, m.path("stages"));
    if (st_items.empty())
      ctx.fail(st, m.path("stages") + ": expected at least one stage");
    for (const auto& s : st_items) {
      const std::string sname = read_name(ctx, *s, m.path("stages"), "stage name");
      const auto it = std::find(stage_names.begin(), stage_names.end(), sname);
      if (it == stage_names.end())
        ctx.fail(*s, m.path("stages") + ": unknown stage " + quote(sname) + did_you_mean(sname, stage_names));
      const int idx = static_cast<int>(it - stage_names.begin());
      if (std::find(t.stages.begin(), t.stages.end(), idx) != t.stages.end())
        ctx.fail(*s, m.path("stages") + ": stage " + quote(sname) + " is listed twice");
      t.stages.push_back(idx);
    }
    std::sort(t.stages.begin(), t.stages.end());

    t.reach = read_probability(ctx, m.require("reach"), m.path("reach"));
    if (const YNode* v = m.get("advance"))
      t.advance = read_probability(ctx, *v, m.path("advance"));
    if (const YNode* v = m.get("emotion"))
      t.emotion = read_range(ctx, *v, m.path("emotion"), -1.0, 1.0, "an emotion in [-1, 1]");
    if (const YNode* v = m.get("cost")) {
      t.cost = read_nonnegative(ctx, *v, m.path("cost"));
      if (t.cost > MAX_MONEY)
        ctx.fail(*v, m.path("cost") + ": at most " + fmt(MAX_MONEY) + " per touch (totals would overflow), got " +
                         v->scalar);
    }
    if (const YNode* v = m.get("discount"))
      t.discount = read_range(ctx, *v, m.path("discount"), 0.0, std::nextafter(1.0, 0.0),
                              "a discount in [0, 1) (0.1 = 10% off)");
    if (const YNode* v = m.get("kind"))
      t.kind = static_cast<TouchKind>(read_enum(ctx, *v, m.path("kind"), "kind", vocabulary::TOUCH_KINDS));
    if (const YNode* v = m.get("checkout")) {
      const std::string cpath = m.path("checkout");
      MapReader c(ctx, *v, "checkout", cpath, CHECKOUT_KEYS);
      Checkout co;
      co.steps = static_cast<int>(read_integer(ctx, c.require("steps"), c.path("steps"), 1, MAX_CHECKOUT_STEPS));
      co.step_abandon = read_probability(ctx, c.require("step_abandon"), c.path("step_abandon"));
      t.checkout = co;
      // Report at whichever key comes last: in a variant, the one it set.
      if (const YNode* adv = m.key_node("advance")) {
        const YNode* co_key = m.key_node("checkout");
        ctx.fail(adv->mark.pos > co_key->mark.pos ? *adv : *co_key, path + ": advance cannot be used together with checkout (a checkout advances the agent "
                              "when all its steps pass)");
      }
    }
    if (const YNode* v = m.get("target"))
      t.target = read_target(ctx, *v, m.path("target"), numeric, choice);
    read_triggers_and_caps(ctx, m, horizon, t);
    if (const YNode* v = m.get("budget")) {
      t.budget = read_budget(ctx, *v, m.path("budget"), horizon);
      if (const YNode* cost = m.key_node("cost"))
        ctx.fail(*cost, path + ": cost cannot be used together with budget (a budgeted touchpoint pays "
                               "budget.cost_per_exposure, rising as its audience saturates)");
    }
    if (use_cache)
      cache.parsed.emplace(&item, t);
    out.push_back(std::move(t));
  }
  return out;
}

//! A stage named in `referrals`, by index.
int stage_named(const Context& ctx, const YNode& n, const std::string& path, const std::vector<Stage>& stages)
{
  const std::string name = read_name(ctx, n, path, "stage name");
  std::vector<std::string> names;
  for (const auto& s : stages)
    names.push_back(s.name);
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    ctx.fail(n, path + ": unknown stage " + quote(name) + did_you_mean(name, names));
  return static_cast<int>(it - names.begin());
}

//! `arrivals: start` or `arrivals: {daily: p, mature_days: n}`.
Arrivals read_arrivals(const Context& ctx, const YNode& n, int horizon)
{
  Arrivals a;
  if (n.is_scalar() && n.scalar == "start")
    return a;
  if (!n.is_map())
    ctx.fail(n, "arrivals: expected start (everyone on day 0) or {daily: p} (a daily arrival probability), got " +
                    n.describe());
  MapReader m(ctx, n, "arrivals", "arrivals", {"daily", "mature_days"});
  a.at_start = false;
  a.daily = read_probability(ctx, m.require("daily"), "arrivals.daily");
  if (const YNode* v = m.get("mature_days"))
    a.mature_days = static_cast<int>(read_integer(ctx, *v, "arrivals.mature_days", 0, horizon));
  return a;
}

//! `calendar:` — named day ranges that multiply arrivals and reach.
std::vector<Campaign> read_calendar(const Context& ctx, const YNode& n, int horizon, const Arrivals& arrivals,
                                    const std::vector<std::string>& touchpoints)
{
  std::vector<Campaign> out;
  const auto& items = read_seq(ctx, n, "calendar", true);
  NameSet names(ctx, "campaign");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const YNode& item = *items[i];
    const std::string path = item_path("calendar", item, i);
    MapReader m(ctx, item, "campaign", path, vocabulary::CAMPAIGN_KEYS);
    Campaign c;
    const YNode& name = m.require("name");
    c.name = read_name(ctx, name, m.path("name"), "campaign name");
    names.add(c.name, name);
    const std::string range = " (days run from 0 to " + std::to_string(horizon - 1) + ")";
    const YNode& from = m.require("from");
    const YNode& to = m.require("to");
    c.from = static_cast<int>(read_integer(ctx, from, m.path("from"), std::numeric_limits<int>::min(),
                                           std::numeric_limits<int>::max()));
    c.to = static_cast<int>(read_integer(ctx, to, m.path("to"), std::numeric_limits<int>::min(),
                                         std::numeric_limits<int>::max()));
    if (c.from < 0 || c.from >= horizon)
      ctx.fail(from, m.path("from") + ": day " + from.scalar + " is outside the horizon" + range);
    if (c.to < 0 || c.to >= horizon)
      ctx.fail(to, m.path("to") + ": day " + to.scalar + " is outside the horizon" + range);
    if (c.to < c.from)
      ctx.fail(to, m.path("to") + ": the campaign ends (day " + to.scalar + ") before it starts (day " + from.scalar + ")");
    if (const YNode* v = m.get("arrivals")) {
      c.arrivals = read_range(ctx, *v, m.path("arrivals"), 0.0, 1e6, "a factor ≥ 0 on the daily arrival probability");
      if (arrivals.at_start)
        ctx.fail(*m.key_node("arrivals"), m.path("arrivals") +
                                              ": a campaign can raise arrivals only when customers arrive over time "
                                              "(arrivals: {daily: p}); with arrivals: start everyone arrives on day 0");
    }
    if (const YNode* r = m.get("reach")) {
      if (!r->is_map())
        ctx.fail(*r, m.path("reach") + ": expected a map of touchpoint: factor, got " + r->describe());
      for (const auto& [k, v] : r->pairs) {
        if (std::find(touchpoints.begin(), touchpoints.end(), k->scalar) == touchpoints.end())
          ctx.fail(*k, m.path("reach") + ": no touchpoint " + quote(k->scalar) + did_you_mean(k->scalar, touchpoints));
        c.reach.emplace_back(k->scalar, read_range(ctx, *v, m.path("reach") + "." + k->scalar, 0.0, 1e6,
                                                   "a factor ≥ 0 on the touchpoint's reach"));
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

//! `referrals: {advocates: [repeat, loyalty], rate: 0.02, enter: interest, emotion: 0.1}`.
Referrals read_referrals(const Context& ctx, const YNode& n, const std::vector<Stage>& stages, const Arrivals& arrivals)
{
  Referrals r;
  MapReader m(ctx, n, "referrals", "referrals", vocabulary::REFERRAL_KEYS);
  if (arrivals.at_start)
    ctx.fail(n, "referrals: word of mouth brings in customers who have not arrived yet, but with arrivals: start "
                "everyone arrives on day 0 (set arrivals: {daily: p})");
  r.enabled = true;
  const YNode& adv = m.require("advocates");
  for (const auto& s : read_seq(ctx, adv, "referrals.advocates")) {
    const int k = stage_named(ctx, *s, "referrals.advocates", stages);
    if (std::find(r.advocate_stages.begin(), r.advocate_stages.end(), k) != r.advocate_stages.end())
      ctx.fail(*s, "referrals.advocates: stage " + quote(s->scalar) + " is listed twice");
    r.advocate_stages.push_back(k);
  }
  if (r.advocate_stages.empty())
    ctx.fail(adv, "referrals.advocates: expected at least one stage whose customers recommend the shop");
  std::sort(r.advocate_stages.begin(), r.advocate_stages.end());
  r.rate = read_range(ctx, m.require("rate"), "referrals.rate", 0.0, 100.0,
                      "referral contacts per advocate per day in [0, 100]");
  if (const YNode* v = m.get("enter")) {
    r.enter = stage_named(ctx, *v, "referrals.enter", stages);
    int first_purchase = 0;
    while (!stages[static_cast<std::size_t>(first_purchase)].purchase)
      ++first_purchase;
    if (r.enter >= first_purchase)
      ctx.fail(*v, "referrals.enter: a referred customer enters before the first purchase (" +
                       quote(stages[static_cast<std::size_t>(first_purchase)].name) + "), not at or after it");
  }
  if (const YNode* v = m.get("emotion"))
    r.emotion = read_range(ctx, *v, "referrals.emotion", -1.0, 1.0, "an emotion in [-1, 1]");
  return r;
}

FeedbackSettings read_feedback(const Context& ctx, const YNode& n)
{
  FeedbackSettings f;
  MapReader m(ctx, n, "feedback", "feedback", vocabulary::FEEDBACK_KEYS);
  if (const YNode* v = m.get("tolerance"))
    f.tolerance = read_range(ctx, *v, "feedback.tolerance", 1e-9, 1.0, "a share of the population in (0, 1]");
  if (const YNode* v = m.get("max_passes"))
    f.max_passes = static_cast<int>(read_integer(ctx, *v, "feedback.max_passes", 1, 1000));
  return f;
}

//! horizon_days as written (default 90); the scenario checks it properly.
int horizon_of(const Context& ctx, const MapReader& top)
{
  if (const YNode* v = top.get("horizon_days"))
    return static_cast<int>(read_integer(ctx, *v, "horizon_days", 1, MAX_HORIZON_DAYS));
  return 90;
}

Model parse_model(const Context& ctx, const YNode& root, const std::vector<std::string>& channels,
                  const std::vector<std::string>& touchpoint_names, TouchpointCache& cache)
{
  MapReader top(ctx, root, "the scenario", "", TOP_KEYS);
  const int horizon = horizon_of(ctx, top);
  Model m;
  if (const YNode* v = top.get("mood_effect"))
    m.mood_effect = read_range(ctx, *v, "mood_effect", 0.0, 1.0, "a number in [0, 1]");
  if (const YNode* v = top.get("margin"))
    m.margin = read_range(ctx, *v, "margin", 0.0, 1.0, "a gross margin in [0, 1] (0.4 = 40% of the list price)");
  if (const YNode* v = top.get("clv_days"))
    m.clv_days = static_cast<int>(read_integer(ctx, *v, "clv_days", 0, 36500));
  if (const YNode* v = top.get("random_stream"))
    m.random_stream = static_cast<rng::Stream>(read_integer(ctx, *v, "random_stream", 1, 4));
  m.stages = read_stages(ctx, top);
  m.personas = read_personas(ctx, top, channels);
  m.touchpoints = read_touchpoints(ctx, top, m.stages, m.personas, horizon, cache);
  if (const YNode* v = top.get("arrivals"))
    m.arrivals = read_arrivals(ctx, *v, horizon);
  if (const YNode* v = top.get("calendar"))
    m.calendar = read_calendar(ctx, *v, horizon, m.arrivals, touchpoint_names);
  if (const YNode* v = top.get("referrals"))
    m.referrals = read_referrals(ctx, *v, m.stages, m.arrivals);
  if (const YNode* v = top.get("feedback"))
    m.feedback = read_feedback(ctx, *v);
  return m;
}

//! `calibrate: {free: {PATH: LOW:HIGH, …}}`; LOW:HIGH is a string "0.05:0.5" or a list [0.05, 0.5].
CalibrateSpec read_calibrate(const Context& ctx, const YNode& n)
{
  CalibrateSpec spec;
  MapReader m(ctx, n, "calibrate", "calibrate", {"free"}, true);
  if (const YNode* free = m.get("free")) {
    if (!free->is_map())
      ctx.fail(*free, "calibrate.free: expected a map of PATH: LOW:HIGH, got " + free->describe());
    for (const auto& [key, value] : free->pairs) {
      const std::string path = "calibrate.free." + key->scalar;
      std::string text;
      if (value->is_seq()) {
        if (value->items.size() != 2)
          ctx.fail(*value, path + ": expected [LOW, HIGH]");
        text = fmt(read_number(ctx, *value->items[0], path)) + ":" + fmt(read_number(ctx, *value->items[1], path));
      } else {
        text = read_string(ctx, *value, path);
      }
      try {
        parse_free_parameter(key->scalar + "=" + text);
      } catch (const InputError& e) {
        ctx.fail(*value, path + ": " + e.what());
      }
      spec.free.emplace_back(key->scalar, text);
    }
  }
  return spec;
}

// --------------------------------------------------------------- scenario

//! `sweep: {set: {PATH: VALUES, …}, replications: N}`; VALUES is a list of
//! numbers, one number, or a range string such as 0:0.3:0.05.
SweepSpec read_sweep(const Context& ctx, const YNode& n)
{
  SweepSpec spec;
  MapReader m(ctx, n, "sweep", "sweep", {"set", "replications"}, true);
  if (const YNode* r = m.get("replications"))
    spec.replications = static_cast<int>(read_integer(ctx, *r, "sweep.replications", 1, 100000));
  if (const YNode* set = m.get("set")) {
    if (!set->is_map())
      ctx.fail(*set, "sweep.set: expected a map of PATH: VALUES, got " + set->describe());
    for (const auto& [key, value] : set->pairs) {
      const std::string path = "sweep.set." + key->scalar;
      std::string text;
      if (value->is_seq()) {
        for (const auto& item : value->items) {
          if (!text.empty())
            text += ',';
          text += fmt(read_number(ctx, *item, path));
        }
      } else {
        text = read_string(ctx, *value, path);
      }
      try {
        parse_values(text);
      } catch (const InputError& e) {
        ctx.fail(*value, path + ": " + e.what());
      }
      spec.set.emplace_back(key->scalar, text);
    }
  }
  return spec;
}

//! The variant whose `add:` brings touchpoint `name`, where the baseline
//! has none of that name ("" otherwise): sweeps, optimisations and change
//! costs act on the baseline, so such a touchpoint cannot be their lever.
std::string variant_only_touchpoint(const std::string& name, const Model& base, const std::vector<VariantSpec>& specs)
{
  if (name.empty() || std::any_of(base.touchpoints.begin(), base.touchpoints.end(),
                                  [&](const Touchpoint& t) { return t.name == name; }))
    return {};
  for (const VariantSpec& v : specs) {
    const YNode* added = v.add ? v.add->find("touchpoints") : nullptr;
    for (const NodePtr& item : added && added->is_seq() ? added->items : std::vector<NodePtr>{}) {
      const YNode* item_name = item->is_map() ? item->find("name") : nullptr;
      if (item_name && item_name->scalar == name)
        return v.name;
    }
  }
  return {};
}

//! The touchpoint a parameter path such as touchpoints.x.reach names ("" if none).
std::string touchpoint_of(const std::string& path)
{
  if (path.rfind("touchpoints.", 0) != 0)
    return {};
  return path.substr(12, path.find('.', 12) - 12);
}

//! `change_costs:` — one-off cost per unit a lever moves from today's value,
//! read by `summary`, `report` and `optimize` (experiment/sweep_decision.h):
//! PATH: AMOUNT, or PATH: {per_unit: AMOUNT, today: VALUE}. Checked here —
//! each PATH must be one `set` could change, and the scenario must write
//! today's number there unless `today` says it — and used from the
//! scenario's text, so the model is unaffected.
void check_change_costs(const Context& ctx, const YNode& n, const NodePtr& root, const Model& base,
                        const std::vector<VariantSpec>& specs)
{
  if (!n.is_map())
    ctx.fail(n, "change_costs: expected a map of PATH: AMOUNT (e.g. touchpoints.checkout.checkout.steps: 20000), got " +
                  n.describe());
  for (const auto& [key, value] : n.pairs) {
    const std::string path = "change_costs." + key->scalar;
    // A cost per unit moved either way: a negative one would pay for any move.
    const char* const AMOUNT = "an amount ≥ 0 per unit the lever moves (either way)";
    const YNode* today = nullptr;
    if (value->is_map()) {
      MapReader m(ctx, *value, path, path, {"per_unit", "today"}, true);
      read_range(ctx, m.require("per_unit"), path + ".per_unit", 0.0, std::numeric_limits<double>::max(), AMOUNT);
      if ((today = m.get("today")))
        read_number(ctx, *today, path + ".today");
    } else {
      read_range(ctx, *value, path, 0.0, std::numeric_limits<double>::max(), AMOUNT);
    }
    if (const std::string v = variant_only_touchpoint(touchpoint_of(key->scalar), base, specs); !v.empty())
      ctx.fail(*key, "change_costs: touchpoint " + quote(touchpoint_of(key->scalar)) + " exists only in variant " +
                       quote(v) + " (its add:), and change costs count for the levers of sweeps and optimisations, "
                       "which change the baseline: move it to the scenario's touchpoints: (reach: 0 keeps today's "
                       "baseline) and state its cost there");
    const Context path_ctx{ctx.file, "change_costs: ", -1, -1, {}};
    const YNode* written = detail::check_parameter_path(path_ctx, root, *key, base);
    if (written && !written->is_scalar())
      ctx.fail(*key, path + ": " + key->scalar + " is " + written->describe() +
                       ", not one number a lever can move; name a number inside it");
    double number = 0.0;
    bool nonfinite = false;
    const bool numeric = written && parse_double(written->scalar, number, nonfinite) && !nonfinite;
    if (written && !numeric)
      ctx.fail(*key, path + ": the scenario writes " + written->describe() + " at " + key->scalar +
                       ", not a number a lever can move");
    if (!written && !today)
      ctx.fail(*key, path + ": the scenario does not write today's value at " + key->scalar +
                       " (the default applies there); give it as {per_unit: AMOUNT, today: VALUE}");
    if (written && today && read_number(ctx, *today, path + ".today") != number)
      ctx.fail(*today, path + ".today: the scenario writes " + written->scalar + " at " + key->scalar +
                         " (line " + std::to_string(written->mark.line + 1) +
                         "), and today's value is what it writes; leave out today");
  }
}

//! A copy of a tree whose marks say the text came from `source`.
NodePtr from_source(const NodePtr& n, const char* source)
{
  auto c = std::make_shared<YNode>(*n);
  c->mark.source = source;
  for (auto& item : c->items)
    item = from_source(item, source);
  for (auto& [k, v] : c->pairs) {
    k = from_source(k, source);
    v = from_source(v, source);
  }
  return c;
}

//! The baseline's tree with the overrides applied as one `set`, exactly as a
//! variant would apply it (same paths, same checks, same messages).
NodePtr apply_overrides(const Context& ctx, const NodePtr& root, const std::vector<Override>& overrides)
{
  // One "path: value" line per override, so errors point at its position.
  std::string text;
  for (const auto& o : overrides) {
    if (o.path.empty() || o.path.find_first_of(":#{}[],\n") != std::string::npos)
      throw ScenarioError("--set", 1, 1, "'" + o.path + "' is not a parameter path such as touchpoints.checkout.reach");
    text += o.path + ": " + o.value + "\n";
  }
  const Context octx{"--set", "", -1, -1, {}};
  const NodePtr set = from_source(read_yaml(text, octx), "--set");
  MapReader top(ctx, *root, "the scenario", "", TOP_KEYS);
  const std::vector<VariantSpec> specs = read_variant_specs(ctx, top.get("variants"), "baseline");
  TouchpointCache cache;
  const Model base = parse_model(ctx, *root, collect_channels(*root, specs), collect_touchpoints(*root, specs), cache);
  // A touchpoint only a variant adds cannot be swept: say how it can.
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const std::string name = touchpoint_of(overrides[i].path);
    if (const std::string v = variant_only_touchpoint(name, base, specs); !name.empty() && !v.empty())
      throw ScenarioError("--set", static_cast<int>(i + 1), 1,
                          "touchpoint '" + name + "' exists only in variant '" + v +
                            "' (its add:), and sweeps and optimisations change the baseline: move it "
                            "from that add: to the scenario's touchpoints: (reach: 0 keeps today's "
                            "baseline; the variant can set it) and vary it there");
  }
  VariantSpec spec;
  spec.name = "--set";
  spec.node = set.get();
  spec.set = set.get();
  return apply_variant(octx, root, base, spec);
}

Scenario build(const std::string& text, const std::string& path, const std::vector<Override>& overrides)
{
  const Context ctx{path, "", -1, -1, {}};
  NodePtr root = read_yaml(text, ctx);
  if (root->is_null())
    ctx.fail(*root, "the scenario is empty: expected a map with name, stages, personas and touchpoints");
  // Today's values are what the file writes: a sweep's or --set's value is
  // the lever moved, not today (change_costs' `today` is checked against this).
  const NodePtr as_written = root;
  if (!overrides.empty())
    root = apply_overrides(ctx, root, overrides);
  MapReader top(ctx, *root, "the scenario", "", TOP_KEYS);

  Scenario sc;
  sc.path = path;
  sc.source = text;
  for (const auto& o : overrides)
    sc.command_line_set.push_back(o.path + "=" + o.value);
  const YNode& name = top.require("name");
  if (!name.is_scalar() || name.scalar.empty())
    ctx.fail(name, "name: expected the scenario's name, got " + name.describe());
  sc.name = name.scalar;
  if (const YNode* v = top.get("description"))
    sc.description = read_string(ctx, *v, "description");
  if (const YNode* v = top.get("horizon_days"))
    sc.horizon_days = static_cast<int>(read_integer(ctx, *v, "horizon_days", 1, MAX_HORIZON_DAYS));
  if (const YNode* v = top.get("population"))
    sc.population = read_uint64(ctx, *v, "population", 1, MAX_POPULATION);
  if (const YNode* v = top.get("seed"))
    sc.seed = read_uint64(ctx, *v, "seed", 0, std::numeric_limits<std::uint64_t>::max());
  std::string baseline_name = "baseline";
  if (const YNode* v = top.get("baseline"))
    baseline_name = read_name(ctx, *v, "baseline", "variant name");
  if (const YNode* v = top.get("sweep"))
    sc.sweep = read_sweep(ctx, *v);
  if (const YNode* v = top.get("currency")) {
    sc.currency = read_string(ctx, *v, "currency");
    if (sc.currency.empty() || sc.currency.size() > 12 || !name_problem(sc.currency).empty())
      ctx.fail(*v, "currency: expected a short code such as PLN, EUR or USD, got " + v->describe());
  }
  if (const YNode* v = top.get("calibrate"))
    sc.calibrate = read_calibrate(ctx, *v);

  const std::vector<VariantSpec> specs = read_variant_specs(ctx, top.get("variants"), baseline_name);
  const std::vector<std::string> channels = collect_channels(*root, specs);
  const std::vector<std::string> touchpoint_names = collect_touchpoints(*root, specs);

  TouchpointCache cache;
  Model base = parse_model(ctx, *root, channels, touchpoint_names, cache);
  base.name = baseline_name;
  if (const YNode* v = top.get("change_costs"))
    check_change_costs(ctx, *v, as_written, base, specs);

  // Resolve variants (bases first, whatever their order in the file).
  const std::size_t n = specs.size();
  std::vector<NodePtr> trees(n);
  std::vector<Model> models(n);
  std::vector<int> state(n, 0); // 0 new, 1 in progress, 2 done
  std::vector<std::size_t> stack;
  std::function<void(std::size_t)> resolve = [&](std::size_t i) {
    state[i] = 1;
    stack.push_back(i);
    const VariantSpec& s = specs[i];
    if (s.base >= 0) {
      const auto b = static_cast<std::size_t>(s.base);
      if (state[b] == 1) {
        std::string cycle;
        const auto from = std::find(stack.begin(), stack.end(), b);
        for (auto it = from; it != stack.end(); ++it)
          cycle += specs[*it].name + " → ";
        ctx.fail(*s.base_node, "variant base cycle: " + cycle + specs[b].name);
      }
      if (state[b] == 0)
        resolve(b);
    }
    const auto [lo, hi] = span_of(*s.node);
    const Context vctx{path, "variant " + quote(s.name) + ": ", lo, hi, s.node->mark};
    const NodePtr& base_tree = s.base < 0 ? root : trees[static_cast<std::size_t>(s.base)];
    const Model& base_model = s.base < 0 ? base : models[static_cast<std::size_t>(s.base)];
    trees[i] = apply_variant(vctx, base_tree, base_model, s);
    Model m = parse_model(vctx, *trees[i], channels, touchpoint_names, cache);
    m.name = s.name;
    m.description = s.description;
    m.overrides = emit_flow(*s.node);
    models[i] = std::move(m);
    state[i] = 2;
    stack.pop_back();
  };
  for (std::size_t i = 0; i < n; ++i)
    if (state[i] == 0)
      resolve(i);

  sc.variants.reserve(n + 1);
  sc.variants.push_back(std::move(base));
  for (auto& m : models)
    sc.variants.push_back(std::move(m));
  // Budgets are the population's (MODEL.md "Budgets and pacing"): a run of
  // N agents spends N / population of each, so without `population:` the
  // default would silently decide every run's spend.
  if (!top.get("population"))
    for (const Model& m : sc.variants)
      for (const Touchpoint& t : m.touchpoints)
        if (t.budget) {
          const YNode* at = &name;
          if (const YNode* list = root->find("touchpoints"); list && list->is_seq())
            for (const NodePtr& item : list->items)
              if (const YNode* b = item->is_map() ? item->find("budget") : nullptr) {
                at = b;
                break;
              }
          ctx.fail(*at, "budget: the scenario has budgets but no population: — give the number of customers "
                        "they are spent on (e.g. population: 200000); --agents N then simulates a sample "
                        "that spends its share");
        }
  return sc;
}

} // namespace

Scenario parse_scenario(const std::string& text, const std::string& path,
                        const std::vector<Override>& overrides)
{
  try {
    return build(text, path, overrides);
  } catch (const ScenarioError&) {
    throw;
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    const int column = e.mark.is_null() ? 1 : e.mark.column + 1;
    throw ScenarioError(path, line, column, "YAML error: " + e.msg);
  } catch (const std::bad_alloc&) {
    throw ScenarioError(path, 1, 1, "scenario too large: out of memory while reading it");
  } catch (const std::exception& e) {
    throw ScenarioError(path, 1, 1, std::string("cannot read scenario: ") + e.what());
  }
}

Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides)
{
  // Regular files only: a FIFO or a device could block or never end.
  const RegularFile f(path);
  if (!f.ok())
    throw ScenarioError(path, 1, 1, "cannot read file: " + f.problem());
  std::string text;
  char buf[65536];
  bool too_large = false, failed = false;
  int err = 0;
  for (;;) {
    const ssize_t got = ::read(f.fd(), buf, sizeof buf);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      failed = true;
      err = errno;
      break;
    }
    if (got == 0)
      break;
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > MAX_FILE_BYTES) {
      too_large = true;
      break;
    }
  }
  if (failed)
    throw ScenarioError(path, 1, 1, std::string("cannot read file: ") + std::strerror(err));
  if (too_large)
    throw ScenarioError(path, 1, 1, "file too large: a scenario may have at most 4 MiB");
  return parse_scenario(text, path, overrides);
}

} // namespace journeysim
