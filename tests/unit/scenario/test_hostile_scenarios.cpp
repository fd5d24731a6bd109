// Every file in tests/data/hostile/ is input meant to crash, hang or exhaust
// the loader (tests/data/hostile/generate.py). Each must be refused with a
// ScenarioError at the expected place, quickly. The expectation is the first
// line "# expect: LINE:COLUMN: substring", or, for files that cannot carry a
// comment (binary, BOM, empty), a sidecar FILE.expect (expected_rejection.h).
// In-process, so the ASan/UBSan build (scripts/check) runs them all too.

#include "expected_rejection.h"

using journeysim::testing::catalogue;

TEST_CASE("the hostile catalogue has at least 40 inputs", "[scenario][hostile]")
{
  CHECK(catalogue("hostile").size() >= 40);
}

TEST_CASE("every hostile input is refused at the expected place, quickly", "[scenario][hostile]")
{
  for (const auto& file : catalogue("hostile"))
    SECTION(file.filename().string()) {
      journeysim::testing::check_rejected(file);
    }
}

TEST_CASE("scenario text past the size limit is refused before parsing", "[scenario][hostile]")
{
  const std::string huge(5u * 1024u * 1024u, 'a');
  try {
    (void)journeysim::parse_scenario(huge, "huge.yaml");
    FAIL("accepted a 5 MiB scenario");
  } catch (const journeysim::ScenarioError& e) {
    CHECK(e.line() == 1);
    CHECK(e.message().find("file too large") != std::string::npos);
  }
}
