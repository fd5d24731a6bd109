#include "journeysim/error.h"
#include "journeysim/observed/clickstream.h"

#include <catch2/catch.hpp>

#include <cmath>

#include <sstream>

using namespace journeysim;

namespace {

// A REES46-layout export with known answers (line numbers in comments):
//   u1 desktop: views only                         → interest
//   u2 mobile:  views, carts, never buys          → interest, intent
//   u3 mobile:  views, carts, buys twice          → interest, intent, purchase (repeat buyer)
//   u4 desktop: carts and buys, no view recorded  → every stage (a later stage implies the earlier)
//   u5:         only remove_from_cart (not mapped) → not a customer of the funnel
//   u6 (no device): views                          → interest, segment "unknown"
// plus three bad rows: too few fields, a bad time, an empty user; and a
// purchase of u4's with no usable price (kept: u4 buys twice).
const char* EVENTS =
  "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session,device\n" // 1
  "2019-10-01 09:00:00 UTC,view,1,10,electronics.phone,acme,100.0,u1,s1,desktop\n"                      // 2
  "2019-10-01 09:05:00 UTC,view,2,10,,acme,50.0,u2,s2,mobile\n"                                         // 3
  "2019-10-01 09:06:00 UTC,cart,2,10,,acme,50.0,u2,s2,mobile\n"                                         // 4
  "2019-10-01 10:00:00 UTC,view,3,10,\"kids,toys\",acme,20.0,u3,s3,mobile\n"                           // 5
  "2019-10-01 10:30:00 UTC,cart,3,10,,acme,20.0,u3,s3,mobile\n"                                         // 6
  "2019-10-01 12:00:00 UTC,purchase,3,10,,acme,20.0,u3,s3,mobile\n"                                     // 7
  "broken,row,4\n"                                                                                       // 8
  "2019-10-02 12:00:00 UTC,purchase,4,10,,acme,30.0,u3,s4,desktop\n"                                    // 9
  "2019-10-01 08:00:00 UTC,cart,5,10,,acme,70.0,u4,s5,desktop\n"                                        // 10
  "yesterday,view,5,10,,acme,70.0,u4,s5,desktop\n"                                                      // 11
  "2019-10-01 08:30:00 UTC,purchase,5,10,,acme,70.0,u4,s5,desktop\n"                                    // 12
  "2019-10-01 08:40:00 UTC,remove_from_cart,5,10,,acme,70.0,u5,s6,desktop\n"                            // 13
  "2019-10-01 08:41:00 UTC,view,5,10,,acme,70.0,,s7,desktop\n"                                          // 14
  "2019-10-01 08:42:00 UTC,purchase,5,10,,acme,cheap,u4,s5,desktop\n"                                   // 15
  "2019-10-01 08:43:00 UTC,view,5,10,,acme,70.0,u6,s8,\n";                                              // 16

ClickstreamOptions options()
{
  ClickstreamOptions o;
  o.map = parse_event_map("view=interest,cart=intent,purchase=purchase");
  return o;
}

std::int64_t reached(const ObservedFunnel& f, const std::string& persona, const std::string& stage)
{
  for (const auto& s : f.stages)
    if (s.persona == persona && s.stage == stage)
      return s.reached;
  FAIL("no row " << persona << "/" << stage);
  return -1;
}

double metric(const ObservedFunnel& f, const std::string& persona, const std::string& name)
{
  for (const auto& m : f.metrics)
    if (m.persona == persona && m.name == name)
      return m.value;
  FAIL("no metric " << persona << "/" << name);
  return -1;
}

} // namespace

