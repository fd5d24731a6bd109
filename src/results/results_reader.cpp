#include "journeysim/results/results_reader.h"

#include "journeysim/engine/outcome_columns.h"
#include "journeysim/error.h"
#include "journeysim/results/h5.h"
#include "journeysim/scenario/scenario.h"
#include "journeysim/util/nearest_name.h"
#include "journeysim/util/regular_file.h"
#include "journeysim/util/quote.h"

#include "comparison_layout.h"
#include "layout.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>

namespace journeysim {

namespace {

std::vector<std::string> split_commas(const std::string& s)
{
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty())
      out.push_back(item);
  return out;
}

//! Shape of dataset `name` under `loc`, which must exist.
std::vector<std::uint64_t> shape_of(const h5::Object& loc, const std::string& name)
{
  if (!h5::exists(loc, name))
    throw InputError("no dataset " + quote(name));
  return h5::dims(h5::open_dataset(loc, name));
}

std::string shape_text(const std::vector<std::uint64_t>& d)
{
  std::string s;
  for (auto x : d)
    s += (s.empty() ? "" : ", ") + std::to_string(x);
  return "[" + s + "]";
}

//! The dataset must have exactly this shape (checked before anything is read,
//! so a tampered length can neither overrun a buffer nor ask for terabytes).
void require_shape(const h5::Object& loc, const std::string& name, const std::vector<std::uint64_t>& want)
{
  const auto got = shape_of(loc, name);
  if (got != want)
    throw InputError(quote(h5::object_path(loc) + "/" + name) + " has shape " + shape_text(got) + ", expected " +
                     shape_text(want) + " from the rest of the file");
}

//! A name from the file is printed by compare and report: no control
//! characters (terminal escape sequences), none empty, none huge.
void check_name(const std::string& n, const std::string& where)
{
  const bool control = std::any_of(n.begin(), n.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
  if (n.empty() || n.size() > 256 || control || n.find("\xC2\x9B") != std::string::npos)
    throw InputError(quote(where) + " holds a name that is empty, longer than 256 bytes or has control characters");
}

//! A 1-D string dataset of `min`..`max` entries.
std::vector<std::string> read_names(const h5::Object& loc, const std::string& name, std::uint64_t min,
                                    std::uint64_t max)
{
  const auto d = shape_of(loc, name);
  if (d.size() != 1 || d[0] < min || d[0] > max)
    throw InputError(quote(name) + " has shape " + shape_text(d) + ", expected " + std::to_string(min) + " to " +
                     std::to_string(max) + " names");
  auto names = h5::read_strings(loc, name);
  for (const auto& n : names)
    check_name(n, name);
  return names;
}

//! An integer attribute within [lo, hi] (read as 64 bits: no silent wrap).
std::int64_t read_int_in(const h5::Object& obj, const std::string& name, std::int64_t lo, std::int64_t hi)
{
  if (!h5::attribute_exists(obj, name))
    throw InputError("no root attribute " + quote(name));
  const std::int64_t x = h5::read_attribute_int(obj, name);
  if (x < lo || x > hi)
    throw InputError("root attribute " + name + " = " + std::to_string(x) + " is outside " + std::to_string(lo) +
                     " to " + std::to_string(hi));
  return x;
}

//! Runs `f`, turning an HDF5 failure into the one-line InputError of a file
//! that does not add up (exit 2).
template <class F>
auto as_input(const std::string& path, F&& f) -> decltype(f())
{
  try {
    return f();
  } catch (const OutputError& e) {
    throw InputError(quote(path) + " cannot be read as a results file: " + e.what());
  }
}

} // namespace

struct ResultsReader::Impl {
  std::string path;
  h5::File file;
  std::vector<std::string> variants, stages, phases, personas, touchpoints;
  std::uint64_t agents = 0;
  int horizon = 0;
  int conversion = -1;
  bool per_agent = false;

  h5::Group variant_group(const std::string& v) const
  {
    return h5::open_group(h5::open_group(file, "variants"), v);
  }

