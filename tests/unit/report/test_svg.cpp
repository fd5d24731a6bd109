// The report's text helpers: escaping (names come from user files), number
// formats and axis ticks.

#include "report/svg.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <vector>

using namespace journeysim::report;

TEST_CASE("escape makes names from a results file inert in HTML", "[report]")
{
  CHECK(escape("<script>alert('x')</script> & \"q\"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  CHECK(escape("gen_z_mobile") == "gen_z_mobile");
  CHECK(escape("") == "");
}

TEST_CASE("numbers are formatted for reading", "[report]")
{
  CHECK(fixed(3.14159, 2) == "3.14");
  CHECK(fixed(-0.001, 2) == "0.00"); // no "-0.00"
  CHECK(fixed(-1.5, 1) == "−1.5");    // a real minus sign
  CHECK(fixed(std::numeric_limits<double>::quiet_NaN(), 2) == "—");
  CHECK(grouped(1234567.4) == "1,234,567");
  CHECK(grouped(-1000) == "−1,000");
  CHECK(grouped(999) == "999");
  CHECK(percent(0.12345, 2) == "12.35 %");
  CHECK(signed_fixed(0.5, 2) == "+0.50");
  CHECK(signed_fixed(-0.5, 2) == "−0.50");
  CHECK(signed_fixed(0.0001, 2) == "0.00");
}

TEST_CASE("axis ticks are round and cover the data", "[report]")
{
  const auto t = nice_ticks(-0.066, 0.72, 6);
  REQUIRE(t.size() >= 3);
  CHECK(t.front() <= -0.066);
  CHECK(t.back() >= 0.72);
  CHECK(t.front() == Approx(-0.2));
  CHECK(t[1] - t[0] == Approx(0.2));
  CHECK(std::count(t.begin(), t.end(), 0.0) == 1); // zero is exactly 0, not -1e-17
  const auto p = nice_ticks(0, 1, 5);
  REQUIRE(p.size() == 6);
  for (std::size_t i = 0; i < p.size(); ++i)
    CHECK(p[i] == Approx(0.2 * static_cast<double>(i)));
}

TEST_CASE("svg output escapes its texts and breaks lines at NaN", "[report]")
{
  Svg s(100, 50, "a <title>");
  s.text(1, 2, "x < y & z");
  s.polyline({{0, 1}, {1, std::numeric_limits<double>::quiet_NaN()}, {2, 3}, {3, 4}}, "#000", 1);
  const std::string out = s.str();
  CHECK(out.find("aria-label=\"a &lt;title&gt;\"") != std::string::npos);
  CHECK(out.find(">x &lt; y &amp; z</text>") != std::string::npos);
  CHECK(out.find("points=\"2.0,3.0 3.0,4.0\"") != std::string::npos);
  CHECK(out.find("<polyline") != out.rfind("<polyline")); // two pieces
  CHECK(out.find("http") == std::string::npos);           // nothing external, not even xmlns
}