TEST_CASE("observe: a small REES46 export gives exactly the known funnel", "[observed]")
{
  std::istringstream in(EVENTS);
  const ClickstreamResult r = read_clickstream(in, "events.csv", options());
  CHECK(r.rows == 15);
  CHECK(r.users == 5);
  CHECK(reached(r.funnel, "", "interest") == 5);
  CHECK(reached(r.funnel, "", "intent") == 3);
  CHECK(reached(r.funnel, "", "purchase") == 2);
  CHECK(metric(r.funnel, "", "customers") == 5);
  CHECK(metric(r.funnel, "", "cart_abandon_rate") == Approx(1.0 / 3.0));
  CHECK(metric(r.funnel, "", "repeat_purchase_rate") == 1.0); // u3 and u4 (the one without a price too)
  // first event → first purchase: u3 2 h, u4 0.5 h (type-7 quantiles)
  CHECK(metric(r.funnel, "", "hours_to_first_purchase_p50") == Approx(1.25));
  CHECK(metric(r.funnel, "", "hours_to_first_purchase_p25") == Approx(0.875));
  CHECK(metric(r.funnel, "", "order_value_mean") == Approx((20.0 + 30.0 + 70.0) / 3));
  CHECK(metric(r.funnel, "", "purchases") == 3); // those with a price: the order value's count
  CHECK(metric(r.funnel, "", "order_value_sd") == Approx(std::sqrt((400.0 + 100.0 + 900.0) / 2))); // mean 40
  CHECK(r.unpriced_purchases == 1);
  CHECK(r.first_unpriced.line == 15);
  CHECK(r.first_unpriced.reason == "price 'cheap'");
  REQUIRE(r.bad_rows == 3);
  REQUIRE(r.first_bad_rows.size() == 3);
  CHECK(r.first_bad_rows[0].line == 8);
  CHECK(r.first_bad_rows[0].reason == "expected 10 fields, found 3");
  CHECK(r.first_bad_rows[1].line == 11);
  CHECK(r.first_bad_rows[2].line == 14);
  CHECK(r.ignored_event_types.at("remove_from_cart") == 1);
}

TEST_CASE("observe: --by gives a funnel per segment, named after personas by --segment", "[observed]")
{
  ClickstreamOptions o = options();
  o.segment_column = "device";
  o.segment_names = {{"mobile", "gen_z_mobile"}};
  std::istringstream in(EVENTS);
  const ClickstreamResult r = read_clickstream(in, "events.csv", o);
  // A customer's segment is the value on their first row: u3 stays mobile.
  CHECK(reached(r.funnel, "desktop", "interest") == 2);
  CHECK(reached(r.funnel, "desktop", "intent") == 1);
  CHECK(reached(r.funnel, "desktop", "purchase") == 1);
  CHECK(reached(r.funnel, "gen_z_mobile", "interest") == 2);
  CHECK(reached(r.funnel, "gen_z_mobile", "intent") == 2);
  CHECK(reached(r.funnel, "gen_z_mobile", "purchase") == 1);
  CHECK(reached(r.funnel, "unknown", "interest") == 1);
  CHECK(reached(r.funnel, "unknown", "intent") == 0);
  CHECK(metric(r.funnel, "gen_z_mobile", "repeat_purchase_rate") == 1.0);
  CHECK(reached(r.funnel, "", "interest") == 5);
}

TEST_CASE("observe: the segment comes from a customer's first row with a value, mapped or not", "[observed]")
{
  // As GA4 exports: the device sits on session_start (not mapped), the
  // mapped events have none. v3 has no value anywhere: unknown, which
  // --segment names as it names the others.
  const char* events = "event_time,event_type,user_id,price,device\n"
                       "2019-10-01 09:00:00 UTC,session_start,v1,,mobile\n"
                       "2019-10-01 09:01:00 UTC,view,v1,,\n"
                       "2019-10-01 09:02:00 UTC,purchase,v1,10,\n"
                       "2019-10-01 09:03:00 UTC,view,v2,,desktop\n"
                       "2019-10-01 09:04:00 UTC,session_start,v2,,mobile\n" // later: v2 stays desktop
                       "2019-10-01 09:05:00 UTC,view,v3,,\n"
                       "2019-10-01 09:06:00 UTC,session_start,v4,,mobile\n"; // no mapped event: no customer
  ClickstreamOptions o = options();
  o.segment_column = "device";
  o.segment_names = {{"mobile", "gen_z_mobile"}, {"unknown", "gen_x_desktop"}};
  std::istringstream in(events);
  const ClickstreamResult r = read_clickstream(in, "events.csv", o);
  CHECK(r.users == 3);
  CHECK(reached(r.funnel, "gen_z_mobile", "interest") == 1);
  CHECK(reached(r.funnel, "gen_z_mobile", "purchase") == 1);
  CHECK(reached(r.funnel, "desktop", "interest") == 1);
  CHECK(reached(r.funnel, "gen_x_desktop", "interest") == 1); // v3, named by unknown=…
  for (const auto& row : r.funnel.stages)
    CHECK(row.persona != "unknown");
  CHECK_THROWS_WITH(parse_event_map("mobile=a,=b", "--segment"),
                    Catch::StartsWith("--segment: '=b' is not VALUE=PERSONA"));
}

