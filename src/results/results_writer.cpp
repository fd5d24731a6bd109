#include "journeysim/results/results_writer.h"

#include "journeysim/analysis/paired_comparison.h"
#include "journeysim/error.h"
#include "journeysim/results/data_sync.h"
#include "journeysim/results/h5.h"
#include "journeysim/results/output_safety.h"
#include "journeysim/results/replace_policy.h"
#include "journeysim/results/publish.h"

#include "journeysim/parallel/ranks.h"
#include "journeysim/util/quote.h"

#include "chunk_compressor.h"
#include "comparison_layout.h"
#include "layout.h"
#include "parallel_columns.h"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <system_error>

#ifndef JOURNEYSIM_VERSION
#error "JOURNEYSIM_VERSION must be defined by the build"
#endif

namespace journeysim {

namespace fs = std::filesystem;

namespace {

//! Chunks of agents between two writebacks started during a run (≈ 19 MB
//! of per-agent columns at the default chunk size).
constexpr std::uint64_t WRITEBACK_CHUNKS = 8;

using layout::CHUNK_ROWS;

//! Refuse targets we must not (or cannot) replace, before creating anything.
void check_target(const std::string& target, bool force)
{
  std::error_code ec;
  const fs::path path(target);
  if (target.empty())
    throw InputError("--output: no results file name given (-o FILE.h5)");
  const auto status = fs::status(path, ec);
  if (fs::is_directory(status))
    throw OutputError("cannot write results to " + quote(target) + ": it is a directory");
  if (fs::exists(fs::symlink_status(path, ec)) && !force)
    throw InputError(quote(target) + " exists; use --force to replace it");
  const fs::path parent = path.parent_path();
  if (!parent.empty()) {
    const auto ps = fs::status(parent, ec);
    if (!fs::exists(ps))
      throw OutputError("cannot create results file " + quote(target) + ": directory " +
                        quote(parent.string()) + " does not exist");
    if (!fs::is_directory(ps))
      throw OutputError("cannot create results file " + quote(target) + ": " +
                        quote(parent.string()) + " is not a directory");
  }
}

//! Ask the OS to put the file on disk before it is renamed into place
//! (best effort: a failure here is not worth losing the results over).
void sync_file(const std::string& path) noexcept
{
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

//! The name of a variant as an HDF5 group name.
const std::string& group_name(const Model& model)
{
  if (model.name.empty() || model.name == "." || model.name == ".." ||
      model.name.find('/') != std::string::npos)
    throw OutputError("variant name " + quote(model.name) +
                      " cannot be used as a group name in the results file");
  return model.name;
}

//! Everything written per selected variant.
struct VariantOut {
  const Model* model = nullptr;
  std::size_t stages = 0;
  std::size_t owner =
      0; //!< selected position whose agent_id/persona/attr_* we link to (self: we own them)
  h5::Group group;
  h5::Group agents;
  //! Owned population columns (only when owner == own position).
  layout::PopulationColumns population;
  //! Outcome columns in for_each_column() order (invalid: not written for this model).
  std::vector<h5::RowDataset> outcomes;
};

} // namespace

struct ResultsWriter::Impl {
  std::string target;
  std::string temp;
  const Scenario* scenario = nullptr;
  RunOptions options;
  WriterOptions writer;
  LiveLock lock;          //!< held on the temporary file while it is written (docs/SAFETY.md)
  DataSync sync;          //!< per-agent columns: the host flushes them as the run goes
  FileId replaced;        //!< with --force: the file checked at the start, the only one replaced
  bool created = false;   //!< the temporary file is ours (remove it unless committed)
  bool committed = false; //!< renamed into place (or deliberately left behind)
  std::uint64_t rows_written = 0;
  std::uint64_t chunks_written = 0;
  //! With several ranks (RunOptions::ranks): rank 0 creates the file and
  //! writes all but the per-agent rows; every rank writes its own rows
  //! through `columns`. Null with one process.
  const parallel::Ranks* ranks = nullptr;
  std::uint64_t rows_end = 0; //!< this rank's agents: [rows_written at the start, rows_end)
  std::unique_ptr<ParallelColumns> columns;
  std::uint64_t write_rounds = 0; //!< collective writes each rank makes
  std::vector<std::uint8_t> codes; //!< scratch of write(): choice attribute codes

