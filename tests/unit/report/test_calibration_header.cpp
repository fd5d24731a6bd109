#include "journeysim/report/report_data.h"

#include <catch2/catch.hpp>

using namespace journeysim::report;

TEST_CASE("report: the fit recorded in a calibrated scenario's header is read back", "[report][calibration]")
{
  const std::string source =
    "# Calibrated by journeysim calibrate on 2026-11-30 22:10:35 UTC\n"
    "# target: shop.csv\n"
    "#\n"
    "# transition                                 customers     reached  observed    fitted  residual\n"
    "# awareness -> interest                        200,000      93,756    0.4688    0.4685     0.135\n"
    "# gen_z: intent -> purchase                     14,683       4,274    0.2911    0.2886     0.385\n"
    "# intent -> purchase                            30,000       9,000    0.3000    0.2950     0.912   shown, not fitted\n"
    "# goodness of fit: deviance 1.392 on 2 degree(s) of freedom, p = 0.499\n"
    "name: x\n"
    "# a comment further down is not part of the header -> no\n";
  const Calibration c = parse_calibration_header(source);
  REQUIRE(c.header.size() == 8);
  CHECK(c.header[1] == "target: shop.csv");
  REQUIRE(c.rows.size() == 2); // the shown row was not fitted: not compared
  CHECK(c.rows[0].from == "awareness");
  CHECK(c.rows[0].to == "interest");
  CHECK(c.rows[0].persona.empty());
  CHECK(c.rows[0].customers == 200000);
  CHECK(c.rows[0].reached == 93756);
  CHECK(c.rows[0].fitted == 0.4685);
  CHECK(c.rows[1].persona == "gen_z");
  CHECK(c.rows[1].from == "intent");

  CHECK(parse_calibration_header("name: x\n# Calibrated by journeysim calibrate\n").header.empty());
}
