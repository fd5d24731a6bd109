#include "journeysim/error.h"
#include "journeysim/experiment/grid.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace journeysim;

TEST_CASE("lists, ranges and log ranges", "[grid]")
{
  CHECK(parse_values("1,2,3") == std::vector<double>{1, 2, 3});
  CHECK(parse_values("0.5") == std::vector<double>{0.5});
  const auto r = parse_values("0:0.3:0.05");
  REQUIRE(r.size() == 7);
  CHECK(r.front() == 0.0);
  CHECK(r.back() == Approx(0.3));
  CHECK(r[3] == Approx(0.15));
  CHECK(parse_values("1:6:1") == std::vector<double>{1, 2, 3, 4, 5, 6});
  const auto l = parse_values("1e-3:1e-1:log5");
  REQUIRE(l.size() == 5);
  CHECK(l[0] == 1e-3);
  CHECK(l[2] == Approx(1e-2));
  CHECK(l[4] == 1e-1);
}

TEST_CASE("range points are the decimals written, not from + i·step's float noise", "[grid]")
{
  // 0.05 + 2·0.05 is 0.15000000000000002: a sweep stored that, and runs[... == 0.15] found nothing.
  CHECK(parse_values("0.05:0.2:0.05") == std::vector<double>{0.05, 0.1, 0.15, 0.2});
  CHECK(parse_values("0:0.3:0.1") == std::vector<double>{0, 0.1, 0.2, 0.3});
  CHECK(parse_values("0.1:0.13:0.01") == std::vector<double>{0.1, 0.11, 0.12, 0.13});
  CHECK(parse_values("-0.3:0:0.1") == std::vector<double>{-0.3, -0.2, -0.1, 0});
  CHECK(parse_values("1e-3:5e-3:1e-3") == std::vector<double>{0.001, 0.002, 0.003, 0.004, 0.005});
  CHECK(parse_values("1.5e1:20:2.5") == std::vector<double>{15, 17.5, 20});
  CHECK(parse_values("0.25:1:0.25") == std::vector<double>{0.25, 0.5, 0.75, 1}); // already exact: unchanged
  // A hex float has no decimals to keep: from + i·step.
  CHECK(parse_values("0x1p-2:1:0x1p-2") == std::vector<double>{0.25, 0.5, 0.75, 1});
}

TEST_CASE("bad values and specs are clear input errors", "[grid]")
{
  CHECK_THROWS_AS(parse_values("1,,3"), InputError);
  CHECK_THROWS_AS(parse_values("a,b"), InputError);
  CHECK_THROWS_AS(parse_values("0:1"), InputError);
  CHECK_THROWS_AS(parse_values("1:0:0.1"), InputError);
  CHECK_THROWS_AS(parse_values("0:1:0"), InputError);
  CHECK_THROWS_AS(parse_values("0:1:log5"), InputError);
  CHECK_THROWS_AS(parse_values("1:10:log1"), InputError);
  CHECK_THROWS_AS(parse_values("0:1e9:1e-3"), InputError);
  // A value twice would be two identical grid points (twice the runs, one point).
  CHECK_THROWS_WITH(parse_values("0.1,0.2,0.10"), Catch::Contains("0.10 is given twice"));
  CHECK_THROWS_WITH(parse_parameter("stages.intent.dropout"), Catch::Contains("PATH=VALUES"));
  CHECK_THROWS_WITH(parse_parameter("stages.intent.dropout=x"), Catch::Contains("stages.intent.dropout"));
  const Parameter p = parse_parameter("touchpoints.checkout.checkout.steps=1:3:1");
  CHECK(p.path == "touchpoints.checkout.checkout.steps");
  CHECK(p.values.size() == 3);
}

TEST_CASE("the grid is the Cartesian product, last parameter fastest", "[grid]")
{
  const auto g = cartesian({{"a", {1, 2}}, {"b", {10, 20, 30}}});
  REQUIRE(g.size() == 6);
  CHECK(g[0] == GridPoint{0, 0});
  CHECK(g[1] == GridPoint{0, 1});
  CHECK(g[5] == GridPoint{1, 2});
  CHECK(cartesian({}).size() == 1); // no parameter: one run per replication
}

TEST_CASE("a value as YAML text is the shortest that reads back exactly", "[grid]")
{
  // Messages quote these texts: 0.1, not 0.10000000000000001.
  CHECK(yaml_number(0.1) == "0.1");
  CHECK(yaml_number(20000) == "20000");
  CHECK(yaml_number(-0.25) == "-0.25");
  for (double v : {0.1, 1.0 / 3.0, 0.030000000000000002, 1e-300, 123456789012.0})
    CHECK(std::stod(yaml_number(v)) == v);
  CHECK(yaml_number(std::numeric_limits<double>::infinity()) == ".inf");
}