  // Declared after the bookkeeping and in this order, so destruction closes
  // every dataset before the file.
  h5::File file;
  std::vector<VariantOut> variants;
  //! Per selected variant: its paired comparison with the baseline (null for
  //! the baseline itself, and for a variant whose stages differ from it).
  std::vector<std::unique_ptr<analysis::PairedComparison>> comparisons;
  std::vector<analysis::ComparisonRow> attribution; //!< /attribution rows (empty: none)

  ~Impl() { discard(); }

  //! Close everything and remove the temporary file. Never throws.
  void discard() noexcept
  {
    variants.clear();
    file.reset();
    if (created && !committed) {
      std::error_code ec;
      fs::remove(temp, ec);
      created = false;
    }
  }

  void write_header();
  void create_variant(std::size_t position);
  //! Calls f(dataset, values) for every per-agent column this writer owns
  //! in one chunk (linked ones excepted), in one fixed order.
  template <class Self, class F> static void for_each_agent_column(Self& m, const Chunk& chunk,
                                                                   std::vector<std::uint8_t>& codes, F&& f);
  void find_owner(std::size_t position);
  void open_parallel();
  void close_columns();
  void close_parallel();
};

void ResultsWriter::Impl::find_owner(std::size_t j)
{
  VariantOut& out = variants[j];
  out.model = &scenario->variants[static_cast<std::size_t>(options.variants[j])];
  out.stages = out.model->stages.size();
  // The runner generates a population once per group of variants for which
  // same_population() holds, owned by the first of them: mirror that.
  out.owner = j;
  for (std::size_t i = 0; i < j; ++i)
    if (variants[i].owner == i && same_population(*variants[i].model, *out.model)) {
      out.owner = i;
      break;
    }
}

void ResultsWriter::Impl::open_parallel()
{
  // Rank 0 has created every dataset; it closes the file, and all ranks
  // open it for their rows (strings and aggregates are rank 0's, later).
  if (ranks->root()) {
    for (VariantOut& v : variants)
      v = VariantOut{v.model, v.stages, v.owner, {}, {}, {}, {}};
    h5::close(file);
  }
  std::string path = temp;
  ranks->broadcast(path);
  if (!ranks->root()) {
    temp = path;
    created = true; // a failing rank removes the file, so none looks complete
  }
  std::uint64_t first = 0;
  rank_range(options, ranks->rank(), ranks->size(), first, rows_end);
  rows_written = first;
  // Collective writes must match across ranks: each rank makes as many as
  // the rank with the most chunks (empty ones once its rows are written),
  // then closes, in finish(): before the runner's own collective calls.
  for (int r = 0; r < ranks->size(); ++r) {
    std::uint64_t f = 0, e = 0;
    rank_range(options, r, ranks->size(), f, e);
    write_rounds = std::max(write_rounds, (e - f + options.chunk_agents - 1) / options.chunk_agents);
  }
  if (writer.per_agent)
    columns = std::make_unique<ParallelColumns>(*ranks, temp, *scenario, options);
  for (auto& c : comparisons)
    if (c)
      c->record_blocks();
}

void ResultsWriter::Impl::close_columns()
{
  columns->close(write_rounds);
  columns.reset();
}

void ResultsWriter::Impl::close_parallel()
{
  if (writer.per_agent && rows_written != rows_end)
    throw OutputError("cannot complete results file " + quote(temp) + ": rank " + std::to_string(ranks->rank()) +
                      " wrote agents up to " + std::to_string(rows_written) + ", expected " + std::to_string(rows_end));
  if (columns)
    close_columns();
  for (auto& c : comparisons)
    if (c)
      c->combine_ranks(*ranks);
  rows_written = options.agents;
  if (ranks->root()) {
    file = h5::reopen_for_writing(temp);
    const h5::Group all = h5::open_group(file, "variants");
    for (VariantOut& v : variants)
      v.group = h5::open_group(all, v.model->name);
  }
}

void ResultsWriter::Impl::write_header()
{
  const Scenario& sc = *scenario;
  layout::write_identity(file);
  h5::write_attribute(file, "seed", options.seed);
  h5::write_attribute(file, "random_stream", static_cast<std::int64_t>(sc.baseline().random_stream));
  h5::write_attribute(file, "population", options.agents);
  h5::write_attribute(file, "horizon_days", std::int64_t{sc.horizon_days});
  h5::write_attribute(file, "threads", std::int64_t{options.threads});
  h5::write_attribute(file, "chunk_agents", static_cast<std::uint64_t>(options.chunk_agents));
  std::string names;
  for (int v : options.variants)
    names += (names.empty() ? "" : ",") + sc.variants[static_cast<std::size_t>(v)].name;
  h5::write_attribute(file, "variants", names);
  h5::write_attribute(file, "per_agent", std::int64_t{writer.per_agent ? 1 : 0});
  h5::write_attribute(file, "currency", sc.currency);

  layout::write_scenario_tables(file, sc);
  // /touchpoints is written by commit() from RunResult::touchpoints, so its
  // rows are exactly those of the statistics.
}

void ResultsWriter::Impl::create_variant(std::size_t j)
{
  find_owner(j);
  VariantOut& out = variants[j];
  const Model& model = *out.model;
  out.group = h5::create_group(h5::open_group(file, "variants"), group_name(model));
  h5::write_attribute(out.group, "description", model.description);
  h5::write_attribute(out.group, "overrides", model.overrides);
  h5::write_attribute(out.group, "index", std::int64_t{options.variants[j]});

  if (!writer.per_agent)
    return;
  const std::uint64_t n = options.agents;
  out.agents = h5::create_group(out.group, "agents");
  h5::RowOptions ro;
  ro.chunk_rows = CHUNK_ROWS;
  ro.compress = writer.compress;

  if (out.owner == j) {
    out.population = layout::create_population_columns(out.agents, model, options.seed, n, ro);
  } else {
    const VariantOut& owner = variants[out.owner];
    h5::link(owner.agents, "agent_id", out.agents, "agent_id");
    h5::link(owner.agents, "persona", out.agents, "persona");
    for (const auto& a : owner.population.attributes)
      h5::link(owner.agents, "attr_" + a.name, out.agents, "attr_" + a.name);
    h5::write_attribute(out.agents, "population_of", owner.model->name);
  }

  out.outcomes = layout::create_outcome_columns(out.agents, model, n, out.stages, ro);
}

template <class Self, class F>
void ResultsWriter::Impl::for_each_agent_column(Self& m, const Chunk& chunk, std::vector<std::uint8_t>& codes, F&& f)
{
  for (std::size_t j = 0; j < m.variants.size(); ++j) {
    auto& out = m.variants[j];
    const VariantChunk& vc = chunk.variants[j];
    if (out.owner == j)
      layout::for_each_population_column(out.population, *vc.agents, codes, f);
    layout::for_each_outcome_column(out.outcomes, vc.outcomes, f);
  }
}

// ---------------------------------------------------------------- ResultsWriter

ResultsWriter::ResultsWriter(const std::string& target, const Scenario& scenario,
                             const RunOptions& options_resolved, WriterOptions options)
    : impl_(std::make_unique<Impl>())
{
  Impl& m = *impl_;
  m.target = target;
  m.scenario = &scenario;
  m.options = options_resolved;
  m.writer = options;
  if (m.options.variants.empty())
    throw OutputError("cannot create results file " + quote(target) + ": no variants selected");
  for (int v : m.options.variants)
    if (v < 0 || static_cast<std::size_t>(v) >= scenario.variants.size())
      throw OutputError("cannot create results file " + quote(target) + ": variant index " +
                        std::to_string(v) + " out of range");

  if (m.options.ranks && m.options.ranks->size() > 1)
    m.ranks = m.options.ranks;
  m.variants.resize(m.options.variants.size());
  if (!m.ranks || m.ranks->root()) {
    check_target(target, options.force);
    check_no_live_writer(target);
    if (options.force)
      m.replaced = check_replaceable(target, OutputKind::Results, {{scenario.path, "the scenario"}});
    m.temp = create_partial(target, m.lock);
    m.created = true;
    if (m.writer.per_agent)
      m.sync.start(m.lock.fd());
    m.file = h5::create_file(m.temp, false); // the empty file create_partial made is ours
    // From here on, a throw destroys impl_, which removes the temporary file.
    m.write_header();
    h5::create_group(m.file, "variants");
    for (std::size_t j = 0; j < m.variants.size(); ++j)
      m.create_variant(j);
  } else {
    for (std::size_t j = 0; j < m.variants.size(); ++j)
      m.find_owner(j);
  }
  // Comparisons need the baseline in the run (position 0) and the same stages.
  m.comparisons.resize(m.variants.size());
  if (m.options.variants[0] == 0) {
    const Model& base = scenario.baseline();
    for (std::size_t j = 1; j < m.variants.size(); ++j) {
      const Model& model = *m.variants[j].model;
      bool same = model.stages.size() == base.stages.size();
      for (std::size_t k = 0; same && k < base.stages.size(); ++k)
        same = model.stages[k].name == base.stages[k].name && model.stages[k].purchase == base.stages[k].purchase;
      if (same)
        m.comparisons[j] = std::make_unique<analysis::PairedComparison>(
          analysis::funnel_shape(base, model, scenario.horizon_days));
    }
  }
  if (m.ranks)
    m.open_parallel();
  else
    h5::flush(m.file);
}

ResultsWriter::~ResultsWriter() = default; // Impl::~Impl removes the file unless committed

const std::string& ResultsWriter::temporary_path() const
{
  return impl_->temp;
}

void ResultsWriter::prepare(Chunk& chunk)
{
  // Only what stays fixed while write() runs is read here: the writer's
  // options and the datasets' shapes. No HDF5 call (the library is serial).
  const Impl& m = *impl_;
  if (!m.writer.compress || !m.writer.per_agent || m.ranks || m.committed ||
      chunk.variants.size() != m.variants.size())
    return;
  for (std::size_t j = 0; j < m.variants.size(); ++j) {
    const VariantChunk& vc = chunk.variants[j];
    if (!vc.agents || vc.agents->size != chunk.size || vc.outcomes.size != chunk.size ||
        vc.outcomes.stages != m.variants[j].stages)
      return; // write() reports it
  }
  CompressedChunk::prepare(chunk, &m, [&](std::vector<std::uint8_t>& codes, auto&& f) {
    Impl::for_each_agent_column(m, chunk, codes, f);
  });
}

void ResultsWriter::write(const Chunk& chunk)
{
  Impl& m = *impl_;
  if (m.committed || (!m.file && !m.ranks))
    throw OutputError("cannot write to " + quote(m.target) + ": the results file is closed");
  if (chunk.variants.size() != m.variants.size())
    throw OutputError("cannot write to " + quote(m.temp) + ": chunk has " +
                      std::to_string(chunk.variants.size()) + " variants, expected " +
                      std::to_string(m.variants.size()));
  if (chunk.first != m.rows_written)
    throw OutputError("cannot write to " + quote(m.temp) + ": chunk starts at agent " +
                      std::to_string(chunk.first) + ", expected " + std::to_string(m.rows_written));
  if (m.writer.per_agent) {
    const std::size_t n = chunk.size;
    for (std::size_t j = 0; j < m.variants.size(); ++j) {
      VariantOut& out = m.variants[j];
      const VariantChunk& vc = chunk.variants[j];
      const OutcomeColumns& o = vc.outcomes;
      if (vc.variant != m.options.variants[j] || !vc.agents || vc.agents->size != n ||
          o.size != n || o.stages != out.stages)
        throw OutputError("cannot write to " + quote(m.temp) + ": chunk of variant " +
                          quote(out.model->name) + " does not match the run");
      if (out.owner != j) {
        // Linked columns: the runner must have shared the population too.
        if (vc.agents != chunk.variants[out.owner].agents)
          throw OutputError("cannot write to " + quote(m.temp) + ": variant " +
                            quote(out.model->name) + " does not share its population as planned");
      }
    }
    if (m.columns)
      m.columns->write(chunk); // collective MPI-IO writes: through HDF5's filters
    else
      CompressedChunk::write(chunk, &m, m.codes, [&](std::vector<std::uint8_t>& codes, auto&& f) {
        Impl::for_each_agent_column(m, chunk, codes, f);
      });
  }
  // The page cache would hold the whole file until the fsync before its
  // rename, which then waits for all of it (0.7 s of a 10⁷-agent run on one
  // thread): written back as the run goes, it overlaps the simulation.
  if (m.writer.per_agent && ++m.chunks_written % WRITEBACK_CHUNKS == 0) {
    m.lock.start_writeback();
    m.sync.request();
  }
  for (std::size_t j = 1; j < m.comparisons.size(); ++j)
    if (m.comparisons[j])
      m.comparisons[j]->add(chunk.first, chunk.variants[0].outcomes, chunk.variants[j].outcomes,
                            chunk.variants[0].agents->persona.data());
  m.rows_written += chunk.size;
}

void ResultsWriter::finish()
{
  Impl& m = *impl_;
  if (m.columns)
    m.close_columns();
}

void ResultsWriter::set_attribution(std::vector<analysis::ComparisonRow> rows)
{
  impl_->attribution = std::move(rows);
}

void ResultsWriter::commit(const RunResult& result)
{
  Impl& m = *impl_;
  if (m.committed || (!m.file && !m.ranks))
    throw OutputError("cannot commit " + quote(m.target) + ": already committed or closed");
  if (m.ranks) {
    m.close_parallel();
    if (!m.ranks->root()) {
      m.committed = true; // rank 0 completes and publishes the file
      return;
    }
  }
  const std::string where = "cannot complete results file " + quote(m.temp);
  if (result.variants != m.options.variants || result.totals.size() != m.variants.size())
    throw OutputError(where + ": the run's variants differ from those the file was created for");
  if (result.agents != m.options.agents)
    throw OutputError(where + ": the run simulated " + std::to_string(result.agents) +
                      " agents, expected " + std::to_string(m.options.agents));
  if (m.writer.per_agent && m.rows_written != m.options.agents)
    throw OutputError(where + ": only " + std::to_string(m.rows_written) + " of " +
                      std::to_string(m.options.agents) + " agents were written");

  layout::write_touchpoint_table(m.file, result.touchpoints);
  for (std::size_t j = 0; j < m.variants.size(); ++j) {
    layout::write_totals(m.variants[j].group, result.totals[j], result.touchpoints.size());
    layout::write_spend_and_feedback(m.variants[j].group, result.totals[j], *m.variants[j].model,
                                     result.touchpoints,
                                     j < result.feedback.size() ? result.feedback[j] : FeedbackReport{});
  }

  bool any_comparison = false;
  for (const auto& c : m.comparisons)
    any_comparison = any_comparison || c != nullptr;
  if (any_comparison) {
    const h5::Group root = h5::create_group(m.file, "comparison");
    std::vector<std::string> tp_names;
    for (const auto& t : result.touchpoints)
      tp_names.push_back(t.name);
    const VariantTotals& base = result.totals[0];
    for (std::size_t j = 1; j < m.comparisons.size(); ++j) {
      if (!m.comparisons[j])
        continue;
      if (m.comparisons[j]->agents() != result.agents)
        throw OutputError(where + ": the comparison saw " + std::to_string(m.comparisons[j]->agents()) +
                          " agents, expected " + std::to_string(result.agents));
      analysis::ComparisonTables tables = m.comparisons[j]->result();
      const VariantTotals& t = result.totals[j];
      tables.by_touchpoint = analysis::touchpoint_rows(tp_names, base.tally.exposures, base.tally.advances,
                                                       base.touch_cost, t.tally.exposures, t.tally.advances,
                                                       t.touch_cost);
      layout::write_comparison(root, m.variants[j].model->name, tables);
    }
  }

  if (!m.attribution.empty()) {
    const h5::Group g = h5::create_group(m.file, "attribution");
    h5::write_attribute(g, "description", "per touchpoint: baseline = with every touchpoint, variant = the same "
                                          "customers without it, difference = baseline - without (incremental)");
    layout::write_comparison_table(g, m.attribution, true);
  }

  // Close every dataset and group, mark the file complete last, and make it
  // durable before it takes the target's name.
  m.variants.clear();
  h5::write_attribute(m.file, "complete", std::int64_t{1});
  h5::flush(m.file);
  if (const std::size_t open = h5::open_objects(m.file); open != 0)
    throw OutputError(where + ": " + std::to_string(open) + " objects still open");
  h5::close(m.file);
  m.sync.stop();
  sync_file(m.temp);

  m.committed = true; // the file is complete: never delete it from here on
  // Never replaces a file that appeared meanwhile (another run's), and with
  // --force only the file checked at the start.
  if (!publish(m.temp, m.target, m.writer.force, m.replaced))
    throw OutputError("lost the race for " + quote(m.target) + ": another run wrote it while this one ran, and "
                      "it was not replaced; this run's complete results are in " + quote(m.temp));
}

} // namespace journeysim
