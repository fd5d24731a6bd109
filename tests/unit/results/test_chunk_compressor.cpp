// --compress through the parallel stage (chunk_compressor.h): chunks
// compressed off the writer's thread (libdeflate) and stored with direct
// chunk writes must decode with plain zlib, as any HDF5 reader's deflate
// filter does, to exactly the shuffled values; the files must not depend on
// the thread count, and must be no larger than HDF5's own filters (zlib)
// make them.

#include "results/chunk_compressor.h"
#include "results/huffman_deflate.h"

#include "journeysim/engine/runner.h"
#include "journeysim/experiment/grid.h"
#include "journeysim/experiment/sweep.h"
#include "journeysim/results/h5.h"
#include "journeysim/results/results_writer.h"
#include "journeysim/results/sweep_writer.h"
#include "journeysim/scenario/loader.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>
#include <hdf5.h>
#include <zlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;
namespace h5 = journeysim::h5;
using namespace journeysim;
using journeysim::testing::TempDir;

namespace {

//! One stored chunk: where it starts, its filter mask, its bytes.
using StoredChunk = std::tuple<std::vector<hsize_t>, unsigned, std::vector<unsigned char>>;
//! Per chunked dataset: its filters (id, flags, parameters) and stored chunks.
struct Stored {
  std::vector<std::tuple<int, unsigned, std::vector<unsigned>>> filters;
  std::vector<hsize_t> chunk_dims;
  std::size_t element_size = 0;
  std::vector<StoredChunk> chunks;
  bool operator==(const Stored&) const = default;
};

herr_t collect(hid_t root, const char* name, const H5O_info_t* info, void* out)
{
  if (info->type != H5O_TYPE_DATASET)
    return 0;
  const hid_t ds = H5Dopen2(root, name, H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(ds);
  Stored s;
  if (H5Pget_layout(dcpl) == H5D_CHUNKED) {
    for (int f = 0; f < H5Pget_nfilters(dcpl); ++f) {
      unsigned flags = 0;
      std::size_t n = 8;
      std::vector<unsigned> values(n);
      const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(f), &flags, &n, values.data(), 0, nullptr,
                                             nullptr);
      values.resize(n);
      s.filters.emplace_back(id, flags, values);
    }
    const hid_t space = H5Dget_space(ds);
    const int rank = H5Sget_simple_extent_ndims(space);
    s.chunk_dims.resize(static_cast<std::size_t>(rank));
    H5Pget_chunk(dcpl, rank, s.chunk_dims.data());
    const hid_t type = H5Dget_type(ds);
    s.element_size = H5Tget_size(type);
    H5Tclose(type);
    hsize_t count = 0;
    H5Dget_num_chunks(ds, space, &count);
    for (hsize_t i = 0; i < count; ++i) {
      std::vector<hsize_t> offset(static_cast<std::size_t>(rank));
      unsigned mask = 0;
      haddr_t address = 0;
      hsize_t size = 0;
      H5Dget_chunk_info(ds, space, i, offset.data(), &mask, &address, &size);
      std::vector<unsigned char> bytes(size);
      std::uint32_t read_mask = 0;
      H5Dread_chunk(ds, H5P_DEFAULT, offset.data(), &read_mask, bytes.data());
      s.chunks.emplace_back(offset, read_mask, std::move(bytes));
    }
    H5Sclose(space);
  }
  H5Pclose(dcpl);
  H5Dclose(ds);
  static_cast<std::map<std::string, Stored>*>(out)->emplace(name, std::move(s));
  return 0;
}

//! Every dataset of a file with its filters and stored (compressed) chunks.
std::map<std::string, Stored> stored_chunks(const std::string& path)
{
  std::map<std::string, Stored> out;
  const h5::File f = h5::open_file(path);
  REQUIRE(H5Ovisit2(f.id(), H5_INDEX_NAME, H5_ITER_NATIVE, collect, &out, H5O_INFO_BASIC) >= 0);
  return out;
}

//! Where collect_values() puts the values of datasets whose name has `part`.
struct Values {
  std::string part;
  std::map<std::string, std::vector<unsigned char>> values;
};

herr_t collect_values(hid_t root, const char* name, const H5O_info_t* info, void* out)
{
  auto* v = static_cast<Values*>(out);
  if (info->type != H5O_TYPE_DATASET || std::string(name).find(v->part) == std::string::npos)
    return 0;
  const hid_t ds = H5Dopen2(root, name, H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  const hid_t space = H5Dget_space(ds);
  std::vector<unsigned char> bytes(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)) * H5Tget_size(type));
  if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) >= 0)
    v->values.emplace(name, std::move(bytes));
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(ds);
  return 0;
}

