#pragma once
// Tampered results files: a small complete file written by the real writer,
// edits of its attributes and datasets (as a user with h5py, a bad disk or
// an attacker could make them), and a reader that touches everything
// `compare` and `report` read. Shared by test_results_reader.cpp and the
// libFuzzer target tests/fuzz/fuzz_results_reader.cpp.

#include "journeysim/engine/runner.h"
#include "journeysim/error.h"
#include "journeysim/report/report_data.h"
#include "journeysim/results/h5.h"
#include "journeysim/results/results_reader.h"
#include "journeysim/results/results_writer.h"
#include "journeysim/scenario/loader.h"

#include <cstdint>
#include <string>
#include <vector>

namespace journeysim::testing {

//! Three variants, three personas, seven stages: every table a reader uses.
inline const char* const TAMPER_SCENARIO = R"(name: tamper
horizon_days: 30
stages:
  - {name: awareness, dropout: 0.02}
  - {name: interest, dropout: 0.03}
  - {name: intent, phase: purchase, dropout: 0.05}
  - {name: purchase, phase: purchase, purchase: true}
  - {name: loyalty, phase: post_purchase, dropout: 0.01, purchase_rate: 0.05}
personas:
  - {name: a, share: 0.5, basket: {lognormal: [3, 0.5]}, attributes: {tier: {choice: {gold: 1, silver: 3}}}}
  - {name: b, share: 0.3}
  - {name: c, share: 0.2}
touchpoints:
  - {name: ads, channel: social, stages: [awareness, interest], reach: 0.4, advance: 0.3, cost: 0.01}
  - {name: mail, channel: email, stages: [intent], reach: 0.3, advance: 0.2, kind: success_point}
  - {name: checkout, channel: website, stages: [purchase], reach: 0.5, checkout: {steps: 3, step_abandon: 0.1}}
variants:
  - name: short
    set: {touchpoints.checkout.checkout.steps: 1}
  - name: loud
    set: {touchpoints.ads.reach: 0.8}
)";

//! Writes the complete results of TAMPER_SCENARIO (`agents` agents) to `path`.
inline void write_small_results(const std::string& path, std::uint64_t agents = 3000, bool per_agent = true)
{
  const Scenario scenario = parse_scenario(TAMPER_SCENARIO, "tamper.yaml");
  RunOptions o;
  o.agents = agents;
  o.threads = 1;
  o = resolve_options(scenario, o);
  WriterOptions w;
  w.per_agent = per_agent;
  w.force = true;
  ResultsWriter writer(path, scenario, o, w);
  const RunResult r = run(scenario, o, &writer);
  writer.commit(r);
}

//! Everything `compare` (every pair, stored and recomputed) and `report` read.
//! @throws InputError The only acceptable way to refuse the file.
inline void read_everything(const std::string& path)
{
  const ResultsReader reader(path);
  for (const auto& v : reader.variants()) {
    (void)reader.aggregates(v);
    if (reader.has_comparison(v))
      (void)reader.comparison(v);
    if (reader.per_agent() && v != reader.variants().front())
      (void)reader.recompute(reader.variants().front(), v, 1024);
  }
  (void)report::read_report_data(path);
}

// ------------------------------------------------------------------ edits

template <class F>
void edit(const std::string& path, F&& f)
{
  h5::File file = h5::open_file(path, true);
  f(file);
  h5::close(file);
}

inline void set_attribute(const std::string& path, const std::string& object, const std::string& name,
                          std::int64_t value)
{
  edit(path, [&](h5::File& f) {
    if (object == "/")
      h5::write_attribute(f, name, value);
    else if (h5::exists(f, object))
      h5::write_attribute(h5::open_group(f, object), name, value);
  });
}

inline void set_attribute(const std::string& path, const std::string& object, const std::string& name,
                          const std::string& value)
{
  edit(path, [&](h5::File& f) {
    if (object == "/")
      h5::write_attribute(f, name, value);
    else if (h5::exists(f, object))
      h5::write_attribute(h5::open_group(f, object), name, value);
  });
}

//! Replaces dataset `name` (a path from the root) by `values` of shape `dims`
//! (default: 1-D of values.size()).
template <class T>
void replace_dataset(const std::string& path, const std::string& name, const std::vector<T>& values,
                     std::vector<std::uint64_t> dims = {})
{
  edit(path, [&](h5::File& f) {
    if (h5::exists(f, name))
      h5::unlink(f, name);
    h5::write_dataset(f, name, values, dims);
  });
}

inline void replace_strings(const std::string& path, const std::string& name, const std::vector<std::string>& values)
{
  edit(path, [&](h5::File& f) {
    if (h5::exists(f, name))
      h5::unlink(f, name);
    h5::write_dataset(f, name, values);
  });
}

inline void remove_object(const std::string& path, const std::string& name)
{
  edit(path, [&](h5::File& f) {
    if (h5::exists(f, name))
      h5::unlink(f, name);
  });
}

} // namespace journeysim::testing
