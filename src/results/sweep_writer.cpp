#include "journeysim/results/sweep_writer.h"

#include "journeysim/error.h"
#include "journeysim/results/h5.h"
#include "journeysim/results/output_safety.h"
#include "journeysim/results/replace_policy.h"
#include "journeysim/results/publish.h"
#include "journeysim/util/sha256.h"
#include "journeysim/util/quote.h"

#include "chunk_compressor.h"
#include "layout.h"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace journeysim {

namespace fs = std::filesystem;
using h5::Table;

namespace {

//! The summary metrics, in index-column order.
const std::vector<std::string> METRICS = {"agents", "conversions", "conversion_rate", "purchases",
                                          "revenue", "cost", "cost_per_conversion", "roi",
                                          "cart_abandon_rate", "mean_mood",
                                          // model v2 (docs/MODEL.md "Summary metrics")
                                          "profit", "planned_spend", "clv_per_customer", "arrived",
                                          "referral_arrivals", "conversion_rate_arrived",
                                          "conversion_rate_mature"};

std::vector<double> metric_values(const Summary& s)
{
  return {static_cast<double>(s.agents), static_cast<double>(s.conversions), s.conversion_rate,
          static_cast<double>(s.purchases), s.revenue, s.cost, s.cost_per_conversion, s.roi,
          s.cart_abandon_rate, s.mean_mood, s.profit, s.planned_spend, s.clv_per_customer,
          static_cast<double>(s.arrived), static_cast<double>(s.referral_arrivals), s.conversion_rate_arrived,
          s.conversion_rate_mature};
}

//! Per-agent columns of one sweep run, written as its chunks arrive. With
//! compression, prepare() deflates them on the worker threads, as the
//! results writer does (chunk_compressor.h).
class RunAgentsWriter : public ChunkSink {
public:
  //! Creates the run's columns now, before its first chunk, so that
  //! prepare() reads datasets that stay fixed while write() runs.
  RunAgentsWriter(const std::vector<h5::Group>& groups, const Scenario& scenario, const RunOptions& o, bool compress)
    : compress_(compress)
  {
    if (groups.size() != o.variants.size())
      throw OutputError("cannot create the per-agent columns of a sweep run: " + std::to_string(groups.size()) +
                        " groups for " + std::to_string(o.variants.size()) + " variants");
    h5::RowOptions ro;
    ro.chunk_rows = layout::CHUNK_ROWS;
    ro.compress = compress;
    for (std::size_t v = 0; v < o.variants.size(); ++v) {
      const h5::Group agents = h5::create_group(groups[v], "agents");
      const Model& model = scenario.variants[static_cast<std::size_t>(o.variants[v])];
      Columns c;
      c.variant = o.variants[v];
      c.stages = model.stages.size();
      c.population = layout::create_population_columns(agents, model, o.seed, o.agents, ro);
      c.outcomes = layout::create_outcome_columns(agents, model, o.agents, c.stages, ro);
      columns_.push_back(std::move(c));
    }
  }

  void prepare(Chunk& chunk) override
  {
    // Reads the columns only (const): write() of earlier chunks runs meanwhile.
    if (compress_ && matches(chunk))
      CompressedChunk::prepare(chunk, this, [&](std::vector<std::uint8_t>& codes, auto&& f) {
        for_each_column(std::as_const(*this), chunk, codes, f);
      });
  }

  void write(const Chunk& chunk) override
  {
    if (!matches(chunk))
      throw OutputError("cannot write the per-agent columns of a sweep run: a chunk does not match the run");
    CompressedChunk::write(chunk, this, codes_, [&](std::vector<std::uint8_t>& codes, auto&& f) {
      for_each_column(*this, chunk, codes, f);
    });
  }

private:
  //! The same per-agent layout as a results file's (layout.h).
  struct Columns {
    int variant = 0;
    std::size_t stages = 0;
    layout::PopulationColumns population;
    std::vector<h5::RowDataset> outcomes;
  };

  bool matches(const Chunk& chunk) const
  {
    if (chunk.variants.size() != columns_.size())
      return false;
    for (std::size_t v = 0; v < columns_.size(); ++v) {
      const VariantChunk& vc = chunk.variants[v];
      if (vc.variant != columns_[v].variant || !vc.agents || vc.agents->size != chunk.size ||
          vc.outcomes.size != chunk.size || vc.outcomes.stages != columns_[v].stages)
        return false;
    }
    return true;
  }