//! The values of every per-agent column (datasets under an agents/ group,
//! or those whose name has `part`), as the bytes of their file types.
std::map<std::string, std::vector<unsigned char>> agent_values(const std::string& path,
                                                              const std::string& part = "/agents/")
{
  Values out{part, {}};
  const h5::File f = h5::open_file(path);
  REQUIRE(H5Ovisit2(f.id(), H5_INDEX_NAME, H5_ITER_NATIVE, collect_values, &out, H5O_INFO_BASIC) >= 0);
  return out.values;
}

std::size_t count_chunks(const std::map<std::string, Stored>& m)
{
  std::size_t n = 0;
  for (const auto& [name, s] : m)
    n += s.chunks.size();
  return n;
}

//! The per-agent columns (datasets under an agents/ group) of `m`.
std::map<std::string, Stored> per_agent(std::map<std::string, Stored> m)
{
  std::erase_if(m, [](const auto& e) { return e.first.find("/agents/") == std::string::npos; });
  return m;
}

//! Bytes of all stored chunks.
std::size_t stored_bytes(const std::map<std::string, Stored>& m)
{
  std::size_t n = 0;
  for (const auto& [name, s] : m)
    for (const auto& c : s.chunks)
      n += std::get<2>(c).size();
  return n;
}

//! Checks that each stored chunk of the datasets in `values` (each
//! dataset's bytes) is shuffle + deflate, with every filter applied, and
//! decodes with zlib's uncompress() and HDF5's unshuffle to exactly those
//! bytes (a partial last chunk: its rows inside the dataset). Returns the
//! chunks checked.
std::size_t check_decodes(const std::map<std::string, Stored>& stored,
                          const std::map<std::string, std::vector<unsigned char>>& values)
{
  std::size_t checked = 0;
  for (const auto& [name, bytes] : values) {
    INFO(name);
    const Stored& s = stored.at(name);
    REQUIRE(s.filters.size() == 2);
    CHECK(std::get<0>(s.filters[0]) == H5Z_FILTER_SHUFFLE);
    CHECK(std::get<0>(s.filters[1]) == H5Z_FILTER_DEFLATE);
    CHECK(std::get<2>(s.filters[1]) == std::vector<unsigned>{1}); // DEFLATE_LEVEL
    const std::size_t e = s.element_size;
    const std::size_t n = std::accumulate(s.chunk_dims.begin(), s.chunk_dims.end(), std::size_t{1},
                                          std::multiplies<>());
    const std::size_t row_bytes = n / s.chunk_dims[0] * e;
    std::vector<unsigned char> shuffled(n * e), plain(n * e);
    for (const auto& [offset, mask, z] : s.chunks) {
      INFO("chunk at row " << offset[0]);
      CHECK(mask == 0); // every filter applied
      uLongf size = static_cast<uLongf>(shuffled.size());
      REQUIRE(uncompress(shuffled.data(), &size, z.data(), static_cast<uLong>(z.size())) == Z_OK);
      REQUIRE(size == shuffled.size());
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t b = 0; b < e; ++b)
          plain[i * e + b] = shuffled[b * n + i];
      const std::size_t at = offset[0] * row_bytes;
      REQUIRE(at < bytes.size());
      const std::size_t valid = std::min(plain.size(), bytes.size() - at);
      CHECK(std::equal(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(valid),
                       bytes.begin() + static_cast<std::ptrdiff_t>(at)));
      ++checked;
    }
  }
  return checked;
}

