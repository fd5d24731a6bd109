// libFuzzer target: the results reader on altered results files (scripts/fuzz,
// scripts/check). Each input is a list of edits — set an attribute to a
// chosen value or type, remove a dataset, replace it by one of another
// length, shape, type or content, change one element — applied to a small
// complete file written by the real writer; then everything `compare` and
// `report` read is read. Any refusal must be an InputError: another
// exception, a crash, a leak, undefined behaviour, a hang or too much memory
// is a finding.
//
// It edits the file through HDF5, not its raw bytes: HDF5 1.10's own parser
// is not hardened against malformed bytes (byte-level fuzzing finds crashes
// inside libhdf5 itself, which journeysim cannot fix). What a user with
// h5py, a buggy tool or an attacker can write with HDF5 is what it covers.

#include "../unit/results/results_tamper.h"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>

namespace fs = std::filesystem;
using namespace journeysim;
using namespace journeysim::testing;

namespace {

std::string g_base, g_work;

const char* const ATTRIBUTES[][2] = {
  {"/", "horizon_days"}, {"/", "population"}, {"/", "per_agent"}, {"/", "format_version"},
  {"/", "complete"},     {"/", "variants"},   {"/", "seed"},      {"/", "format"},
  {"/", "kind"},         {"variants/short/summary", "conversion_rate"},
};

const char* const DATASETS[] = {
  "stages/name", "stages/phase", "stages/purchase", "personas/name", "personas/share", "touchpoints/name",
  "variants/baseline/funnel/reached", "variants/short/funnel/by_persona", "variants/loud/touchpoints/exposures",
  "variants/short/touchpoints/cost", "variants/baseline/journey_map/mood_in",
  "variants/short/journey_map/touches_by_kind", "variants/baseline/agents/persona",
  "variants/short/agents/final_stage", "variants/short/agents/lost", "variants/loud/agents/stage_day",
  "variants/baseline/agents/stage_day", "variants/short/agents/revenue", "variants/loud/agents/mood",
  "variants/loud/agents/purchases", "comparison/short/metric", "comparison/short/baseline",
  "comparison/loud/by_persona/group", "comparison/loud/by_stage/p_value",
};

const std::int64_t INTERESTING[] = {0, 1, -1, -5, 2, 30, 31, 254, 255, 256, 2047, 2048, 2049, 3000, 32767, 32768,
                                    65535, 65536, (std::int64_t{1} << 32) + 5, std::numeric_limits<std::int64_t>::max(),
                                    std::numeric_limits<std::int64_t>::min(), 1'000'000'000'000};

//! Reads the input a few bytes at a time; zeros once it is used up.
struct Bytes {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t u8()
  {
    if (!n)
      return 0;
    --n;
    return *p++;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  std::int64_t i64()
  {
    const std::uint8_t k = u8();
    if (k < 200)
      return INTERESTING[k % std::size(INTERESTING)];
    std::uint64_t x = 0;
    for (int i = 0; i < 8; ++i)
      x = x << 8 | u8();
    return static_cast<std::int64_t>(x);
  }
  double f64()
  {
    const std::uint8_t k = u8();
    const double special[] = {0.0, -1.0, 1e308, -1e308, std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::quiet_NaN(), 0.5, 1e-300};
    if (k < 128)
      return special[k % std::size(special)];
    return static_cast<double>(i64());
  }
  std::string text()
  {
    std::string s(u8() % 24, ' ');
    for (auto& c : s)
      c = static_cast<char>(u8());
    return s;
  }
};

void apply_one(Bytes& in)
{
  const std::uint8_t op = in.u8() % 8;
  if (op < 2) {
    const auto& a = ATTRIBUTES[in.u8() % std::size(ATTRIBUTES)];
    if (op == 0)
      set_attribute(g_work, a[0], a[1], in.i64());
    else
      set_attribute(g_work, a[0], a[1], in.text());
    return;
  }
  const std::string ds = DATASETS[in.u8() % std::size(DATASETS)];
  const std::size_t length = in.u16() % 8192;
  switch (op) {
  case 2: remove_object(g_work, ds); break;
  case 3: replace_dataset<std::int64_t>(g_work, ds, std::vector<std::int64_t>(length, in.i64())); break;
  case 4: replace_dataset<double>(g_work, ds, std::vector<double>(length, in.f64())); break;
  case 5: {
    std::vector<std::string> names(length % 64);
    for (auto& s : names)
      s = in.text();
    replace_strings(g_work, ds, names);
    break;
  }
  case 6: {
    const std::uint64_t rows = in.u16() % 4096, cols = in.u8() % 9;
    replace_dataset<std::int64_t>(g_work, ds, std::vector<std::int64_t>(rows * cols, in.i64()), {rows, cols});
    break;
  }
  default: { // one element of a numeric dataset, shape kept
    edit(g_work, [&](h5::File& f) {
      if (!h5::exists(f, ds))
        return;
      const h5::Dataset d = h5::open_dataset(f, ds);
      const auto dims = h5::dims(d);
      std::uint64_t n = 1;
      for (auto x : dims)
        n *= x;
      if (n == 0 || n > (1u << 20))
        return;
      std::vector<std::int64_t> values(n);
      h5::read_dataset(d, h5::Type::Int64, values.data());
      values[(static_cast<std::uint64_t>(in.u16()) << 8 | in.u8()) % n] = in.i64();
      h5::unlink(f, ds);
      h5::write_dataset(f, ds, values, dims);
    });
  }
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
  const fs::path dir = fs::temp_directory_path() / ("journeysim-fuzz-results-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  g_base = (dir / "base.h5").string();
  g_work = (dir / "work.h5").string();
  write_small_results(g_base, 2048);
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(fs::path(g_base).parent_path(), ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  fs::copy_file(g_base, g_work, fs::copy_options::overwrite_existing);
  Bytes in{data, size};
  for (int edits = 0; edits < 8 && !in.empty(); ++edits) {
    try {
      apply_one(in);
    } catch (const std::exception&) {
      // an edit HDF5 refuses (e.g. on an object already removed): skip it
    }
  }
  try {
    read_everything(g_work);
  } catch (const InputError&) {
    // the expected way to refuse a file
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the results reader threw something other than InputError: %s\n", e.what());
    std::abort();
  }
  return 0;
}