  //! f(dataset, values) for every column of the chunk, in one fixed order.
  template <class Self, class F>
  static void for_each_column(Self& self, const Chunk& chunk, std::vector<std::uint8_t>& codes, F&& f)
  {
    for (std::size_t v = 0; v < self.columns_.size(); ++v) {
      auto& c = self.columns_[v];
      layout::for_each_population_column(c.population, *chunk.variants[v].agents, codes, f);
      layout::for_each_outcome_column(c.outcomes, chunk.variants[v].outcomes, f);
    }
  }

  bool compress_;
  std::vector<Columns> columns_;    //!< [variant]
  std::vector<std::uint8_t> codes_; //!< scratch of write(): choice attribute codes
};

} // namespace

double t_quantile_975(int df)
{
  // Exact values for small df; Cornish–Fisher expansion beyond (error < 1e-4).
  static const double table[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306,  2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120,  2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                 2.064,  2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1)
    return std::nan("");
  if (df <= 30)
    return table[df];
  const double z = 1.959963984540054, n = df;
  return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

struct SweepWriter::Impl {
  std::string target, path;
  LiveLock lock;          //!< held on the file being written (docs/SAFETY.md)
  FileId replaced;        //!< with --force: the file checked at the start, the only one replaced
  bool temporary = false; //!< writing beside the target (force): remove unless committed
  bool committed = false;
  const Scenario* scenario = nullptr;
  SweepOptions sweep;
  SweepFileOptions options;
  std::set<std::uint64_t> done_runs; //!< run indices complete in the file
  std::size_t groups_made_for = static_cast<std::size_t>(-1); //!< run whose groups chunks() made
  std::size_t found = 0;
  bool rebuilt = false; //!< a torn file was salvaged
  std::unique_ptr<RunAgentsWriter> agents;
  h5::File file;
  h5::Group runs;
  Table index;

  ~Impl()
  {
    agents.reset();
    index = Table();
    runs.reset();
    file.reset();
    if (temporary && !committed) {
      std::error_code ec;
      fs::remove(path, ec);
    }
  }

  std::vector<Table::Field> index_fields() const
  {
    std::vector<Table::Field> f = {{"run", Table::Column::Int64},
                                   {"point", Table::Column::Int64},
                                   {"replication", Table::Column::Int64},
                                   {"variant", Table::Column::String},
                                   {"seed", Table::Column::UInt64}};
    for (const auto& p : sweep.parameters)
      f.push_back({p.path, Table::Column::Float64});
    for (const auto& m : METRICS)
      f.push_back({m, Table::Column::Float64});
    return f;
  }

  //! What must match for --resume to continue a file.
  std::string definition() const
  {
    std::string d = "sha256=" + sha256_hex(scenario->source) + ";replications=" +
                    std::to_string(sweep.replications) + ";agents=" + std::to_string(sweep.agents) +
                    ";seed=" + (sweep.seed_given ? std::to_string(sweep.seed) : std::string("scenario"));
    // Files made before stream 2 have no stream here: they resume only under stream 1.
    if (const auto stream = scenario->baseline().random_stream; stream != rng::Stream::v1)
      d += ";stream=" + std::to_string(static_cast<int>(stream));
    for (const auto& p : sweep.parameters) {
      d += ";" + p.path + "=";
      for (double v : p.values) { // 17 digits, as files made before shortest texts wrote it: they still resume
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        d += std::string(buf) + ",";
      }
    }
    return d;
  }

  //! A definition without its stream, and its stream ("1" where it names none).
  static std::string without_stream(const std::string& d)
  {
    const auto at = d.find(";stream=");
    return at == std::string::npos ? d : d.substr(0, at) + d.substr(std::min(d.size(), d.find(';', at + 1)));
  }
  static std::string stream_of(const std::string& d)
  {
    const auto at = d.find(";stream=");
    return at == std::string::npos ? "1" : d.substr(at + 8, d.find(';', at + 1) - (at + 8));
  }

  //! Writes the new sweep's file at `path` (a locked temporary beside the
  //! target); if that fails, nothing is left.
  void create()
  {
    try {
      write_new();
    } catch (...) {
      runs.reset();
      index = Table();
      file.reset();
      std::error_code ec;
      fs::remove(path, ec);
      committed = true; // nothing of ours left to remove
      throw;
    }
  }

  //! Gives the new sweep's file, flushed whole, the target's name (never
  //! replacing anything), so the target never holds a file a kill left
  //! without its identity: a SIGKILL before this leaves a temporary the next
  //! start removes, and no target; after it, a sweep `--resume` continues.
  void publish_new()
  {
    close_file("after creating it");
    if (!publish(path, target, false, FileId{}))
      throw InputError(quote(target) + " was created by another process just now; use --resume or --force, or "
                       "choose another output");
    path = target; // the lock, on the file, goes with it
    temporary = false;
    open_file();
  }

  //! Closes the file (`when` says at which point, if an object is left open).
  void close_file(const std::string& when)
  {
    index = Table();
    runs.reset();
    if (const std::size_t open = h5::open_objects(file); open != 0)
      throw OutputError("cannot close " + quote(path) + " " + when + ": " + std::to_string(open) +
                        " objects still open");
    h5::close(file);
  }

  //! Opens the file at `path` to go on writing it.
  void open_file()
  {
    file = h5::open_for_append(path);
    runs = h5::open_group(file, "runs");
    index = Table::open(runs, "index");
  }

  void write_new()
  {
    // The empty file we created and locked; metadata reaches the disk only
    // at each flush, so a SIGKILL leaves the last flush's file.
    file = h5::create_file(path, false, true);
    layout::write_identity(file);
    h5::write_attribute(file, "kind", "sweep");
    h5::write_attribute(file, "seed", sweep.seed_given ? sweep.seed : scenario->seed);
    h5::write_attribute(file, "random_stream", static_cast<std::int64_t>(scenario->baseline().random_stream));
    h5::write_attribute(file, "population", sweep.agents ? sweep.agents : scenario->population);
    h5::write_attribute(file, "horizon_days", std::int64_t{scenario->horizon_days});
    h5::write_attribute(file, "replications", std::int64_t{sweep.replications});
    std::vector<std::string> paths;
    for (const auto& p : sweep.parameters)
      paths.push_back(p.path);
    h5::write_attribute(file, "parameters", paths);
    h5::write_attribute(file, "sweep_definition", definition());
    layout::write_scenario_tables(file, *scenario);
    layout::write_touchpoint_table(file, touchpoint_union(*scenario));
    runs = h5::create_group(file, "runs");
    index = Table::create(runs, "index", index_fields());
    h5::flush(file);
  }

  void reopen()
  {
    // A sweep killed by SIGKILL or a full disk leaves HDF5's "open for write"
    // flag set; the lock shows no process writes it now, so clear it.
    if (!lock.acquire(path))
      throw InputError("another journeysim process is writing " + quote(path) +
                       " now; wait for it to finish (or stop it) before --resume");
    // A file torn shorter than its superblock records is padded, then rebuilt.
    const bool padded = h5::pad_to_recorded_length(path);
    std::string kind;
    try {
      file = h5::open_for_append(path);
      if (h5::attribute_exists(file, "kind"))
        kind = h5::read_attribute_string(file, "kind");
    } catch (const OutputError& e) {
      // Not replaced even by --force: whose it is, only its owner knows.
      throw InputError(quote(path) + " cannot be resumed: it is not an HDF5 file, or it is damaged (" + e.what() +
                       "); if it is a sweep of yours, delete it and run the sweep again");
    }
    if (kind != "sweep")
      throw InputError(quote(path) + " is not a journeysim sweep file; cannot --resume it");
    if (h5::attribute_exists(file, "complete") && h5::read_attribute_int(file, "complete") == 1)
      throw InputError(quote(path) + " is a complete sweep; nothing to resume (use --force to redo it)");
    const std::string made = h5::read_attribute_string(file, "sweep_definition");
    if (made != definition()) {
      // Only the stream differs (another binary's default, or --random-stream): say which to give.
      if (without_stream(made) == without_stream(definition()))
        throw InputError(quote(path) + " was made under random stream " + stream_of(made) +
                         ", this command draws by stream " + stream_of(definition()) +
                         "; resume it with --random-stream " + stream_of(made) + ", or use --force");
      throw InputError(quote(path) + " holds a different sweep (scenario, grid, replications, agents, seed or "
                                     "random stream differ); resume it with the same command, or use --force");
    }
    // A SIGKILL inside a flush can leave the file torn: objects past the
    // end of the allocation the superblock records, a link to a group never
    // written, rows past the index's length whose strings point into heap
    // space never written (appending over one makes HDF5 free the string
    // it points to). Objects past the recorded end are claimed; a file
    // whose objects all verify and whose index holds nothing past its
    // length is continued in place, any other is rebuilt from its intact
    // runs (salvage()).
    if (!padded && continues_in_place())
      return;
    index = Table();
    runs.reset();
    salvage();
  }

  //! True (with `runs`, `index` and done_runs set) if the file can be
  //! continued as it is.
  bool continues_in_place()
  {
    try {
      h5::extend_allocation_to_file_size(file);
      h5::verify_objects(file);
      runs = h5::open_group(file, "runs");
      index = Table::open(runs, "index");
      if (!index.nothing_past_end())
        return false;
      for (const std::uint64_t run : finished_runs(index.read()))
        done_runs.insert(run);
      found = done_runs.size();
      return true;
    } catch (const OutputError&) {
      return false;
    }
  }

  //! Runs with an index row for every variant.
  std::vector<std::uint64_t> finished_runs(const std::vector<std::vector<Table::Value>>& rows) const
  {
    std::map<std::int64_t, std::size_t> rows_per_run;
    for (const auto& row : rows)
      ++rows_per_run[std::get<std::int64_t>(row[0]) / static_cast<std::int64_t>(scenario->variants.size())];
    std::vector<std::uint64_t> finished;
    for (const auto& [run, count] : rows_per_run)
      if (count == scenario->variants.size())
        finished.push_back(static_cast<std::uint64_t>(run));
    return finished;
  }

  //! Rebuilds a torn sweep beside the target from what is intact: the
  //! scenario tables afresh, every finished run whose groups copy whole
  //! (copying reads every object and value) with its index rows. It then
  //! takes the target's name, and the sweep goes on in it; a run that does
  //! not copy is run again.
  void salvage()
  {
    h5::File old = std::move(file);
    const FileId torn = file_id(target);
    std::vector<std::vector<Table::Value>> rows;
    h5::Group old_runs;
    try {
      old_runs = h5::open_group(old, "runs");
      rows = Table::open(old_runs, "index").read();
    } catch (const OutputError& e) {
      throw InputError(quote(path) + " is damaged (" + e.what() + "); its runs cannot be trusted: use --force "
                       "to start the sweep again");
    }
    const std::string created =
      h5::attribute_exists(old, "created_utc") ? h5::read_attribute_string(old, "created_utc") : std::string();

    LiveLock fresh;
    path = create_partial(target, fresh);
    temporary = true; // removed if anything below fails
    write_new();
    if (!created.empty())
      h5::write_attribute(file, "created_utc", created); // the sweep's, not the resume's
    const std::size_t V = scenario->variants.size();
    for (const std::uint64_t run : finished_runs(rows)) {
      std::size_t copied = 0;
      try {
        for (; copied < V; ++copied)
          h5::copy_object(old_runs, runs, run_name(run, copied));
      } catch (const OutputError&) {
        for (std::size_t v = 0; v < copied; ++v)
          h5::unlink(runs, run_name(run, v));
        continue;
      }
      for (const auto& row : rows)
        if (static_cast<std::uint64_t>(std::get<std::int64_t>(row[0])) / V == run)
          index.append(row);
      done_runs.insert(run);
    }
    found = done_runs.size();
    h5::flush(file);
    old_runs.reset();
    old.reset();
    if (!publish(path, target, true, torn)) {
      committed = true; // kept, as the message says
      throw OutputError("lost the race for " + quote(target) + ": another process replaced it while this sweep "
                        "was resumed; the rebuilt sweep is " + quote(path));
    }
    lock = std::move(fresh); // the old file is gone; its lock with it
    path = target;
    temporary = false;
    rebuilt = true;
  }

  std::string run_name(std::size_t run, std::size_t variant) const
  {
    return std::to_string(run * scenario->variants.size() + variant);
  }

  //! The run's groups, fresh (a group left by an interrupted run is replaced).
  std::vector<h5::Group> run_groups(const SweepRun& run)
  {
    std::vector<h5::Group> groups;
    for (std::size_t v = 0; v < scenario->variants.size(); ++v) {
      const std::string name = run_name(run.index, v);
      if (h5::exists(runs, name))
        h5::unlink(runs, name);
      h5::Group g = h5::create_group(runs, name);
      h5::write_attribute(g, "variant", scenario->variants[v].name);
      h5::write_attribute(g, "point", static_cast<std::int64_t>(run.point));
      h5::write_attribute(g, "replication", std::int64_t{run.replication});
      h5::write_attribute(g, "seed", run.seed);
      for (std::size_t p = 0; p < sweep.parameters.size(); ++p)
        h5::write_attribute(g, sweep.parameters[p].path, run.values[p]);
      groups.push_back(std::move(g));
    }
    return groups;
  }

  void write_summary();

  //! Stops before a run that might not fit (docs/SAFETY.md): a write that
  //! fails half-way leaves HDF5's metadata inconsistent, a run not started
  //! leaves the file as its last flush did.
  void ensure_room(const SweepRun& run) const
  {
    if (options.room_per_run == 0)
      return;
    const std::uint64_t need = 2 * options.room_per_run + (1u << 20);
    std::uint64_t room = std::numeric_limits<std::uint64_t>::max();
    struct statvfs fs_info {};
    if (::statvfs(fs::path(fs::absolute(path)).parent_path().c_str(), &fs_info) == 0)
      room = static_cast<std::uint64_t>(fs_info.f_bavail) * fs_info.f_frsize;
    struct rlimit limit {};
    std::error_code ec;
    const std::uint64_t size = fs::file_size(path, ec);
    if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
      room = std::min<std::uint64_t>(room, limit.rlim_cur > size ? limit.rlim_cur - size : 0);
    if (room < need)
      throw OutputError("no room for run " + std::to_string(run.index + 1) + " of the sweep in " + quote(path) +
                        " (" + std::to_string(room / 1024) + " KiB left on the disk or under the file size limit): "
                        "stopped before it; the " + std::to_string(done_runs.size()) +
                        " finished runs are kept (complete = 0): make room and continue with --resume");
  }
};

SweepWriter::SweepWriter(const std::string& target, const Scenario& scenario, const SweepOptions& sweep,
                         SweepFileOptions options)
  : impl_(std::make_unique<Impl>())
{
  Impl& m = *impl_;
  m.target = target;
  m.path = target;
  m.scenario = &scenario;
  m.sweep = sweep;
  m.options = options;
  if (target.empty())
    throw InputError("--output: no file name given");
  std::error_code ec;
  const auto status = fs::status(target, ec);
  if (fs::is_directory(status))
    throw OutputError("cannot write the sweep to " + quote(target) + ": it is a directory");
  const bool exists = file_id(target).exists;
  if (options.resume && exists) {
    m.reopen();
    return;
  }
  if (options.resume)
    throw InputError("--resume: " + quote(target) + " does not exist; run the sweep without --resume");
  if (exists && !options.force)
    throw InputError(quote(target) + " exists; use --resume to continue an interrupted sweep or --force to replace it");
  check_no_live_writer(target);
  if (exists)
    m.replaced = check_replaceable(target, OutputKind::Sweep, {{scenario.path, "the scenario"}});
  // Written beside the target: a new sweep takes its name once its file is
  // whole, a replacing one (--force) once it is complete.
  m.path = create_partial(target, m.lock);
  m.temporary = true;
  m.create();
  if (!exists)
    m.publish_new();
}

SweepWriter::~SweepWriter()
{
  if (impl_ && impl_->file && !impl_->committed) {
    try {
      h5::flush(impl_->file);
    } catch (...) { // nothing more to do: the runs flushed before are safe
    }
  }
}

const std::string& SweepWriter::path() const { return impl_->path; }
std::size_t SweepWriter::runs_found() const { return impl_->found; }
bool SweepWriter::rebuilt() const { return impl_->rebuilt; }

bool SweepWriter::has(const SweepRun& run) const
{
  return impl_->done_runs.count(run.index) > 0;
}

ChunkSink* SweepWriter::chunks(const SweepRun& run, const Scenario& scenario, const RunOptions& options)
{
  impl_->ensure_room(run);
  impl_->agents = std::make_unique<RunAgentsWriter>(impl_->run_groups(run), scenario, options,
                                                    impl_->options.compress);
  impl_->groups_made_for = run.index;
  return impl_->agents.get();
}

void SweepWriter::store(const SweepRun& run, const Scenario& scenario, const RunResult& result)
{
  Impl& m = *impl_;
  if (m.groups_made_for != run.index)
    m.ensure_room(run);
  m.agents.reset(); // closes the run's per-agent columns
  {
    std::vector<h5::Group> groups; // closed before the file is
    if (m.groups_made_for == run.index)
      for (std::size_t v = 0; v < scenario.variants.size(); ++v)
        groups.push_back(h5::open_group(m.runs, m.run_name(run.index, v)));
    else
      groups = m.run_groups(run);
    for (std::size_t v = 0; v < result.totals.size(); ++v) {
      layout::write_totals(groups[v], result.totals[v], result.touchpoints.size());
      layout::write_spend_and_feedback(groups[v], result.totals[v],
                                       scenario.variants[static_cast<std::size_t>(result.variants[v])],
                                       result.touchpoints,
                                       v < result.feedback.size() ? result.feedback[v] : FeedbackReport{});
    }
  }
  // Index rows last, then flush: a run is in the index only once it is whole.
  for (std::size_t v = 0; v < result.totals.size(); ++v) {
    std::vector<Table::Value> row = {
      static_cast<std::int64_t>(run.index * scenario.variants.size() + v),
      static_cast<std::int64_t>(run.point), std::int64_t{run.replication},
      scenario.variants[static_cast<std::size_t>(result.variants[v])].name, run.seed};
    for (double x : run.values)
      row.emplace_back(x);
    for (double x : metric_values(result.totals[v].summary()))
      row.emplace_back(x);
    m.index.append(row);
  }
  h5::flush(m.file);
  m.done_runs.insert(run.index);
  // Close and reopen: the file on disk is then exactly this state (flag
  // cleared, readable by h5py), and the metadata cache, which evicts
  // nothing between flushes, holds one run's metadata, not the whole sweep's.
  m.close_file("after run " + std::to_string(run.index + 1));
  m.open_file();
}

void SweepWriter::Impl::write_summary()
{
  // Group the index rows by (point, variant) and summarise every metric
  // across replications: mean, sd, 95 % t interval of the mean.
  const auto rows = index.read();
  const std::size_t first_metric = 5 + sweep.parameters.size();
  std::map<std::pair<std::int64_t, std::string>, std::vector<const std::vector<Table::Value>*>> groups;
  for (const auto& row : rows)
    groups[{std::get<std::int64_t>(row[1]), std::get<std::string>(row[3])}].push_back(&row);

  std::vector<Table::Field> fields = {{"point", Table::Column::Int64},
                                      {"variant", Table::Column::String},
                                      {"replications", Table::Column::Int64}};
  for (const auto& p : sweep.parameters)
    fields.push_back({p.path, Table::Column::Float64});
  for (std::size_t i = 1; i < METRICS.size(); ++i)
    for (const char* stat : {"_mean", "_sd", "_ci_low", "_ci_high"})
      fields.push_back({METRICS[i] + stat, Table::Column::Float64});
  Table summary = Table::create(runs, "summary", fields);
  for (const auto& [key, members] : groups) {
    std::vector<Table::Value> out = {key.first, key.second, static_cast<std::int64_t>(members.size())};
    for (std::size_t p = 0; p < sweep.parameters.size(); ++p)
      out.emplace_back(std::get<double>((*members.front())[5 + p]));
    for (std::size_t i = 1; i < METRICS.size(); ++i) {
      double sum = 0, sum2 = 0;
      const double n = static_cast<double>(members.size());
      for (const auto* row : members) {
        const double x = std::get<double>((*row)[first_metric + i]);
        sum += x;
        sum2 += x * x;
      }
      const double mean = sum / n;
      const double sd = n > 1 ? std::sqrt(std::max(0.0, (sum2 - n * mean * mean) / (n - 1))) : std::nan("");
      const double half = n > 1 ? t_quantile_975(static_cast<int>(n) - 1) * sd / std::sqrt(n) : std::nan("");
      out.emplace_back(mean);
      out.emplace_back(sd);
      out.emplace_back(mean - half);
      out.emplace_back(mean + half);
    }
    summary.append(out);
  }
}

void SweepWriter::commit()
{
  Impl& m = *impl_;
  m.agents.reset();
  if (h5::exists(m.runs, "summary"))
    h5::unlink(m.runs, "summary");
  m.write_summary();
  h5::write_attribute(m.file, "complete", std::int64_t{1});
  m.index = Table();
  m.runs.reset();
  h5::flush(m.file);
  h5::close(m.file);
  if (m.temporary) {
    m.committed = true; // complete: never removed from here on
    if (!publish(m.path, m.target, true, m.replaced))
      throw OutputError("lost the race for " + quote(m.target) + ": another process replaced it while this sweep "
                        "ran, and it was not replaced again; this sweep's complete file is " + quote(m.path));
  }
  m.committed = true;
}

} // namespace journeysim