//! Values whose shuffled bytes compress: small integers and smooth floats.
template <class T> std::vector<T> sample_values(std::size_t n)
{
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = static_cast<T>((i * 7919) % 97) / static_cast<T>(i % 3 == 0 ? 1 : 2);
  return v;
}

//! Writes `values` ([rows, width]) in pieces of `piece` rows into two
//! files: through HDF5's filters, and through CompressedRows; returns the
//! values' bytes.
template <class T>
std::vector<unsigned char> write_both(const TempDir& dir, std::uint64_t rows, std::uint64_t width,
                                      std::uint64_t chunk_rows, std::uint64_t piece, std::size_t& direct_chunks)
{
  const std::vector<T> values = sample_values<T>(rows * (width ? width : 1));
  h5::RowOptions ro;
  ro.chunk_rows = chunk_rows;
  ro.compress = true;
  Deflater deflater;
  for (const bool direct : {false, true}) {
    h5::File f = h5::create_file(dir.file(direct ? "direct.h5" : "filters.h5"), false);
    h5::RowDataset d = h5::RowDataset::create<T>(f, "column", rows, width, ro);
    const std::uint64_t w = d.width();
    for (std::uint64_t at = 0; at < rows; at += piece) {
      const std::uint64_t n = std::min(piece, rows - at);
      const T* data = values.data() + at * w;
      if (direct) {
        CompressedRows c;
        c.compress(d, at, data, n * w, deflater);
        direct_chunks += c.chunks();
        c.write(d, at, data, n * w);
      } else {
        d.write_rows(at, std::span<const T>(data, n * w));
      }
    }
    h5::close(f);
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
  return {bytes, bytes + values.size() * sizeof(T)};
}

} // namespace

TEST_CASE("CompressedRows stores chunks that zlib decodes to the values", "[results][compress]")
{
  const TempDir dir;
  struct Case {
    std::uint64_t rows, width, chunk_rows, piece;
  };
  // Exact multiples, a partial last chunk, pieces off the chunk grid (head
  // and tail rows through the filters), several chunks per piece, 2-D rows.
  const auto [rows, width, chunk_rows, piece] = GENERATE(values<Case>({{4000, 0, 1000, 1000},
                                                                      {3500, 0, 1000, 1000},
                                                                      {3500, 0, 1000, 2500},
                                                                      {3500, 0, 1000, 1500},
                                                                      {3500, 0, 1000, 700},
                                                                      {2900, 7, 1000, 2048},
                                                                      {1000, 3, 1000, 1000}}));
  std::size_t direct_chunks = 0;
  const int type = GENERATE(0, 1, 2, 3, 4);
  std::vector<unsigned char> values;
  switch (type) {
  case 0: values = write_both<std::uint8_t>(dir, rows, width, chunk_rows, piece, direct_chunks); break;
  case 1: values = write_both<std::int16_t>(dir, rows, width, chunk_rows, piece, direct_chunks); break;
  case 2: values = write_both<float>(dir, rows, width, chunk_rows, piece, direct_chunks); break;
  case 3: values = write_both<double>(dir, rows, width, chunk_rows, piece, direct_chunks); break;
  default: values = write_both<std::uint64_t>(dir, rows, width, chunk_rows, piece, direct_chunks); break;
  }
  INFO("rows " << rows << " width " << width << " piece " << piece << " type " << type);
  const auto filters = stored_chunks(dir.file("filters.h5"));
  const auto direct = stored_chunks(dir.file("direct.h5"));
  REQUIRE(filters.size() == 1);
  REQUIRE(direct.size() == 1);
  const std::size_t chunks = (rows + chunk_rows - 1) / chunk_rows;
  CHECK(filters.at("column").chunks.size() == chunks);
  CHECK(direct.at("column").filters == filters.at("column").filters);
  CHECK(check_decodes(filters, {{"column", values}}) == chunks);
  CHECK(check_decodes(direct, {{"column", values}}) == chunks);
  CHECK(agent_values(dir.file("direct.h5"), "column") == std::map<std::string, std::vector<unsigned char>>{{"column", values}});
  // Whole chunks inside a piece went the direct way.
  std::size_t expected = 0;
  for (std::uint64_t at = 0; at < rows; at += piece) {
    const std::uint64_t end = std::min({at + piece, rows, rows / chunk_rows * chunk_rows});
    const std::uint64_t k0 = (at + chunk_rows - 1) / chunk_rows, k1 = end / chunk_rows;
    expected += k1 > k0 ? k1 - k0 : 0;
  }
  CHECK(direct_chunks == expected);
  if (piece % chunk_rows == 0 && rows >= chunk_rows)
    CHECK(direct_chunks > 0);
}