  //! Every attribute and every length the reader will use, against each
  //! other and the limits of a scenario, before any of them is used.
  void check_structure();
  //! One variant's tables have the shapes /stages, /personas and /touchpoints give.
  void check_variant(const std::string& v) const;
  analysis::ComparisonTables comparison(const std::string& variant) const;
  StoredAggregates aggregates(const std::string& variant) const;
  analysis::ComparisonTables recompute(const std::string& baseline, const std::string& variant,
                                       std::size_t chunk_agents) const;
};

void ResultsReader::Impl::check_structure()
{
  if (read_int_in(file, "format_version", 1, std::numeric_limits<std::int64_t>::max()) > layout::FORMAT_VERSION)
    throw InputError("format_version " + std::to_string(h5::read_attribute_int(file, "format_version")) +
                     " is newer than this journeysim reads (" + std::to_string(layout::FORMAT_VERSION) +
                     "); use a newer journeysim");
  agents = static_cast<std::uint64_t>(
    read_int_in(file, "population", 1, static_cast<std::int64_t>(MAX_POPULATION)));
  horizon = static_cast<int>(read_int_in(file, "horizon_days", 1, MAX_HORIZON_DAYS));
  per_agent = !h5::attribute_exists(file, "per_agent") || read_int_in(file, "per_agent", 0, 1) == 1;
  stages = read_names(file, "stages/name", 1, MAX_STAGES);
  const std::uint64_t k = stages.size();
  phases = read_names(file, "stages/phase", k, k);
  for (const auto& p : phases)
    if (p != "pre_purchase" && p != "purchase" && p != "post_purchase")
      throw InputError("/stages/phase holds " + quote(p.substr(0, 40)) +
                       " (expected pre_purchase, purchase or post_purchase)");
  personas = read_names(file, "personas/name", 1, MAX_PERSONAS);
  if (h5::exists(file, "touchpoints/name"))
    touchpoints = read_names(file, "touchpoints/name", 0, MAX_TOUCHPOINTS);
  if (h5::exists(file, "stages/purchase")) {
    require_shape(file, "stages/purchase", {k});
    const auto p = h5::read_dataset<std::uint8_t>(file, "stages/purchase");
    for (std::size_t s = 0; s < p.size(); ++s)
      if (p[s] && conversion < 0)
        conversion = static_cast<int>(s);
  }
  // Variants in the order the run wrote them (the baseline first).
  if (h5::attribute_exists(file, "variants"))
    variants = split_commas(h5::read_attribute_string(file, "variants"));
  if (variants.empty())
    throw InputError("no variants");
  for (const auto& v : variants)
    check_name(v, "variants");
  if (variants.size() > static_cast<std::size_t>(MAX_VARIANTS))
    throw InputError("more than " + std::to_string(MAX_VARIANTS) + " variants");
  for (const auto& v : variants) {
    if (v == "." || v == ".." || v.find('/') != std::string::npos || !h5::exists(file, "variants/" + v))
      throw InputError("variant " + quote(v.substr(0, 80)) + " is listed but has no group");
    check_variant(v);
  }
}

void ResultsReader::Impl::check_variant(const std::string& v) const
{
  const h5::Group g = variant_group(v);
  const std::uint64_t k = stages.size(), p = personas.size(), t = touchpoints.size();
  require_shape(g, "funnel/reached", {k});
  require_shape(g, "funnel/by_persona", {p, k});
  for (const char* name : {"touchpoints/exposures", "touchpoints/advances", "touchpoints/cost"})
    require_shape(g, name, {t});
  if (h5::exists(g, "journey_map/mood_in")) {
    require_shape(g, "journey_map/mood_in", {p, k});
    require_shape(g, "journey_map/mood_out", {p, k});
    require_shape(g, "journey_map/touches_by_kind", {k, 4});
  }
  if (!per_agent)
    return;
  const h5::Group a = h5::open_group(g, "agents");
  require_shape(a, "persona", {agents});
  // Every outcome column of engine/outcome_columns.h; model-v2 ones when present.
  OutcomeColumns none;
  for_each_column(none, [&](const OutcomeColumn& c, auto&) {
    if (c.when == Written::Always || h5::exists(a, c.name))
      require_shape(a, c.name, c.per_stage ? std::vector<std::uint64_t>{agents, k} : std::vector<std::uint64_t>{agents});
  });
}

ResultsReader::ResultsReader(const std::string& path) : impl_(std::make_unique<Impl>())
{
  Impl& m = *impl_;
  m.path = path;
  {
    // Regular files only: HDF5 would block on a FIFO's open() (docs/SAFETY.md).
    const RegularFile f(path);
    if (f.missing())
      throw InputError(quote(path) + ": no such file");
    if (!f.ok())
      throw InputError(quote(path) + " cannot be read as a results file: " + f.problem());
  }
  try {
    m.file = h5::open_file(path, false);
  } catch (const OutputError& e) {
    throw InputError(quote(path) + " is not a readable HDF5 file (not HDF5, or truncated/damaged): " +
                     e.what());
  }
  const std::string not_results =
    quote(path) + " is not a journeysim results file (written by 'journeysim run')";
  try {
    if (!h5::attribute_exists(m.file, "format") ||
        h5::read_attribute_string(m.file, "format") != "journeysim-results")
      throw InputError(not_results + ": no root attribute format = \"journeysim-results\"");
    if (h5::attribute_exists(m.file, "kind") && h5::read_attribute_string(m.file, "kind") == "sweep")
      throw InputError(quote(path) + " is a sweep file (journeysim sweep), not the results of "
                       "'journeysim run': 'journeysim summary " + path + "' prints its table, 'journeysim report " + path +
                       "' draws it");
    if (!h5::attribute_exists(m.file, "complete") || h5::read_attribute_int(m.file, "complete") != 1)
      throw InputError(quote(path) + " is incomplete (root attribute complete != 1): the run that wrote "
                       "it was interrupted; run it again");
    if (!h5::exists(m.file, "variants") || !h5::exists(m.file, "stages/name"))
      throw InputError(not_results + ": no /variants or /stages");
    m.check_structure();
  } catch (const InputError& e) {
    if (std::string(e.what()).rfind(quote(path), 0) == 0)
      throw;
    throw InputError(not_results + ": " + e.what());
  } catch (const OutputError& e) {
    throw InputError(not_results + ": " + e.what());
  }
}

ResultsReader::~ResultsReader() = default;

const std::string& ResultsReader::path() const { return impl_->path; }
const std::vector<std::string>& ResultsReader::variants() const { return impl_->variants; }
const std::vector<std::string>& ResultsReader::stages() const { return impl_->stages; }
const std::vector<std::string>& ResultsReader::phases() const { return impl_->phases; }
const std::vector<std::string>& ResultsReader::personas() const { return impl_->personas; }
const std::vector<std::string>& ResultsReader::touchpoints() const { return impl_->touchpoints; }
std::uint64_t ResultsReader::agents() const { return impl_->agents; }
int ResultsReader::horizon_days() const { return impl_->horizon; }
int ResultsReader::conversion_stage() const { return impl_->conversion; }
bool ResultsReader::per_agent() const { return impl_->per_agent; }

std::size_t ResultsReader::variant_index(const std::string& name, const std::string& option) const
{
  const auto& v = impl_->variants;
  const auto it = std::find(v.begin(), v.end(), name);
  if (it == v.end()) {
    std::string list;
    for (const auto& x : v)
      list += (list.empty() ? "" : ", ") + x;
    throw InputError(option + ": no variant " + quote(name) + " in " + quote(impl_->path) +
                     did_you_mean(name, v) + " (variants: " + list + ")");
  }
  return static_cast<std::size_t>(it - v.begin());
}

bool ResultsReader::has_comparison(const std::string& variant) const
{
  return as_input(impl_->path, [&] { return h5::exists(impl_->file, "comparison/" + variant + "/metric"); });
}

analysis::ComparisonTables ResultsReader::comparison(const std::string& variant) const
{
  return as_input(impl_->path, [&] { return impl_->comparison(variant); });
}

analysis::ComparisonTables ResultsReader::Impl::comparison(const std::string& variant) const
{
  analysis::ComparisonTables t;
  const h5::Group g = h5::open_group(h5::open_group(file, "comparison"), variant);
  t.summary = layout::read_comparison_table(g);
  std::vector<analysis::ComparisonRow>* parts[] = {&t.by_persona, &t.by_stage, &t.by_phase, &t.by_touchpoint};
  for (std::size_t i = 0; i < 4; ++i)
    if (h5::exists(g, layout::BREAKDOWNS[i]))
      *parts[i] = layout::read_comparison_table(h5::open_group(g, layout::BREAKDOWNS[i]));
  return t;
}

std::vector<std::string> ResultsReader::unsettled() const
{
  std::vector<std::string> out;
  for (const std::string& v : impl_->variants) {
    const h5::Group g = impl_->variant_group(v);
    if (!h5::exists(g, "feedback"))
      continue;
    const h5::Group f = h5::open_group(g, "feedback");
    if (h5::attribute_exists(f, "converged") && h5::read_attribute_int(f, "converged") == 0)
      out.push_back(v);
  }
  return out;
}

std::vector<std::string> ResultsReader::command_line_set() const
{
  return as_input(impl_->path, [&] {
    std::vector<std::string> out;
    const h5::Group sc = h5::open_group(impl_->file, "scenario");
    if (!h5::attribute_exists(sc, "set"))
      return out;
    std::istringstream lines(h5::read_attribute_string(sc, "set"));
    for (std::string line; std::getline(lines, line);)
      if (!line.empty())
        out.push_back(line);
    return out;
  });
}

std::vector<analysis::ComparisonRow> ResultsReader::attribution() const
{
  if (!h5::exists(impl_->file, "attribution/metric"))
    return {};
  return layout::read_comparison_table(h5::open_group(impl_->file, "attribution"));
}

StoredAggregates ResultsReader::aggregates(const std::string& variant) const
{
  return as_input(impl_->path, [&] { return impl_->aggregates(variant); });
}

StoredAggregates ResultsReader::Impl::aggregates(const std::string& variant) const
{
  check_variant(variant); // the shapes below, again: cheap, and `variant` need not be listed
  const h5::Group g = variant_group(variant);
  StoredAggregates a;
  a.reached = h5::read_dataset<std::int64_t>(g, "funnel/reached");
  a.reached_by_persona = h5::read_dataset<std::int64_t>(g, "funnel/by_persona");
  a.exposures = h5::read_dataset<std::int64_t>(g, "touchpoints/exposures");
  a.advances = h5::read_dataset<std::int64_t>(g, "touchpoints/advances");
  a.touch_cost = h5::read_dataset<double>(g, "touchpoints/cost");
  a.has_journey_map = h5::exists(g, "journey_map/mood_in");
  if (a.has_journey_map) {
    a.mood_in = h5::read_dataset<double>(g, "journey_map/mood_in");
    a.mood_out = h5::read_dataset<double>(g, "journey_map/mood_out");
    a.touches_by_kind = h5::read_dataset<std::int64_t>(g, "journey_map/touches_by_kind");
  }
  return a;
}

namespace {

//! The outcome columns of one variant, opened once and read a chunk at a time
//! (those engine/outcome_columns.h lists and the file has).
struct OutcomeStream {
  std::vector<h5::Dataset> columns; //!< for_each_column() order; invalid: absent