TEST_CASE("observe: a missing column is an error listing the columns present", "[observed]")
{
  ClickstreamOptions o = options();
  o.user_column = "customer";
  std::istringstream in(EVENTS);
  CHECK_THROWS_WITH(read_clickstream(in, "events.csv", o),
                    Catch::Contains("events.csv:1:1: no column 'customer' (--user-column); the columns are: "
                                    "event_time, event_type, product_id"));
}

TEST_CASE("observe: a UTF-8 byte-order mark before a quoted first column name is read", "[observed]")
{
  ClickstreamOptions o;
  o.map = parse_event_map("view=interest");
  std::istringstream in("\xEF\xBB\xBF\"event_time\",event_type,user_id\r\n2019-10-01 00:00:00 UTC,view,7\r\n");
  const ClickstreamResult r = read_clickstream(in, "events.csv", o);
  CHECK(r.bad_rows == 0);
  CHECK(reached(r.funnel, "", "interest") == 1);
}

TEST_CASE("observe: bad --map and files without mapped events are errors", "[observed]")
{
  CHECK_THROWS_AS(parse_event_map("view"), InputError);
  CHECK_THROWS_AS(parse_event_map("view=interest,view=intent"), InputError);
  CHECK_THROWS_AS(parse_event_map("=interest"), InputError);
  ClickstreamOptions o;
  o.map = parse_event_map("click=interest");
  std::istringstream in(EVENTS);
  CHECK_THROWS_WITH(read_clickstream(in, "events.csv", o), Catch::Contains("no event of a mapped type (click)"));
  // When every row was bad, the message says why (an export with an unclosed quote, say).
  o.map = parse_event_map("view=interest");
  std::istringstream broken("event_time,event_type,user_id\n\"2019-10-01 00:00:00 UTC,view,7\n");
  CHECK_THROWS_WITH(read_clickstream(broken, "events.csv", o),
                    Catch::Contains("in 1 rows, 1 of them bad (the first, events.csv:2: unbalanced quote)"));
}