TEST_CASE("shuffle_deflate: 1-byte elements are not shuffled, wider ones are", "[results][compress]")
{
  Deflater deflater;
  std::vector<unsigned char> scratch, plain, shuffled;
  const std::vector<std::uint16_t> v = {1, 2, 3, 4};
  plain.resize(shuffle_deflate(v.data(), 8, 1, deflater, scratch, plain));
  CHECK(scratch.empty());
  shuffled.resize(shuffle_deflate(v.data(), 8, 2, deflater, scratch, shuffled));
  CHECK(scratch == std::vector<unsigned char>{1, 2, 3, 4, 0, 0, 0, 0});
  const auto decoded = [](const std::vector<unsigned char>& z) {
    std::vector<unsigned char> out(16);
    uLongf size = out.size();
    REQUIRE(uncompress(out.data(), &size, z.data(), static_cast<uLong>(z.size())) == Z_OK);
    out.resize(size);
    return out;
  };
  CHECK(decoded(plain) == std::vector<unsigned char>{1, 0, 2, 0, 3, 0, 4, 0});
  CHECK(decoded(shuffled) == std::vector<unsigned char>{1, 2, 3, 4, 0, 0, 0, 0});
  // Appended after a first chunk, the bytes are the same.
  std::vector<unsigned char> two = plain;
  const std::size_t end = shuffle_deflate(v.data(), 8, 2, deflater, scratch, two, plain.size());
  CHECK(std::vector<unsigned char>(two.begin() + static_cast<std::ptrdiff_t>(plain.size()),
                                   two.begin() + static_cast<std::ptrdiff_t>(end)) == shuffled);
  CHECK(std::vector<unsigned char>(two.begin(), two.begin() + static_cast<std::ptrdiff_t>(plain.size())) == plain);
}

TEST_CASE("shuffle_deflate codes literals alone where bytes rarely repeat, else matches strings", "[results][compress]")
{
  Deflater deflater;
  std::vector<unsigned char> scratch, out, expected;
  const auto inflated = [&](std::size_t size, std::size_t raw) {
    std::vector<unsigned char> d(raw + 16);
    uLongf n = d.size();
    REQUIRE(uncompress(d.data(), &n, out.data(), static_cast<uLong>(size)) == Z_OK);
    d.resize(n);
    return d;
  };
  const std::size_t N = 32768;
  std::mt19937_64 rng(11);
  // Sampled-attribute-like floats: few repeats — literals, one code per plane.
  std::vector<float> floats(N);
  std::normal_distribution<float> normal(40.0f, 8.0f);
  for (auto& x : floats)
    x = normal(rng);
  std::size_t size = shuffle_deflate(floats.data(), N * 4, 4, deflater, scratch, out);
  CHECK(inflated(size, N * 4) == scratch);
  CHECK(size == huffman_zlib(scratch.data(), N * 4, N, expected));
  // Mostly-zero counts and consecutive ids: libdeflate's string matching
  // (only it finds the ids' low-byte ramp).
  std::vector<std::uint16_t> counts(N, 0);
  for (auto& x : counts)
    if (rng() % 20 == 0)
      x = static_cast<std::uint16_t>(1 + rng() % 3);
  size = shuffle_deflate(counts.data(), N * 2, 2, deflater, scratch, out);
  CHECK(inflated(size, N * 2) == scratch);
  CHECK(size == deflater.zlib(scratch.data(), N * 2, expected));
  std::vector<std::uint64_t> ids(N);
  std::iota(ids.begin(), ids.end(), std::uint64_t{1} << 20);
  size = shuffle_deflate(ids.data(), N * 8, 8, deflater, scratch, out);
  CHECK(inflated(size, N * 8) == scratch);
  CHECK(size * 100 < N * 8);
}

