#include "journeysim/results/optimization_file.h"

#include "journeysim/error.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/results/h5.h"
#include "journeysim/results/replace_policy.h"

#include "layout.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <unistd.h>

namespace fs = std::filesystem;

namespace journeysim {

void write_optimization_file(const std::string& path, const Scenario& scenario, const OptimizeOptions& o,
                             const OptimizeResult& r, const OutputTarget& target)
{
  const FileId replaced = check_output_target(path, target);
  LiveLock lock;
  const std::string temp = create_partial(path, lock);
  std::error_code ec;
  try {
    h5::File file = h5::create_file(temp, false); // the empty file create_partial made is ours
    layout::write_identity(file);
    h5::write_attribute(file, "kind", "optimize");
    h5::write_attribute(file, "seed", o.seed_given ? o.seed : scenario.seed);
    h5::write_attribute(file, "random_stream", static_cast<std::int64_t>(scenario.baseline().random_stream));
    h5::write_attribute(file, "population", o.agents ? o.agents : scenario.population);
    h5::write_attribute(file, "horizon_days", std::int64_t{scenario.horizon_days});
    layout::write_scenario_tables(file, scenario);
    {
      const h5::Group g = h5::create_group(file, "optimization");
      std::vector<std::string> levers, constraints;
      for (const Lever& l : o.levers)
        levers.push_back(l.path);
      for (const Target& t : o.constraints)
        constraints.push_back(t.metric + (t.at_least ? ">=" : "<=") + yaml_number(t.value));
      h5::write_attribute(g, "method", r.method);
      h5::write_attribute(g, "objective", o.objective.metric);
      h5::write_attribute(g, "maximize", std::int64_t{o.objective.maximize ? 1 : 0});
      h5::write_attribute(g, "scale", o.objective.scale);
      // What objective_mean is, in words, and the change costs counted in it.
      h5::write_attribute(g, "objective_label",
                          o.objective.label(o.agents ? o.agents : scenario.population));
      std::vector<std::string> changes;
      for (const ChangeCost& c : o.objective.changes)
        changes.push_back(c.path + "=" + yaml_number(c.per_unit) + "@" + yaml_number(c.today));
      h5::write_attribute(g, "change_costs", changes);
      h5::write_attribute(g, "levers", levers);
      h5::write_attribute(g, "constraints", constraints);
      h5::write_attribute(g, "variant", scenario.variants[static_cast<std::size_t>(o.variant)].name);
      h5::write_attribute(g, "replications", std::int64_t{o.replications});
      h5::write_attribute(g, "best", static_cast<std::int64_t>(r.best));
      h5::write_attribute(g, "any_feasible", std::int64_t{r.any_feasible ? 1 : 0});
      using C = h5::Table::Column;
      std::vector<h5::Table::Field> fields = {{"evaluation", C::Int64}};
      for (const Lever& l : o.levers)
        fields.push_back({l.path, C::Float64});
      for (const char* f : {"replications"})
        fields.push_back({f, C::Int64});
      for (const char* f : {"objective_mean", "diff_from_best", "diff_ci_low", "diff_ci_high"})
        fields.push_back({f, C::Float64});
      for (const Target& t : o.constraints)
        fields.push_back({t.metric + "_mean", C::Float64});
      for (const char* f : {"feasible", "equivalent", "best"})
        fields.push_back({f, C::Int64});
      h5::Table table = h5::Table::create(g, "evaluations", fields);
      for (std::size_t i = 0; i < r.evaluations.size(); ++i) {
        const Evaluation& e = r.evaluations[i];
        std::vector<h5::Table::Value> row = {static_cast<std::int64_t>(i)};
        for (double x : e.x)
          row.emplace_back(x);
        row.emplace_back(static_cast<std::int64_t>(e.objective.size()));
        for (double x : {e.mean, e.diff, e.diff_low, e.diff_high})
          row.emplace_back(x);
        for (const auto& c : e.constraint)
          row.emplace_back(std::accumulate(c.begin(), c.end(), 0.0) / static_cast<double>(c.size()));
        row.emplace_back(std::int64_t{e.feasible ? 1 : 0});
        row.emplace_back(std::int64_t{e.equivalent ? 1 : 0});
        row.emplace_back(std::int64_t{i == r.best ? 1 : 0});
        table.append(row);
      }
    }
    h5::write_attribute(file, "complete", std::int64_t{1});
    h5::flush(file);
    h5::close(file);
    if (::fsync(lock.fd()) != 0) // durable before it takes the name
      throw OutputError("cannot write '" + temp + "': " + std::strerror(errno));
  } catch (...) {
    fs::remove(temp, ec);
    throw;
  }
  if (!publish(temp, path, target.force, replaced)) {
    fs::remove(temp, ec);
    throw OutputError(target.option + ": another process put a file at '" + path +
                      "' while this one was being written; it was left as it is and nothing was written");
  }
}

bool is_optimization_file(const std::string& path)
{
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return false;
  try {
    const h5::File f = h5::open_file(path, false);
    return h5::attribute_exists(f, "kind") && h5::read_attribute_string(f, "kind") == "optimize";
  } catch (const std::exception&) {
    return false;
  }
}

OptimizationData read_optimization_file(const std::string& path)
{
  if (!is_optimization_file(path))
    throw InputError("'" + path + "' is not a file written by 'journeysim optimize -o'");
  OptimizationData d;
  d.path = path;
  try {
    const h5::File f = h5::open_file(path, false);
    if (!h5::attribute_exists(f, "complete") || h5::read_attribute_int(f, "complete") != 1)
      throw InputError("'" + path + "' is incomplete (complete != 1): run the optimisation again");
    d.created_utc = h5::read_attribute_string(f, "created_utc");
    d.agents = h5::read_attribute_uint(f, "population");
    d.scenario_name = h5::read_attribute_string(h5::open_group(f, "scenario"), "name");
    const h5::Group g = h5::open_group(f, "optimization");
    d.method = h5::read_attribute_string(g, "method");
    d.objective = h5::read_attribute_string(g, "objective");
    // Files before objective_label: the metric alone.
    d.objective_label =
      h5::attribute_exists(g, "objective_label") ? h5::read_attribute_string(g, "objective_label") : d.objective;
    if (h5::attribute_exists(g, "change_costs"))
      d.change_costs = h5::read_attribute_strings(g, "change_costs");
    d.variant = h5::read_attribute_string(g, "variant");
    d.maximize = h5::read_attribute_int(g, "maximize") == 1;
    d.any_feasible = h5::read_attribute_int(g, "any_feasible") == 1;
    d.replications = h5::read_attribute_int(g, "replications");
    d.best = h5::read_attribute_int(g, "best");
    d.levers = h5::read_attribute_strings(g, "levers");
    d.constraints = h5::read_attribute_strings(g, "constraints");
    const h5::Table table = h5::Table::open(g, "evaluations");
    const auto& fields = table.fields();
    const auto col = [&](const std::string& name) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == name)
          return i;
      throw InputError("'" + path + "': /optimization/evaluations has no column '" + name + "'");
    };
    std::vector<std::size_t> constraint_cols;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string& n = fields[i].name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, "_mean") == 0 && n != "objective_mean") {
        constraint_cols.push_back(i);
        d.constraint_metrics.push_back(n.substr(0, n.size() - 5));
      }
    }
    for (const auto& row : table.read()) {
      OptimizationData::Row r;
      for (const auto& l : d.levers)
        r.x.push_back(std::get<double>(row[col(l)]));
      r.replications = std::get<std::int64_t>(row[col("replications")]);
      r.mean = std::get<double>(row[col("objective_mean")]);
      r.diff = std::get<double>(row[col("diff_from_best")]);
      r.diff_low = std::get<double>(row[col("diff_ci_low")]);
      r.diff_high = std::get<double>(row[col("diff_ci_high")]);
      for (std::size_t c : constraint_cols)
        r.constraint_means.push_back(std::get<double>(row[c]));
      r.feasible = std::get<std::int64_t>(row[col("feasible")]) == 1;
      r.equivalent = std::get<std::int64_t>(row[col("equivalent")]) == 1;
      r.best = std::get<std::int64_t>(row[col("best")]) == 1;
      d.rows.push_back(std::move(r));
    }
  } catch (const OutputError& e) {
    throw InputError("'" + path + "' is not a readable optimisation file: " + e.what());
  }
  if (d.rows.empty())
    throw InputError("'" + path + "' holds no evaluations");
  return d;
}

} // namespace journeysim
