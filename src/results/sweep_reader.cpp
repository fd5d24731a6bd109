#include "journeysim/results/sweep_reader.h"

#include "journeysim/error.h"
#include "journeysim/experiment/sweep.h"
#include "journeysim/results/h5.h"
#include "journeysim/scenario/scenario.h"
#include "journeysim/util/nearest_name.h"
#include "journeysim/util/quote.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>

namespace journeysim {

namespace {

std::string joined(const std::vector<std::string>& names)
{
  std::string s;
  for (const auto& n : names)
    s += (s.empty() ? "" : ", ") + n;
  return s;
}

constexpr const char* STATS[] = {"_mean", "_sd", "_ci_low", "_ci_high"};

//! Names are printed as they are: journeysim writes short ones without
//! control characters, so others (an escape sequence for the terminal) are damage.
void check_name(const std::string& path, const std::string& what, const std::string& name)
{
  if (name.size() > 256 || std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      }))
    throw InputError(quote(path) + ": " + what + " has control characters or is far too long: the file is damaged");
}

//! Each point's metrics by replication, from /runs/index (one row per run).
void read_replications(const h5::File& f, SweepData& d)
{
  std::map<std::pair<std::int64_t, std::string>, SweepPoint*> at;
  for (SweepPoint& p : d.points) {
    at[{p.point, p.variant}] = &p;
    for (const auto& m : d.metrics)
      p.by_replication[m].assign(static_cast<std::size_t>(std::max<std::int64_t>(d.replications, 0)),
                                 std::numeric_limits<double>::quiet_NaN());
  }
  const h5::Table index = h5::Table::open(h5::open_group(f, "runs"), "index");
  // At most one row per point, variant and replication: more is not a
  // sweep journeysim wrote, and would only cost memory to find out.
  if (index.rows() > d.points.size() * static_cast<std::uint64_t>(d.replications))
    throw InputError(quote(d.path) + ": /runs/index has " + std::to_string(index.rows()) + " rows for " +
                     std::to_string(d.points.size()) + " points and variants × " + std::to_string(d.replications) +
                     " replications: the file is damaged");
  const auto& fields = index.fields();
  const auto find = [&](const std::string& name, h5::Table::Column type) -> std::ptrdiff_t {
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (fields[i].name == name && fields[i].type == type)
        return static_cast<std::ptrdiff_t>(i);
    return -1;
  };
  const std::ptrdiff_t c_run = find("run", h5::Table::Column::Int64),
                       c_point = find("point", h5::Table::Column::Int64),
                       c_rep = find("replication", h5::Table::Column::Int64),
                       c_variant = find("variant", h5::Table::Column::String);
  if (c_point < 0 || c_rep < 0 || c_variant < 0)
    throw InputError(quote(d.path) + ": /runs/index has no point, replication or variant column");
  std::vector<std::pair<std::string, std::ptrdiff_t>> c_metrics;
  for (const auto& m : d.metrics)
    if (const std::ptrdiff_t c = find(m, h5::Table::Column::Float64); c >= 0)
      c_metrics.emplace_back(m, c);
  for (const auto& row : index.read()) {
    const auto p = at.find({std::get<std::int64_t>(row[static_cast<std::size_t>(c_point)]),
                            std::get<std::string>(row[static_cast<std::size_t>(c_variant)])});
    const std::int64_t r = std::get<std::int64_t>(row[static_cast<std::size_t>(c_rep)]);
    if (p == at.end() || r < 0 || r >= d.replications)
      throw InputError(quote(d.path) + ": /runs/index has a run of replication " + std::to_string(r) +
                       " at a point or variant /runs/summary does not list");
    for (const auto& [m, c] : c_metrics)
      p->second->by_replication[m][static_cast<std::size_t>(r)] = std::get<double>(row[static_cast<std::size_t>(c)]);
    // Each run's own feedback record (OUTPUT.md): a run out of passes is not settled.
    if (c_run >= 0) {
      const std::string feedback = "runs/" + std::to_string(std::get<std::int64_t>(row[static_cast<std::size_t>(c_run)])) +
                                   "/feedback";
      if (h5::exists(f, feedback)) {
        const h5::Group g = h5::open_group(f, feedback);
        if (h5::attribute_exists(g, "converged") && h5::read_attribute_int(g, "converged") == 0) {
          ++d.unsettled_runs;
          ++d.unsettled_by_variant[std::get<std::string>(row[static_cast<std::size_t>(c_variant)])];
        }
      }
    }
  }
}

} // namespace

const Band& SweepPoint::band(const std::string& metric) const
{
  const auto it = metrics.find(metric);
  if (it == metrics.end())
    throw InputError("no metric " + quote(metric) + " in this sweep");
  return it->second;
}

void SweepData::check_metric(const std::string& metric, const std::string& option) const
{
  if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end())
    throw InputError(option + ": no metric " + quote(metric) + " in " + quote(path) +
                     did_you_mean(metric, metrics) + " (it has: " + joined(metrics) + ")");
}

void SweepData::check_variant(const std::string& variant, const std::string& option) const
{
  if (std::find(variants.begin(), variants.end(), variant) == variants.end())
    throw InputError(option + ": no variant " + quote(variant) + " in " + quote(path) +
                     did_you_mean(variant, variants) + " (it has: " + joined(variants) + ")");
}

bool is_sweep_file(const std::string& path)
{
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return false;
  try {
    const h5::File f = h5::open_file(path, false);
    return h5::attribute_exists(f, "kind") && h5::read_attribute_string(f, "kind") == "sweep";
  } catch (const std::exception&) {
    return false;
  }
}

