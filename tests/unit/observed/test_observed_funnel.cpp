#include "journeysim/error.h"
#include "journeysim/observed/observed_funnel.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace journeysim;

TEST_CASE("observed funnel: written and read back", "[observed]")
{
  ObservedFunnel f;
  f.comments = {"from a GA4 funnel exploration"};
  f.stages = {{"", "interest", 1000, 0}, {"", "intent", 85, 0}, {"", "purchase", 30, 0}};
  f.metrics = {{"", "cart_abandon_rate", 0.6470588235294118, 0}};
  std::ostringstream out;
  write_observed_funnel(out, f);
  CHECK(out.str() == "# from a GA4 funnel exploration\nstage,reached\ninterest,1000\nintent,85\npurchase,30\n\n"
                     "metric,value\ncart_abandon_rate,0.6470588235294118\n");
  const ObservedFunnel g = parse_observed_funnel(out.str(), "f.csv");
  REQUIRE(g.stages.size() == 3);
  CHECK(g.stages[1].stage == "intent");
  CHECK(g.stages[1].reached == 85);
  CHECK(g.stages[1].line == 4);
  REQUIRE(g.metrics.size() == 1);
  CHECK(g.metrics[0].value == f.metrics[0].value);
  CHECK(g.comments == f.comments);
}

TEST_CASE("observed funnel: a segment starting with # and a comment with a line break read back", "[observed]")
{
  ObservedFunnel f;
  f.comments = {"journeysim observe a.csv\n--map view=interest"};
  f.stages = {{"#vip", "interest", 10, 0}, {"#vip", "purchase", 3, 0}, {"web", "interest", 7, 0}};
  std::ostringstream out;
  write_observed_funnel(out, f);
  const ObservedFunnel g = parse_observed_funnel(out.str(), "f.csv");
  REQUIRE(g.stages.size() == 3);
  CHECK(g.stages[0].persona == "#vip");
  CHECK(g.stages[1].reached == 3);
  CHECK(g.comments == std::vector<std::string>{"journeysim observe a.csv", "--map view=interest"});
}

TEST_CASE("observed funnel: persona column in any order, blank lines, CRLF", "[observed]")
{
  const ObservedFunnel f = parse_observed_funnel("reached,stage,persona\r\n10,interest,a\r\n\r\n4,intent,a\r\n", "f.csv");
  REQUIRE(f.stages.size() == 2);
  CHECK(f.stages[1].persona == "a");
  CHECK(f.stages[1].reached == 4);
}

TEST_CASE("observed funnel: a UTF-8 byte-order mark (Excel's CSV UTF-8) and CRLF are read", "[observed]")
{
  const ObservedFunnel f =
    parse_observed_funnel("\xEF\xBB\xBFstage,reached\r\ninterest,1000\r\nintent,100\r\npurchase,30\r\n", "f.csv");
  REQUIRE(f.stages.size() == 3);
  CHECK(f.stages[0].stage == "interest");
  CHECK(f.stages[0].reached == 1000);
  CHECK(f.stages[2].reached == 30);
  CHECK(f.stages[2].line == 4);
  // Before a comment line, the mark is not part of the kept description.
  const ObservedFunnel g = parse_observed_funnel("\xEF\xBB\xBF# GA4\r\nstage,reached\r\ninterest,10\r\n", "f.csv");
  CHECK(g.comments == std::vector<std::string>{"GA4"});
  CHECK(g.stages.at(0).reached == 10);
}

TEST_CASE("observed funnel: bad files are located errors", "[observed]")
{
  CHECK_THROWS_WITH(parse_observed_funnel("stage,reached\ninterest,-5\n", "f.csv"),
                    "f.csv:2:10: negative count -5 for stage 'interest'");
  CHECK_THROWS_WITH(parse_observed_funnel("stage,reached\ninterest,1.5\n", "f.csv"),
                    Catch::StartsWith("f.csv:2:10: '1.5' is not a whole number"));
  CHECK_THROWS_WITH(parse_observed_funnel("stage,reached\ninterest,ten\n", "f.csv"),
                    Catch::StartsWith("f.csv:2:10: 'ten' is not a number"));
  CHECK_THROWS_WITH(parse_observed_funnel("stage,reached\ninterest,10\ninterest,5\n", "f.csv"),
                    Catch::StartsWith("f.csv:3:1: stage 'interest' appears twice"));
  CHECK_THROWS_WITH(parse_observed_funnel("interest,10\n", "f.csv"), Catch::StartsWith("f.csv:1:1: expected a header"));
  CHECK_THROWS_WITH(parse_observed_funnel("stage,reached\ninterest,10,3\n", "f.csv"),
                    Catch::StartsWith("f.csv:2:1: expected 2 fields"));
  CHECK_THROWS_WITH(parse_observed_funnel("metric,value\ncustomers,1\n", "f.csv"), Catch::Contains("no stage rows"));
}