TEST_CASE("Deflater: a level libdeflate has not is an OutputError", "[results][compress]")
{
  CHECK_THROWS_AS(Deflater(13), OutputError);
  CHECK_NOTHROW(Deflater(12));
}

TEST_CASE("compressed files written through the parallel stage decode to the values, for any thread count",
          "[results][compress]")
{
  // 70 000 agents: two whole HDF5 chunks of 32 768 rows and a partial one.
  // Chunks of the run: on the grid, two grid chunks and a tail, off the grid
  // (every row through HDF5's filters).
  const std::size_t chunk_agents = GENERATE(32768, 69632, 5120);
  const Scenario sc = load_scenario(std::string(JOURNEYSIM_TEST_DATA) + "/good/small_with_variants.yaml");
  RunOptions o;
  o.agents = 70000;
  o.chunk_agents = chunk_agents;
  o.variants = {0, 1, 2}; // sharing one population: variants 1 and 2 link its columns
  const TempDir dir;

  //! Hands chunks to the writer without prepare(): HDF5's filters compress.
  struct FiltersOnly : ChunkSink {
    ResultsWriter* writer;
    explicit FiltersOnly(ResultsWriter& w) : writer(&w) {}
    void write(const Chunk& c) override { writer->write(c); }
  };
  //! Forwards both calls, counting the chunks prepare() compressed.
  struct Counting : ChunkSink {
    ResultsWriter* writer;
    std::atomic<int> prepared{0};
    explicit Counting(ResultsWriter& w) : writer(&w) {}
    void prepare(Chunk& c) override
    {
      writer->prepare(c);
      prepared += c.prepared != nullptr;
    }
    void write(const Chunk& c) override { writer->write(c); }
  };
  const auto write = [&](const std::string& name, int threads, bool compress, bool filters_only) {
    RunOptions ro = o;
    ro.threads = threads;
    ro = resolve_options(sc, ro);
    WriterOptions wo;
    wo.compress = compress;
    ResultsWriter writer(dir.file(name), sc, ro, wo);
    if (filters_only) {
      FiltersOnly sink(writer);
      writer.commit(run(sc, ro, &sink));
      return 0;
    }
    Counting counting(writer);
    writer.commit(run(sc, ro, &counting));
    return counting.prepared.load();
  };
  const int chunks = static_cast<int>((o.agents + chunk_agents - 1) / chunk_agents);
  CHECK(write("direct1.h5", 1, true, false) == chunks);
  CHECK(write("direct2.h5", 2, true, false) == chunks);
  CHECK(write("filters.h5", 1, true, true) == 0);
  CHECK(write("plain.h5", 1, false, false) == 0);

  const auto a = stored_chunks(dir.file("filters.h5"));
  const auto b = stored_chunks(dir.file("direct1.h5"));
  REQUIRE(a.size() > 40);
  CHECK(count_chunks(a) >= 3 * 17);
  CHECK(a.at("variants/baseline/agents/agent_id").chunks.size() == 3);
  // Same seed, any thread count: the same stored bytes.
  CHECK(stored_chunks(dir.file("direct2.h5")) == b);
  // Every chunk of the per-agent columns decodes to the values of an
  // uncompressed run; HDF5 reads the same values back.
  const auto plain = agent_values(dir.file("plain.h5"));
  REQUIRE(plain.size() == per_agent(a).size());
  REQUIRE(plain.size() > 30);
  CHECK(check_decodes(a, plain) == count_chunks(per_agent(a)));
  CHECK(check_decodes(b, plain) == count_chunks(per_agent(a)));
  CHECK(agent_values(dir.file("direct1.h5")) == plain);
  CHECK(agent_values(dir.file("filters.h5")) == plain);
  // Smaller than zlib's (HDF5's filters): ≈ 8 % here, ≈ 3 % on bench_large.
  // Off the grid every chunk went through the filters.
  INFO("stored bytes: libdeflate " << stored_bytes(b) << ", zlib " << stored_bytes(a));
  if (chunk_agents == 5120)
    CHECK(b == a);
  else
    CHECK(stored_bytes(b) < stored_bytes(a));
}