TEST_CASE("observe: a quoted field with line breaks is part of its row", "[observed]")
{
  ClickstreamOptions o;
  o.map = parse_event_map("view=interest,purchase=purchase");
  // An order note over three lines (CRLF, as Shopify exports), then a bad
  // row whose line number counts the note's lines.
  std::istringstream in("event_time,event_type,user_id,price,note\r\n"
                        "2019-10-01 00:00:00 UTC,view,7,,\r\n"
                        "2019-10-01 01:00:00 UTC,purchase,7,25,\"leave at the door,\r\nring twice\r\n\"\"thanks\"\"\"\r\n"
                        "2019-10-01 02:00:00 UTC,view,8\r\n");
  const ClickstreamResult r = read_clickstream(in, "events.csv", o);
  CHECK(r.rows == 3);
  CHECK(reached(r.funnel, "", "interest") == 1);
  CHECK(reached(r.funnel, "", "purchase") == 1);
  REQUIRE(r.bad_rows == 1);
  CHECK(r.first_bad_rows.at(0).line == 6);
  // A quote that never closes is one bad row; the lines after it are rows.
  o.map = parse_event_map("view=interest");
  std::istringstream open_quote("event_time,event_type,user_id\n2019-10-01 00:00:00 UTC,view,\"7\n"
                                "2019-10-01 00:00:00 UTC,view,8\n2019-10-01 00:00:00 UTC,view,9\n");
  const ClickstreamResult s = read_clickstream(open_quote, "events.csv", o);
  CHECK(s.rows == 3);
  CHECK(s.bad_rows == 1);
  CHECK(s.first_bad_rows.at(0).line == 2);
  CHECK(reached(s.funnel, "", "interest") == 2);
  // A stray quote closed by another row's quoted field: not one row of their
  // lines (it would not have the header's fields); each line is read.
  std::istringstream stray("event_time,event_type,user_id,note\n"
                           "2019-10-01 00:00:00 UTC,view,u1,\"oops\n"
                           "2019-10-01 00:00:00 UTC,view,u2,\n"
                           "2019-10-01 00:00:00 UTC,view,u3,\n"
                           "2019-10-01 00:00:00 UTC,view,u4,\"a,b\"\n"
                           "2019-10-01 00:00:00 UTC,view,u5,\n");
  const ClickstreamResult t = read_clickstream(stray, "events.csv", o);
  CHECK(t.rows == 5);
  CHECK(t.bad_rows == 1);
  CHECK(t.first_bad_rows.at(0).line == 2);
  CHECK(reached(t.funnel, "", "interest") == 4);
  // A lone quote in the same column of neighbouring rows: each is a row (bad),
  // not one row of two (which has the header's fields and lost a purchase).
  std::istringstream lone("event_time,event_type,user_id,brand\n"
                          "2019-10-01 00:00:00 UTC,view,u1,\"\n"
                          "2019-10-01 00:00:00 UTC,view,u2,\"\n"
                          "2019-10-01 00:00:00 UTC,view,u3,acme\n");
  const ClickstreamResult l = read_clickstream(lone, "events.csv", o);
  CHECK(l.rows == 3);
  CHECK(l.bad_rows == 2);
  CHECK(reached(l.funnel, "", "interest") == 1);
  // Unquoted inch marks on every line: every line its own (bad) row, none joined.
  std::string inches = "event_time,event_type,user_id,name\n";
  for (int i = 0; i < 6; ++i)
    inches += "2019-10-01 00:00:00 UTC,view,u" + std::to_string(i) + ",\"5 inch screen, black\n";
  std::istringstream inch(inches);
  ClickstreamOptions lenient = o;
  const auto fails = [&] {
    try {
      read_clickstream(inch, "events.csv", lenient);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(fails(), Catch::Contains("in 6 rows, 6 of them bad"));
}

TEST_CASE("observe: event times in the usual forms", "[observed]")
{
  std::int64_t s = 0;
  REQUIRE(parse_event_time("2019-10-01 00:00:00 UTC", s));
  CHECK(s == 1569888000);
  REQUIRE(parse_event_time("2019-10-01T02:00:00+02:00", s));
  CHECK(s == 1569888000);
  REQUIRE(parse_event_time("2019-10-01T00:00:01.250Z", s));
  CHECK(s == 1569888001);
  REQUIRE(parse_event_time("2019-10-01", s));
  CHECK(s == 1569888000);
  CHECK_FALSE(parse_event_time("01/10/2019", s));
  CHECK_FALSE(parse_event_time("2019-13-01 00:00:00", s));
  CHECK_FALSE(parse_event_time("2019-10-01 00:00:00 CET", s));
}

TEST_CASE("observe: event times as Shopify and GA4 export them", "[observed]")
{
  std::int64_t s = 0;
  // Shopify: a space, then the offset without a colon.
  REQUIRE(parse_event_time("2026-10-28 18:22:42 +0100", s));
  CHECK(s == 1793208162); // 2026-10-28T17:22:42Z
  REQUIRE(parse_event_time("2026-10-28T18:22:42+0100", s));
  CHECK(s == 1793208162);
  REQUIRE(parse_event_time("2026-10-28T12:22:42.5-0500", s));
  CHECK(s == 1793208162);
  CHECK_FALSE(parse_event_time("2026-10-28T18:22:42+1401", s));
  CHECK_FALSE(parse_event_time("2026-10-28T18:22:42+0160", s));
  CHECK_FALSE(parse_event_time("2026-10-28T18:22:42+010", s));
  CHECK_FALSE(parse_event_time("2026-10-28T18:22:42+01000", s));
  // Epoch seconds, milliseconds, microseconds (GA4 BigQuery event_timestamp): the unit by the digit count.
  REQUIRE(parse_event_time("1793208162", s));
  CHECK(s == 1793208162);
  REQUIRE(parse_event_time("1793208162999", s));
  CHECK(s == 1793208162);
  REQUIRE(parse_event_time(" 1793208162000001 ", s));
  CHECK(s == 1793208162);
  REQUIRE(parse_event_time("4102444799", s)); // 2099-12-31 23:59:59, the last plausible second
  CHECK(s == 4102444799);
  CHECK_FALSE(parse_event_time("4102444800", s));       // 2100-01-01: not plausible
  CHECK_FALSE(parse_event_time("946684799000", s));     // 12 digits: no unit
  CHECK_FALSE(parse_event_time("9466847990000", s));    // ms, but 2270
  CHECK_FALSE(parse_event_time("179320816", s));        // 9 digits
  CHECK_FALSE(parse_event_time("17932081620", s));      // 11 digits
  CHECK_FALSE(parse_event_time("1793208162.5", s));
  CHECK_FALSE(parse_event_time("-1793208162", s));
  CHECK_FALSE(parse_event_time("99999999999999999999", s));
}

TEST_CASE("observe: impossible days and time-zone offsets are not times", "[observed]")
{
  std::int64_t s = 0;
  CHECK_FALSE(parse_event_time("2019-02-30 00:02:00 UTC", s));
  CHECK_FALSE(parse_event_time("2019-02-29", s)); // not a leap year
  CHECK_FALSE(parse_event_time("1900-02-29", s)); // a century that is not a leap year
  CHECK_FALSE(parse_event_time("2019-04-31 00:00:00 UTC", s));
  REQUIRE(parse_event_time("2020-02-29", s));
  CHECK(s == 1582934400);
  REQUIRE(parse_event_time("2000-02-29", s));
  CHECK(s == 951782400);
  CHECK_FALSE(parse_event_time("2019-10-01T00:02:00+99:00", s));
  CHECK_FALSE(parse_event_time("2019-10-01T00:02:00+14:01", s));
  CHECK_FALSE(parse_event_time("2019-10-01T00:02:00-05:60", s));
  REQUIRE(parse_event_time("2019-10-01T14:00:00+14:00", s)); // Kiribati
  CHECK(s == 1569888000);
  REQUIRE(parse_event_time("2019-09-30T12:00:00-12:00", s));
  CHECK(s == 1569888000);

  // In a file they are bad rows, located like every other.
  ClickstreamOptions o;
  o.map = parse_event_map("view=interest");
  std::istringstream in("event_time,event_type,user_id\n2019-10-01 00:00:00 UTC,view,1\n"
                        "2019-02-30 00:02:00 UTC,view,2\n2019-10-01T00:02:00+99:00,view,3\n"
                        "2019-10-01 00:00:00 UTC,view,4\n2019-10-01 00:00:00 UTC,view,5\n");
  const ClickstreamResult r = read_clickstream(in, "events.csv", o);
  CHECK(r.users == 3);
  REQUIRE(r.first_bad_rows.size() == 2);
  CHECK(r.first_bad_rows[0].line == 3);
  CHECK(r.first_bad_rows[0].reason == "event_time '2019-02-30 00:02:00 UTC' is not a date-time such as 2019-10-01 00:00:00 UTC");
  CHECK(r.first_bad_rows[1].line == 4);
}

namespace {

ClickstreamResult purchases_priced(const std::vector<std::string>& prices)
{
  std::string text = "event_time,event_type,price,user_id\n";
  for (std::size_t i = 0; i < prices.size(); ++i)
    text += "2019-10-01 00:00:00 UTC,purchase," + prices[i] + ",u" + std::to_string(i) + "\n";
  ClickstreamOptions o;
  o.map = parse_event_map("purchase=purchase");
  std::istringstream in(text);
  return read_clickstream(in, "events.csv", o);
}

} // namespace

TEST_CASE("observe: the order value's mean and sd are stable, absurd prices left out of them", "[observed]")
{
  // Around 1e9 a sum of squares (~3e18) cannot hold their spread of 1: the sd came out as 0 or a multiple of 512.
  const ClickstreamResult close = purchases_priced({"1000000001", "1000000002", "1000000003"});
  CHECK(metric(close.funnel, "", "order_value_mean") == 1000000002.0);
  CHECK(metric(close.funnel, "", "order_value_sd") == Approx(1.0).epsilon(1e-9));

  // 1e308 twice summed to inf; 1e200 squared overflowed. Above 1e12 a price is a mistake: the
  // purchase is kept, its value left out of the order value, counted and located.
  const ClickstreamResult huge = purchases_priced({"1e308", "1e308", "1e200", "2e200", "3", "5", "1000000000000"});
  CHECK(huge.bad_rows == 0);
  CHECK(reached(huge.funnel, "", "purchase") == 7);
  CHECK(huge.unpriced_purchases == 4);
  CHECK(huge.first_unpriced.line == 2);
  CHECK(huge.first_unpriced.reason == "price '1e308'");
  CHECK(metric(huge.funnel, "", "purchases") == 3);
  const double mean = (3 + 5 + 1e12) / 3; // 1e12 itself is still a price
  CHECK(metric(huge.funnel, "", "order_value_mean") == Approx(mean));
  CHECK(metric(huge.funnel, "", "order_value_sd") ==
        Approx(std::sqrt(((3 - mean) * (3 - mean) + (5 - mean) * (5 - mean) + (1e12 - mean) * (1e12 - mean)) / 2)));
}

TEST_CASE("observe: a purchase without a usable price is a purchase, left out of the order value only", "[observed]")
{
  // Five carts; a buys twice (the second without a value), b's price is
  // "n/a", c's 10, d's a refund's -5; e never buys.
  ClickstreamOptions o;
  o.map = parse_event_map("cart=intent,purchase=purchase");
  std::istringstream in("event_time,event_type,user_id,price\n"
                        "2019-10-01 00:00:00 UTC,cart,a,\n2019-10-01 00:00:00 UTC,cart,b,\n"
                        "2019-10-01 00:00:00 UTC,cart,c,\n2019-10-01 00:00:00 UTC,cart,d,\n"
                        "2019-10-01 00:00:00 UTC,cart,e,\n"
                        "2019-10-01 01:00:00 UTC,purchase,a,20\n"   // 7
                        "2019-10-02 01:00:00 UTC,purchase,a,\n"     // 8
                        "2019-10-01 02:00:00 UTC,purchase,b,n/a\n"  // 9
                        "2019-10-01 03:00:00 UTC,purchase,c,10\n"   // 10
                        "2019-10-01 04:00:00 UTC,purchase,d,-5\n"); // 11
  const ClickstreamResult r = read_clickstream(in, "events.csv", o);
  CHECK(r.bad_rows == 0);
  CHECK(reached(r.funnel, "", "purchase") == 4);
  CHECK(metric(r.funnel, "", "cart_abandon_rate") == Approx(0.2));
  CHECK(metric(r.funnel, "", "repeat_purchase_rate") == Approx(0.25));
  CHECK(metric(r.funnel, "", "hours_to_first_purchase_p50") == Approx(2.5)); // 1, 2, 3, 4 hours
  CHECK(metric(r.funnel, "", "purchases") == 2);
  CHECK(metric(r.funnel, "", "order_value_mean") == Approx(15.0));
  CHECK(metric(r.funnel, "", "order_value_sd") == Approx(std::sqrt(50.0)));
  CHECK(r.unpriced_purchases == 3);
  CHECK(r.first_unpriced.line == 8);
  CHECK(r.first_unpriced.reason == "price ''");
}

TEST_CASE("observe: an event type whose rows are mostly bad is an error, not a funnel without it", "[observed]")
{
  // Two of the three purchases have a time in a form not read: a funnel
  // would count one buyer of three, and calibrate would fit that.
  ClickstreamOptions o;
  o.map = parse_event_map("view=interest,purchase=purchase");
  const std::string header = "event_time,event_type,user_id,price\n";
  const std::string views = "2019-10-01 00:00:00 UTC,view,1,\n2019-10-01 00:00:00 UTC,view,2,\n"
                            "2019-10-01 00:00:00 UTC,view,3,\n";
  std::istringstream in(header + views +
                        "31/10/2019 10:00,purchase,1,5\n"         // 5
                        "2019-10-01 10:00:00 UTC,purchase,2,5\n"  // 6
                        "2019-10-01 10:00:00 UTC,purchase,,5\n"); // 7: empty user
  CHECK_THROWS_WITH(read_clickstream(in, "events.csv", o),
                    "events.csv: 2 of the 3 'purchase' rows are bad (the first, events.csv:5: event_time "
                    "'31/10/2019 10:00' is not a date-time such as 2019-10-01 00:00:00 UTC): a funnel would "
                    "leave most of them out");
  // Half of them bad is still a funnel, with the bad rows counted.
  std::istringstream half(header + views + "31/10/2019 10:00,purchase,1,5\n2019-10-01 10:00:00 UTC,purchase,2,5\n");
  const ClickstreamResult r = read_clickstream(half, "events.csv", o);
  CHECK(r.bad_rows == 1);
  CHECK(reached(r.funnel, "", "purchase") == 1);
}

TEST_CASE("observe: a customer's purchase row repeated field for field is counted once", "[observed]")
{
  // a's purchase twice (an export's duplicate); b twice at one time with two
  // prices, c twice at two times with one: both real repeat buyers; d's
  // purchase without a price twice.
  const char* events = "event_time,event_type,user_id,price\n"
                       "2019-10-01 01:00:00 UTC,purchase,a,20\n"  // 2
                       "2019-10-01 01:00:00 UTC,purchase,b,20\n"  // 3
                       "2019-10-01 01:00:00 UTC,purchase,b,25\n"  // 4
                       "2019-10-01 01:00:00 UTC,purchase,a,20\n"  // 5: a's again
                       "2019-10-01 01:00:00 UTC,purchase,c,20\n"  // 6
                       "2019-10-01 02:00:00 UTC,purchase,c,20\n"  // 7
                       "2019-10-01 01:00:00 UTC,purchase,d,\n"    // 8
                       "2019-10-01 01:00:00 UTC,purchase,d,\n"    // 9: d's again
                       "2019-10-01 01:00:00 UTC,purchase,a,20\n"; // 10: a's a third time
  ClickstreamOptions o;
  o.map = parse_event_map("purchase=purchase");
  std::istringstream in(events);
  const ClickstreamResult r = read_clickstream(in, "events.csv", o);
  CHECK(r.bad_rows == 0);
  CHECK(r.duplicate_purchases == 3);
  CHECK(r.first_duplicate_line == 5);
  CHECK(reached(r.funnel, "", "purchase") == 4);
  CHECK(metric(r.funnel, "", "repeat_purchase_rate") == Approx(0.5)); // b and c
  CHECK(metric(r.funnel, "", "purchases") == 5);
  CHECK(metric(r.funnel, "", "order_value_mean") == Approx(21.0));
  CHECK(r.unpriced_purchases == 1);

  // Without a time column two purchases of one price cannot be told from a duplicate: all are kept.
  o.time_column = "";
  std::istringstream untimed(events);
  const ClickstreamResult u = read_clickstream(untimed, "events.csv", o);
  CHECK(u.duplicate_purchases == 0);
  CHECK(metric(u.funnel, "", "repeat_purchase_rate") == 1.0);
  CHECK(metric(u.funnel, "", "purchases") == 7);
  CHECK(u.unpriced_purchases == 2);

  // REES46: one row per product, the order's time; two products of one price are two purchases.
  std::istringstream rees("event_time,event_type,product_id,price,user_id\n"
                          "2019-10-01 01:00:00 UTC,purchase,5802432,2.38,7\n"
                          "2019-10-01 01:00:00 UTC,purchase,5802440,2.38,7\n");
  o.time_column = "event_time";
  const ClickstreamResult p = read_clickstream(rees, "events.csv", o);
  CHECK(p.duplicate_purchases == 0);
  CHECK(metric(p.funnel, "", "purchases") == 2);
}
