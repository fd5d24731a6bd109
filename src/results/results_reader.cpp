#include "journeysim/results/results_reader.h"

#include "journeysim/error.h"
#include "journeysim/results/h5.h"
#include "journeysim/util/nearest_name.h"

#include "comparison_layout.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace journeysim {

namespace {

std::string quote(const std::string& s)
{
  return "'" + s + "'";
}

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

} // namespace

struct ResultsReader::Impl {
  std::string path;
  h5::File file;
  std::vector<std::string> variants, stages, phases, personas, touchpoints;
  std::vector<bool> purchase;
  std::uint64_t agents = 0;
  int horizon = 0;
  int conversion = -1;
  bool per_agent = false;

  h5::Group variant_group(const std::string& v) const
  {
    return h5::open_group(h5::open_group(file, "variants"), v);
  }
};

ResultsReader::ResultsReader(const std::string& path) : impl_(std::make_unique<Impl>())
{
  Impl& m = *impl_;
  m.path = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError(quote(path) + ": no such file");
  if (std::filesystem::is_directory(path, ec))
    throw InputError(quote(path) + " is a directory, not a results file");
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
    m.agents = h5::read_attribute_uint(m.file, "population");
    m.horizon = static_cast<int>(h5::read_attribute_int(m.file, "horizon_days"));
    m.per_agent = !h5::attribute_exists(m.file, "per_agent") || h5::read_attribute_int(m.file, "per_agent") == 1;
    m.stages = h5::read_strings(m.file, "stages/name");
    m.phases = h5::read_strings(m.file, "stages/phase");
    m.personas = h5::read_strings(m.file, "personas/name");
    if (h5::exists(m.file, "touchpoints/name"))
      m.touchpoints = h5::read_strings(m.file, "touchpoints/name");
    if (h5::exists(m.file, "stages/purchase")) {
      const auto p = h5::read_dataset<std::uint8_t>(m.file, "stages/purchase");
      for (std::size_t k = 0; k < p.size(); ++k)
        if (p[k] && m.conversion < 0)
          m.conversion = static_cast<int>(k);
    }
    // Variants in the order the run wrote them (the baseline first).
    if (h5::attribute_exists(m.file, "variants"))
      m.variants = split_commas(h5::read_attribute_string(m.file, "variants"));
    for (const auto& v : m.variants)
      if (!h5::exists(m.file, "variants/" + v))
        throw InputError(not_results + ": variant " + quote(v) + " is listed but has no group");
    if (m.variants.empty())
      throw InputError(not_results + ": no variants");
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
  return h5::exists(impl_->file, "comparison/" + variant + "/metric");
}

analysis::ComparisonTables ResultsReader::comparison(const std::string& variant) const
{
  analysis::ComparisonTables t;
  const h5::Group g = h5::open_group(h5::open_group(impl_->file, "comparison"), variant);
  t.summary = layout::read_comparison_table(g);
  std::vector<analysis::ComparisonRow>* parts[] = {&t.by_persona, &t.by_stage, &t.by_phase, &t.by_touchpoint};
  for (std::size_t i = 0; i < 4; ++i)
    if (h5::exists(g, layout::BREAKDOWNS[i]))
      *parts[i] = layout::read_comparison_table(h5::open_group(g, layout::BREAKDOWNS[i]));
  return t;
}

std::vector<analysis::ComparisonRow> ResultsReader::attribution() const
{
  if (!h5::exists(impl_->file, "attribution/metric"))
    return {};
  return layout::read_comparison_table(h5::open_group(impl_->file, "attribution"));
}

StoredAggregates ResultsReader::aggregates(const std::string& variant) const
{
  const h5::Group g = impl_->variant_group(variant);
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

//! The outcome columns of one variant, opened once and read a chunk at a time.
struct OutcomeStream {
  h5::Dataset final_stage, lost, lost_day, stage_day, purchases, revenue, cost, touches, cart_abandons,
    mood;

  explicit OutcomeStream(const h5::Group& agents)
    : final_stage(h5::open_dataset(agents, "final_stage")), lost(h5::open_dataset(agents, "lost")),
      lost_day(h5::open_dataset(agents, "lost_day")), stage_day(h5::open_dataset(agents, "stage_day")),
      purchases(h5::open_dataset(agents, "purchases")), revenue(h5::open_dataset(agents, "revenue")),
      cost(h5::open_dataset(agents, "cost")), touches(h5::open_dataset(agents, "touches")),
      cart_abandons(h5::open_dataset(agents, "cart_abandons")), mood(h5::open_dataset(agents, "mood"))
  {
  }

  void read(std::uint64_t first, std::size_t n, std::size_t stages, OutcomeColumns& o) const
  {
    o.resize(n, stages);
    h5::read_rows(final_stage, first, n, o.final_stage);
    h5::read_rows(lost, first, n, o.lost);
    h5::read_rows(lost_day, first, n, o.lost_day);
    h5::read_rows(stage_day, first, n, o.stage_day);
    h5::read_rows(purchases, first, n, o.purchases);
    h5::read_rows(revenue, first, n, o.revenue);
    h5::read_rows(cost, first, n, o.cost);
    h5::read_rows(touches, first, n, o.touches);
    h5::read_rows(cart_abandons, first, n, o.cart_abandons);
    h5::read_rows(mood, first, n, o.mood);
    if (o.stage_day.size() != n * stages)
      throw InputError("stage_day of " + h5::object_path(stage_day) + " does not have one column per stage");
  }
};

} // namespace

analysis::ComparisonTables ResultsReader::recompute(const std::string& baseline, const std::string& variant,
                                                    std::size_t chunk_agents) const
{
  const Impl& m = *impl_;
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
  analysis::PairedComparison cmp(shape);

  const h5::Group gb = h5::open_group(m.variant_group(baseline), "agents");
  const h5::Group gv = h5::open_group(m.variant_group(variant), "agents");
  const OutcomeStream sb(gb), sv(gv);
  const h5::Dataset persona_ds = h5::open_dataset(gb, "persona");
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
    cmp.add(first, ob, ov, persona.data());
  }
  analysis::ComparisonTables t = cmp.result();
  const StoredAggregates ab = aggregates(baseline), av = aggregates(variant);
  t.by_touchpoint = analysis::touchpoint_rows(m.touchpoints, ab.exposures, ab.advances, ab.touch_cost,
                                              av.exposures, av.advances, av.touch_cost);
  return t;
}

} // namespace journeysim