TEST_CASE("compressed sweep files written through the parallel stage decode to the values, for any thread count",
          "[results][compress]")
{
  // `sweep --per-agent --compress`: two grid points of 70 000 agents (two
  // whole HDF5 chunks and a partial one per column), every variant per run.
  const std::string path = std::string(JOURNEYSIM_TEST_DATA) + "/good/small_with_variants.yaml";
  const Scenario sc = load_scenario(path);
  SweepOptions o;
  o.parameters = {parse_parameter("stages.intent.dropout=0.05,0.1")};
  o.agents = 70000;
  o.per_agent = true;
  const TempDir dir;

  //! Forwards the sweep to `writer`; its runs' chunks too, counting those
  //! prepare() compressed, or (filters_only) never calling prepare(), so
  //! that HDF5's filters compress.
  struct Forward : SweepSink, ChunkSink {
    SweepWriter* writer;
    bool filters_only;
    ChunkSink* run = nullptr;
    std::atomic<int> prepared{0};
    Forward(SweepWriter& w, bool f) : writer(&w), filters_only(f) {}
    bool has(const SweepRun& r) const override { return writer->has(r); }
    ChunkSink* chunks(const SweepRun& r, const Scenario& s, const RunOptions& ro) override
    {
      run = writer->chunks(r, s, ro);
      return this;
    }
    void store(const SweepRun& r, const Scenario& s, const RunResult& result) override { writer->store(r, s, result); }
    void prepare(Chunk& c) override
    {
      if (filters_only)
        return;
      run->prepare(c);
      prepared += c.prepared != nullptr;
    }
    void write(const Chunk& c) override { run->write(c); }
  };
  const auto sweep = [&](const std::string& name, bool compress, bool filters_only, int sweep_threads) {
    SweepFileOptions fo;
    fo.compress = compress;
    SweepWriter writer(dir.file(name), sc, o, fo);
    Forward sink(writer, filters_only);
    SweepOptions so = o;
    so.threads = sweep_threads;
    run_sweep(path, so, sink);
    writer.commit();
    return sink.prepared.load();
  };
  CHECK(sweep("direct1.h5", true, false, 1) == 2 * 3); // runs × chunks of 32 768 agents
  CHECK(sweep("direct2.h5", true, false, 2) == 2 * 3);
  CHECK(sweep("filters.h5", true, true, 1) == 0);
  CHECK(sweep("plain.h5", false, false, 1) == 0);

  const auto a = per_agent(stored_chunks(dir.file("filters.h5")));
  const auto b = per_agent(stored_chunks(dir.file("direct1.h5")));
  // runs × variants × 15 columns (agent_id, persona, 3 attributes, 10 outcomes)
  REQUIRE(a.size() == 2 * 3 * 15);
  CHECK(count_chunks(a) == 2 * 3 * 15 * 3);
  CHECK(a.at("runs/0/agents/agent_id").chunks.size() == 3);
  // Same seed, any thread count: the same stored bytes.
  CHECK(per_agent(stored_chunks(dir.file("direct2.h5"))) == b);
  // Every chunk decodes to the values of an uncompressed sweep; HDF5 reads
  // the same values back.
  const auto plain = agent_values(dir.file("plain.h5"));
  REQUIRE(plain.size() == a.size());
  CHECK(check_decodes(a, plain) == count_chunks(a));
  CHECK(check_decodes(b, plain) == count_chunks(a));
  CHECK(agent_values(dir.file("direct1.h5")) == plain);
  CHECK(agent_values(dir.file("filters.h5")) == plain);
  INFO("stored bytes: libdeflate " << stored_bytes(b) << ", zlib " << stored_bytes(a));
  CHECK(stored_bytes(b) < stored_bytes(a)); // ≈ 7 % smaller
}