  explicit OutcomeStream(const h5::Group& agents)
  {
    OutcomeColumns shape;
    for_each_column(shape, [&](const OutcomeColumn& c, auto&) {
      if (c.when == Written::Always || h5::exists(agents, c.name))
        columns.push_back(h5::open_dataset(agents, c.name));
      else
        columns.emplace_back();
    });
  }

  void read(std::uint64_t first, std::size_t n, std::size_t stages, OutcomeColumns& o) const
  {
    o.resize(n, stages);
    std::size_t i = 0;
    for_each_column(o, [&](const OutcomeColumn& c, auto& v) {
      const h5::Dataset& d = columns[i++];
      if (d.valid())
        h5::read_rows(d, first, n, v);
      else
        std::fill(v.begin(), v.end(), typename std::decay_t<decltype(v)>::value_type{});
      if (c.per_stage && v.size() != n * stages)
        throw InputError(std::string(c.name) + " of " + h5::object_path(d) + " does not have one column per stage");
    });
  }
};

//! The values the comparison uses as indices or sums are what `run` can
//! write: a persona of /personas, a lost agent's final stage among /stages,
//! stage days within the horizon and in order, finite money and mood.
void check_outcomes(const OutcomeColumns& o, const std::vector<std::uint16_t>& persona, std::size_t personas,
                    int horizon, std::uint64_t first, const std::string& where)
{
  const std::size_t k = o.stages;
  const auto bad = [&](std::size_t i, const std::string& what) {
    return InputError(quote(where) + ": agent " + std::to_string(first + i) + " has " + what +
                      " (not something 'journeysim run' writes)");
  };
  for (std::size_t i = 0; i < o.size; ++i) {
    if (persona[i] >= personas)
      throw bad(i, "persona " + std::to_string(persona[i]) + " of " + std::to_string(personas));
    if (o.lost[i] > 1 || o.final_stage[i] < -1 || o.final_stage[i] >= static_cast<int>(k) ||
        (o.lost[i] && o.final_stage[i] < 0))
      throw bad(i, "final_stage " + std::to_string(o.final_stage[i]) + ", lost " + std::to_string(o.lost[i]));
    int previous = 0;
    for (std::size_t s = 0; s < k; ++s) {
      const int d = o.stage_day[i * k + s];
      if (d < -1 || d > horizon || (d >= 0 && d < previous))
        throw bad(i, "stage_day " + std::to_string(d) + " at stage " + std::to_string(s) + " (horizon " +
                       std::to_string(horizon) + " days)");
      if (d >= 0)
        previous = d;
    }
    if (!std::isfinite(o.revenue[i]) || !std::isfinite(o.cost[i]) || !std::isfinite(o.mood[i]))
      throw bad(i, "a revenue, cost or mood that is not a finite number");
  }
}

} // namespace

analysis::ComparisonTables ResultsReader::recompute(const std::string& baseline, const std::string& variant,
                                                    std::size_t chunk_agents) const
{
  return as_input(impl_->path, [&] { return impl_->recompute(baseline, variant, chunk_agents); });
}

analysis::ComparisonTables ResultsReader::Impl::recompute(const std::string& baseline,
                                                          const std::string& variant,
                                                          std::size_t chunk_agents) const
{
  const Impl& m = *this;
  if (!m.per_agent)
    throw InputError(quote(m.path) + " was written with --summary-only (no per-agent columns): "
                     "only the stored comparisons against the run's baseline (" + m.variants[0] +
                     ") can be shown; rerun without --summary-only to compare other pairs");
  analysis::FunnelShape shape;
  shape.stages = m.stages;
  for (const auto& p : m.phases)
    shape.phases.push_back(p == "purchase" ? Phase::Purchase
                                           : p == "post_purchase" ? Phase::PostPurchase : Phase::PrePurchase);
  shape.personas = m.personas;
  shape.horizon_days = m.horizon;
  shape.conversion_stage = m.conversion;
  shape.cart_stage = m.conversion >= 0 ? m.conversion - 1 : -1;
  m.check_variant(baseline);
  m.check_variant(variant);
  const h5::Group gb = h5::open_group(m.variant_group(baseline), "agents");
  const h5::Group gv = h5::open_group(m.variant_group(variant), "agents");
  // Model v2: the columns a model writes say what it models.
  shape.money = h5::exists(gb, "clv") || h5::exists(gv, "clv");
  shape.arrivals = h5::exists(gb, "arrival_source") || h5::exists(gv, "arrival_source");
  const auto margin_of = [&](const std::string& v) {
    const h5::Group s = h5::open_group(m.variant_group(v), "summary");
    if (!h5::attribute_exists(s, "margin"))
      return 1.0;
    const double x = h5::read_attribute_double(s, "margin");
    if (!(x >= 0.0 && x <= 1.0))
      throw InputError(quote(m.path) + ": variant " + quote(v) + " has a margin outside [0, 1]");
    return x;
  };
  shape.margin_baseline = margin_of(baseline);
  shape.margin_variant = margin_of(variant);
  analysis::PairedComparison cmp(shape);

  const OutcomeStream sb(gb), sv(gv);
  const h5::Dataset persona_ds = h5::open_dataset(gb, "persona");
  // Variants with the same customers share the owner's columns
  // (population_of); others may give agent i another persona (other shares).
  const auto owner = [&](const h5::Group& g, const std::string& v) {
    return h5::attribute_exists(g, "population_of") ? h5::read_attribute_string(g, "population_of") : v;
  };
  const bool own_population = owner(gb, baseline) != owner(gv, variant);
  std::optional<h5::Dataset> variant_persona_ds;
  if (own_population)
    variant_persona_ds = h5::open_dataset(gv, "persona");
  bool personas_differ = false;
  std::vector<std::uint16_t> variant_persona;
  const std::size_t k = m.stages.size();
  // Multiples of BLOCK_AGENTS (1024) give the sums `run` computed.
  chunk_agents = std::max<std::size_t>(1, chunk_agents / 1024) * 1024;
  OutcomeColumns ob, ov;
  std::vector<std::uint16_t> persona;
  for (std::uint64_t first = 0; first < m.agents; first += chunk_agents) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_agents, m.agents - first));
    sb.read(first, n, k, ob);
    sv.read(first, n, k, ov);
    h5::read_rows(persona_ds, first, n, persona);
    if (variant_persona_ds && !personas_differ) {
      h5::read_rows(*variant_persona_ds, first, n, variant_persona);
      personas_differ = variant_persona != persona;
    }
    check_outcomes(ob, persona, m.personas.size(), m.horizon, first, h5::object_path(gb));
    check_outcomes(ov, persona, m.personas.size(), m.horizon, first, h5::object_path(gv));
    cmp.add(first, ob, ov, persona.data());
  }
  analysis::ComparisonTables t = cmp.result();
  if (personas_differ) // as run does (FunnelShape::personas_differ): no rows under the baseline's labels
    t.by_persona.clear();
  const StoredAggregates ab = m.aggregates(baseline), av = m.aggregates(variant);
  t.by_touchpoint = analysis::touchpoint_rows(m.touchpoints, ab.exposures, ab.advances, ab.touch_cost,
                                              av.exposures, av.advances, av.touch_cost);
  return t;
}

} // namespace journeysim
