#include "journeysim/results/h5.h"

#include "journeysim/error.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
namespace h5 = journeysim::h5;
using journeysim::OutputError;
using journeysim::testing::TempDir;

namespace {

//! A fresh directory, removed with everything in it.
//! Runs f with file descriptor 2 redirected; returns what was written to it.
template <class F>
std::string captured_stderr(F&& f)
{
  std::fflush(stderr);
  std::FILE* tmp = std::tmpfile();
  const int saved = ::dup(2);
  ::dup2(::fileno(tmp), 2);
  try {
    f();
  } catch (...) {
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    std::fclose(tmp);
    throw;
  }
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::rewind(tmp);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, tmp)) > 0)
    out.append(buf, n);
  std::fclose(tmp);
  return out;
}

//! The message of the OutputError f throws ("" if it throws none).
template <class F>
std::string output_error(F&& f)
{
  try {
    f();
  } catch (const OutputError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("h5 handles are move-only and close themselves", "[results][h5]")
{
  static_assert(!std::is_copy_constructible_v<h5::File>);
  static_assert(!std::is_copy_assignable_v<h5::Dataset>);
  static_assert(std::is_nothrow_move_constructible_v<h5::Group>);

  TempDir dir;
  const std::string path = dir.file("handles.h5");
  h5::File f = h5::create_file(path);
  REQUIRE(f.valid());
  h5::Group g = h5::create_group(f, "g");
  const h5::Id id = g.id();
  h5::Group moved = std::move(g);
  CHECK_FALSE(g.valid());
  CHECK(moved.id() == id);
  CHECK(H5Iis_valid(id) > 0);
  CHECK(h5::open_objects(f) == 1);
  moved.reset();
  CHECK(H5Iis_valid(id) <= 0);
  CHECK(h5::open_objects(f) == 0);
  {
    const h5::Group inner = h5::open_group(f, "g");
    CHECK(h5::object_path(inner) == "/g");
    CHECK(h5::file_name(inner) == path);
  }
  CHECK(h5::open_objects(f) == 0);
  h5::close(f);
  CHECK_FALSE(f.valid());
}

TEST_CASE("h5 attributes round-trip", "[results][h5]")
{
  TempDir dir;
  const std::string path = dir.file("attrs.h5");
  {
    h5::File f = h5::create_file(path);
    h5::write_attribute(f, "i64", std::int64_t{-5});
    h5::write_attribute(f, "u64", std::uint64_t{18'000'000'000'000'000'000ull});
    h5::write_attribute(f, "int", 7);
    h5::write_attribute(f, "dbl", 0.25);
    h5::write_attribute(f, "nan", std::nan(""));
    h5::write_attribute(f, "str", "journeysim-results");
    h5::write_attribute(f, "utf8", std::string("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"));
    h5::write_attribute(f, "empty", std::string());
    h5::write_attribute(f, "list", std::vector<std::string>{"a", "", "b,c"});
    h5::write_attribute(f, "no_list", std::vector<std::string>{}); // e.g. an optimisation without constraints
    h5::write_attribute(f, "complete", std::int64_t{0});
    h5::write_attribute(f, "complete", std::int64_t{1}); // replaces
    h5::close(f);
  }
  const h5::File f = h5::open_file(path);
  CHECK(h5::read_attribute_int(f, "i64") == -5);
  CHECK(h5::read_attribute_uint(f, "u64") == 18'000'000'000'000'000'000ull);
  CHECK(h5::read_attribute_int(f, "int") == 7);
  CHECK(h5::read_attribute_double(f, "dbl") == 0.25);
  CHECK(std::isnan(h5::read_attribute_double(f, "nan")));
  CHECK(h5::read_attribute_string(f, "str") == "journeysim-results");
  CHECK(h5::read_attribute_string(f, "utf8") == "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
  CHECK(h5::read_attribute_string(f, "empty").empty());
  CHECK(h5::read_attribute_strings(f, "list") == std::vector<std::string>{"a", "", "b,c"});
  CHECK(h5::read_attribute_strings(f, "no_list").empty());
  CHECK(h5::read_attribute_int(f, "complete") == 1);
  CHECK(h5::attribute_exists(f, "str"));
  CHECK_FALSE(h5::attribute_exists(f, "nope"));

  // Stored types: fixed-width little-endian; strings variable-length UTF-8.
  const hid_t a = H5Aopen(f.id(), "i64", H5P_DEFAULT);
  const hid_t t = H5Aget_type(a);
  CHECK(H5Tequal(t, H5T_STD_I64LE) > 0);
  H5Tclose(t);
  H5Aclose(a);
  const hid_t s = H5Aopen(f.id(), "str", H5P_DEFAULT);
  const hid_t st = H5Aget_type(s);
  CHECK(H5Tis_variable_str(st) > 0);
  CHECK(H5Tget_cset(st) == H5T_CSET_UTF8);
  H5Tclose(st);
  H5Aclose(s);
}

TEMPLATE_TEST_CASE("h5 datasets round-trip every element type", "[results][h5]", std::int8_t,
                   std::uint8_t, std::int16_t, std::uint16_t, std::int32_t, std::uint32_t,
                   std::int64_t, std::uint64_t, float, double)
{
  TempDir dir;
  const std::string path = dir.file("types.h5");
  const std::vector<TestType> values{TestType(0), TestType(1), TestType(2),
                                     TestType(3), TestType(4), TestType(5)};
  {
    const h5::File f = h5::create_file(path);
    h5::write_dataset(f, "flat", values);
    h5::write_dataset(f, "grid", values, {2, 3});
    h5::write_dataset(f, "empty", std::vector<TestType>{});
  }
  const h5::File f = h5::open_file(path);
  CHECK(h5::read_dataset<TestType>(f, "flat") == values);
  CHECK(h5::read_dataset<TestType>(f, "grid") == values);
  CHECK(h5::dims(h5::open_dataset(f, "grid")) == std::vector<std::uint64_t>{2, 3});
  CHECK(h5::dims(h5::open_dataset(f, "empty")) == std::vector<std::uint64_t>{0});
  CHECK(h5::read_dataset<TestType>(f, "empty").empty());
}

TEST_CASE("h5 string datasets are variable-length UTF-8", "[results][h5]")
{
  TempDir dir;
  const std::string path = dir.file("strings.h5");
  const std::vector<std::string> names{"awareness", "", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac"};
  {
    const h5::File f = h5::create_file(path);
    const h5::Group g = h5::create_group(f, "stages");
    h5::write_dataset(g, "name", names);
    h5::write_dataset(g, "none", std::vector<std::string>{});
  }
  const h5::File f = h5::open_file(path);
  CHECK(h5::read_strings(f, "stages/name") == names);
  CHECK(h5::read_strings(f, "stages/none").empty());
  const h5::Dataset ds = h5::open_dataset(f, "stages/name");
  const hid_t t = H5Dget_type(ds.id());
  CHECK(H5Tis_variable_str(t) > 0);
  CHECK(H5Tget_cset(t) == H5T_CSET_UTF8);
  H5Tclose(t);
}

TEST_CASE("h5 row datasets are written block by block", "[results][h5]")
{
  TempDir dir;
  const std::string path = dir.file("rows.h5");
  const bool compress = GENERATE(false, true);
  h5::RowOptions ro;
  ro.compress = compress;
  ro.chunk_rows = 4;
  {
    const h5::File f = h5::create_file(path);
    auto col = h5::RowDataset::create<double>(f, "col", 10, 0, ro);
    auto grid = h5::RowDataset::create<std::int16_t>(f, "grid", 10, 3, ro);
    CHECK(col.chunk_rows() == 4);
    CHECK(col.width() == 1);
    CHECK(grid.width() == 3);
    // Out of order, and of differing lengths.
    col.write_rows(6, std::vector<double>{6, 7, 8, 9});
    col.write_rows(0, std::vector<double>{0, 1, 2, 3, 4, 5});
    std::vector<std::int16_t> g(30);
    for (std::size_t i = 0; i < g.size(); ++i)
      g[i] = static_cast<std::int16_t>(i);
    grid.write_rows(0, std::span<const std::int16_t>(g.data(), 9));
    grid.write_rows(3, std::span<const std::int16_t>(g.data() + 9, 21));

    CHECK_THROWS_AS(col.write_rows(8, std::vector<double>{1, 2, 3}), OutputError);
    CHECK_THROWS_AS(grid.write_rows(0, std::vector<std::int16_t>{1, 2}),
                    OutputError);                                     // not whole rows
    CHECK_THROWS_AS(col.append(std::vector<double>{1}), OutputError); // fixed size

    h5::RowOptions ra = ro;
    ra.appendable = true;
    auto grow = h5::RowDataset::create<std::uint16_t>(f, "grow", 0, 2, ra);
    grow.append(std::vector<std::uint16_t>{1, 2, 3, 4});
    grow.append(std::vector<std::uint16_t>{5, 6});
    CHECK(grow.rows() == 3);
  }
  const h5::File f = h5::open_file(path);
  CHECK(h5::read_dataset<double>(f, "col") == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  const auto g = h5::read_dataset<std::int16_t>(f, "grid");
  REQUIRE(g.size() == 30);
  for (std::size_t i = 0; i < g.size(); ++i)
    CHECK(g[i] == static_cast<std::int16_t>(i));
  CHECK(h5::dims(h5::open_dataset(f, "grid")) == std::vector<std::uint64_t>{10, 3});
  CHECK(h5::read_dataset<std::uint16_t>(f, "grow") == std::vector<std::uint16_t>{1, 2, 3, 4, 5, 6});
  CHECK(h5::dims(h5::open_dataset(f, "grow")) == std::vector<std::uint64_t>{3, 2});

  // Chunked, with the filters asked for.
  const h5::Dataset ds = h5::open_dataset(f, "col");
  const hid_t dcpl = H5Dget_create_plist(ds.id());
  CHECK(H5Pget_layout(dcpl) == H5D_CHUNKED);
  CHECK(H5Pget_nfilters(dcpl) == (compress ? 2 : 0));
  H5Pclose(dcpl);
}

TEST_CASE("h5 row datasets store whole chunks directly and the rest through a selection", "[results][h5]")
{
  // Pieces on and off the chunk grid (chunks of 16 rows, 100 rows: the last
  // chunk partial), 1-D and 2-D, a value conversion (float64 into a float32
  // column, which cannot go directly), and a reopened dataset.
  TempDir dir;
  const std::string path = dir.file("direct.h5");
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> pieces{{0, 5}, {5, 40}, {40, 48}, {48, 100}};
  std::vector<std::int32_t> col(100);
  std::vector<std::int16_t> grid(300);
  for (std::size_t i = 0; i < col.size(); ++i)
    col[i] = static_cast<std::int32_t>(i * 7 + 1);
  for (std::size_t i = 0; i < grid.size(); ++i)
    grid[i] = static_cast<std::int16_t>(1000 - i);
  std::vector<double> wide(100);
  for (std::size_t i = 0; i < wide.size(); ++i)
    wide[i] = 0.5 * static_cast<double>(i);
  h5::RowOptions ro;
  ro.chunk_rows = 16;
  {
    const h5::File f = h5::create_file(path);
    auto c = h5::RowDataset::create<std::int32_t>(f, "col", 100, 0, ro);
    auto g = h5::RowDataset::create<std::int16_t>(f, "grid", 100, 3, ro);
    auto w = h5::RowDataset::create<float>(f, "converted", 100, 0, ro);
    h5::RowDataset::create<std::int32_t>(f, "later", 100, 0, ro);
    for (const auto& [a, b] : pieces) {
      c.write_rows(a, std::span<const std::int32_t>(col.data() + a, b - a));
      g.write_rows(a, std::span<const std::int16_t>(grid.data() + 3 * a, 3 * (b - a)));
      w.write_rows(a, std::span<const double>(wide.data() + a, b - a));
    }
  }
  {
    const h5::File f = h5::open_file(path, true);
    auto later = h5::RowDataset::open(f, "later");
    for (const auto& [a, b] : pieces)
      later.write_rows(a, std::span<const std::int32_t>(col.data() + a, b - a));
  }
  const h5::File f = h5::open_file(path);
  CHECK(h5::read_dataset<std::int32_t>(f, "col") == col);
  CHECK(h5::read_dataset<std::int16_t>(f, "grid") == grid);
  CHECK(h5::read_dataset<std::int32_t>(f, "later") == col);
  const auto converted = h5::read_dataset<float>(f, "converted");
  REQUIRE(converted.size() == wide.size());
  for (std::size_t i = 0; i < wide.size(); ++i)
    CHECK(converted[i] == static_cast<float>(wide[i]));
}

TEST_CASE("h5 row datasets keep wide chunks near 1 MiB", "[results][h5]")
{
  TempDir dir;
  const h5::File f = h5::create_file(dir.file("wide.h5"));
  const auto narrow = h5::RowDataset::create<std::int16_t>(f, "narrow", 100000, 7);
  CHECK(narrow.chunk_rows() == 32768);
  const auto small = h5::RowDataset::create<std::int16_t>(f, "small", 1000, 7);
  CHECK(small.chunk_rows() == 1000);
  const auto wide = h5::RowDataset::create<std::int16_t>(f, "wide", 100000, 100);
  CHECK(wide.chunk_rows() == (1u << 20) / 200);
  const auto empty = h5::RowDataset::create<float>(f, "empty", 0, 0);
  CHECK(empty.rows() == 0);
}

TEST_CASE("h5 hard links share one dataset", "[results][h5]")
{
  TempDir dir;
  const std::string path = dir.file("links.h5");
  {
    const h5::File f = h5::create_file(path);
    const h5::Group a = h5::create_group(f, "a");
    const h5::Group b = h5::create_group(f, "b");
    h5::write_dataset(a, "x", std::vector<std::uint64_t>{1, 2, 3});
    h5::link(a, "x", b, "x");
    CHECK(h5::exists(f, "b/x"));
    CHECK_FALSE(h5::exists(f, "c/x"));
    CHECK_FALSE(h5::exists(f, "/b/y"));
    CHECK_THROWS_AS(h5::link(a, "x", b, "x"), OutputError); // exists
  }
  const h5::File f = h5::open_file(path);
  CHECK(h5::read_dataset<std::uint64_t>(f, "b/x") == std::vector<std::uint64_t>{1, 2, 3});
  H5O_info_t info;
  REQUIRE(H5Oget_info_by_name(f.id(), "/b/x", &info, H5P_DEFAULT) >= 0);
  CHECK(info.rc == 2);
}

TEST_CASE("h5 errors are one clear line and HDF5 prints nothing", "[results][h5]")
{
  TempDir dir;

  SECTION("missing directory")
  {
    const std::string path = dir.file("no/such/dir/x.h5");
    std::string msg;
    const std::string err =
        captured_stderr([&] { msg = output_error([&] { h5::create_file(path); }); });
    CHECK(err.empty());
    CHECK(msg == "cannot create results file '" + path +
                     "': unable to open file (No such file or directory)");
  }
  SECTION("exclusive create of an existing file")
  {
    const std::string path = dir.file("x.h5");
    {
      h5::create_file(path);
    }
    std::string msg;
    const std::string err =
        captured_stderr([&] { msg = output_error([&] { h5::create_file(path); }); });
    CHECK(err.empty());
    CHECK(msg == "cannot create results file '" + path + "': unable to open file (File exists)");
  }
  SECTION("not an HDF5 file")
  {
    const std::string path = dir.file("text.h5");
    std::ofstream(path) << "hello\n";
    std::string msg;
    const std::string err =
        captured_stderr([&] { msg = output_error([&] { h5::open_file(path); }); });
    CHECK(err.empty());
    CHECK(msg.rfind("cannot open results file '" + path + "': ", 0) == 0);
    CHECK(msg.find('\n') == std::string::npos);
  }
  SECTION("missing objects and duplicates name the object and the file")
  {
    const std::string path = dir.file("objects.h5");
    const h5::File f = h5::create_file(path);
    const h5::Group g = h5::create_group(f, "variants");
    std::string m1, m2, m3;
    const std::string err = captured_stderr([&] {
      m1 = output_error([&] { h5::open_group(f, "nope"); });
      m2 = output_error([&] { h5::create_group(g, "baseline"), h5::create_group(g, "baseline"); });
      m3 = output_error([&] { h5::read_attribute_int(g, "missing"); });
    });
    CHECK(err.empty());
    CHECK(m1.rfind("cannot open group '/nope' in '" + path + "': ", 0) == 0);
    CHECK(m2.rfind("cannot create group '/variants/baseline' in '" + path + "': ", 0) == 0);
    CHECK(m3.rfind("cannot open attribute 'missing' of '/variants' in '" + path + "': ", 0) == 0);
    for (const auto& m : {m1, m2, m3}) {
      INFO(m);
      CHECK(m.find('\n') == std::string::npos);
      CHECK(m.size() < 200);
    }
  }
  SECTION("the capture works: a raw HDF5 call does print")
  {
    const std::string path = dir.file("missing.h5");
    const std::string err =
        captured_stderr([&] { CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT) < 0); });
    CHECK(err.find("unable to open file") != std::string::npos);
  }
  SECTION("HDF5's own error printing is restored afterwards")
  {
    H5E_auto2_t func = nullptr;
    void* data = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    CHECK_THROWS_AS(h5::open_file(dir.file("missing.h5")), OutputError);
    H5E_auto2_t after = nullptr;
    void* after_data = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &after, &after_data);
    CHECK(after == func);
    CHECK(after_data == data);
  }
}

TEST_CASE("h5 write_dataset checks the shape", "[results][h5]")
{
  TempDir dir;
  const h5::File f = h5::create_file(dir.file("shape.h5"));
  CHECK_THROWS_WITH(h5::write_dataset(f, "x", std::vector<int>{1, 2, 3}, {2, 2}),
                    Catch::Contains("3 values do not fill shape [2, 2]"));
}

TEST_CASE("a Table appends typed rows and reads them back", "[h5][table]")
{
  const std::string path = (std::filesystem::temp_directory_path() / "journeysim_table_test.h5").string();
  std::filesystem::remove(path);
  {
    h5::File f = h5::create_file(path);
    h5::Table t = h5::Table::create(f, "index", {{"run", h5::Table::Column::Int64},
                                                 {"seed", h5::Table::Column::UInt64},
                                                 {"rate", h5::Table::Column::Float64},
                                                 {"variant", h5::Table::Column::String}});
    t.append({std::int64_t{0}, std::uint64_t{1ull << 63}, 0.25, std::string("baseline")});
    t.append({std::int64_t{1}, std::uint64_t{7}, -1.5, std::string("größer")});
    CHECK(t.rows() == 2);
    CHECK_THROWS_AS(t.append({std::int64_t{2}}), OutputError);
  }
  h5::File f = h5::open_file(path, true);
  h5::Table t = h5::Table::open(f, "index");
  REQUIRE(t.fields().size() == 4);
  CHECK(t.fields()[3].type == h5::Table::Column::String);
  const auto rows = t.read();
  REQUIRE(rows.size() == 2);
  CHECK(std::get<std::uint64_t>(rows[0][1]) == (1ull << 63));
  CHECK(std::get<double>(rows[1][2]) == -1.5);
  CHECK(std::get<std::string>(rows[1][3]) == "größer");
  t.append({std::int64_t{2}, std::uint64_t{9}, 3.0, std::string("x")});
  CHECK(t.rows() == 3);
  std::filesystem::remove(path);
}