SweepData read_sweep(const std::string& path)
{
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError(quote(path) + ": no such file");
  if (!is_sweep_file(path))
    throw InputError(quote(path) + " is not a journeysim sweep file (written by 'journeysim sweep')");
  SweepData d;
  d.path = path;
  try {
    const h5::File f = h5::open_file(path, false);
    if (!h5::attribute_exists(f, "complete") || h5::read_attribute_int(f, "complete") != 1 ||
        !h5::exists(f, "runs/summary"))
      throw InputError(quote(path) + " is an unfinished sweep (complete != 1): finish it with the same "
                       "'journeysim sweep' command and --resume");
    d.seed = h5::read_attribute_uint(f, "seed");
    d.agents = h5::read_attribute_uint(f, "population");
    d.horizon_days = h5::read_attribute_int(f, "horizon_days");
    d.replications = h5::read_attribute_int(f, "replications");
    // Sizes every point's per-replication vectors: a damaged value must not.
    if (d.replications < 1 || d.replications > MAX_SWEEP_REPLICATIONS)
      throw InputError(quote(path) + ": replications = " + std::to_string(d.replications) + " is not 1 to " +
                       std::to_string(MAX_SWEEP_REPLICATIONS) + ": the file is damaged");
    d.parameters = h5::read_attribute_strings(f, "parameters");
    for (const auto& p : d.parameters)
      check_name(path, "a parameter name", p);
    if (h5::attribute_exists(f, "created_utc"))
      d.created_utc = h5::read_attribute_string(f, "created_utc");
    if (h5::attribute_exists(f, "journeysim_version"))
      d.journeysim_version = h5::read_attribute_string(f, "journeysim_version");
    const h5::Group sc = h5::open_group(f, "scenario");
    d.scenario_name = h5::read_attribute_string(sc, "name");
    if (h5::attribute_exists(sc, "description"))
      d.scenario_description = h5::read_attribute_string(sc, "description");
    if (h5::attribute_exists(sc, "source"))
      d.scenario_source = h5::read_attribute_string(sc, "source");

    const h5::Table table = h5::Table::open(h5::open_group(f, "runs"), "summary");
    const auto& fields = table.fields();
    const auto column = [&](const std::string& name) -> std::size_t {
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == name)
          return i;
      throw InputError(quote(path) + ": /runs/summary has no column " + quote(name));
    };
    const std::size_t c_point = column("point"), c_variant = column("variant"), c_reps = column("replications");
    std::vector<std::size_t> c_values;
    for (const auto& p : d.parameters)
      c_values.push_back(column(p));
    for (const auto& field : fields) {
      const std::string& n = field.name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, "_mean") == 0)
        d.metrics.push_back(n.substr(0, n.size() - 5));
    }
    // Points × replications ≤ MAX_SWEEP_RUNS, at most MAX_VARIANTS a point.
    if (table.rows() > MAX_SWEEP_RUNS * static_cast<std::uint64_t>(MAX_VARIANTS) / static_cast<std::uint64_t>(d.replications))
      throw InputError(quote(path) + ": /runs/summary has " + std::to_string(table.rows()) + " rows for " +
                       std::to_string(d.replications) + " replications, more than a sweep may have: the file is damaged");
    for (const auto& row : table.read()) {
      SweepPoint p;
      p.point = std::get<std::int64_t>(row[c_point]);
      p.variant = std::get<std::string>(row[c_variant]);
      check_name(path, "a variant name in /runs/summary", p.variant);
      p.replications = std::get<std::int64_t>(row[c_reps]);
      for (std::size_t c : c_values)
        p.values.push_back(std::get<double>(row[c]));
      for (const auto& m : d.metrics) {
        double* out[] = {&p.metrics[m].mean, &p.metrics[m].sd, &p.metrics[m].ci_low, &p.metrics[m].ci_high};
        for (std::size_t s = 0; s < 4; ++s)
          *out[s] = std::get<double>(row[column(m + STATS[s])]);
      }
      if (std::find(d.variants.begin(), d.variants.end(), p.variant) == d.variants.end())
        d.variants.push_back(p.variant);
      d.points.push_back(std::move(p));
    }
    read_replications(f, d);
    // The scenario's variant order (the baseline first): runs 0 … V−1 are
    // the variants of the first run, in that order.
    {
      std::vector<std::string> order;
      const h5::Group runs = h5::open_group(f, "runs");
      for (std::size_t v = 0; v < d.variants.size() && h5::exists(runs, std::to_string(v)); ++v)
        order.push_back(h5::read_attribute_string(h5::open_group(runs, std::to_string(v)), "variant"));
      if (std::is_permutation(order.begin(), order.end(), d.variants.begin(), d.variants.end()))
        d.variants = order;
    }
    std::stable_sort(d.points.begin(), d.points.end(), [&](const SweepPoint& a, const SweepPoint& b) {
      const auto rank = [&](const std::string& v) { return std::find(d.variants.begin(), d.variants.end(), v); };
      return a.point != b.point ? a.point < b.point : rank(a.variant) < rank(b.variant);
    });
  } catch (const OutputError& e) {
    throw InputError(quote(path) + " is not a readable journeysim sweep file: " + e.what());
  }
  if (d.points.empty())
    throw InputError(quote(path) + ": the sweep has no runs");
  return d;
}

} // namespace journeysim
