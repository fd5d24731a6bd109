// Every file in tests/data/bad/ is a scenario with one mistake a user can make
// (tests/data/bad/generate.py); its first line says where the loader must
// report it and what the message must contain (expected_rejection.h).

#include "expected_rejection.h"

using journeysim::testing::catalogue;

TEST_CASE("there is a bad scenario for every class of mistake", "[scenario][bad]")
{
  CHECK(catalogue("bad").size() >= 40);
}

TEST_CASE("every bad scenario is rejected at the expected place", "[scenario][bad]")
{
  for (const auto& file : catalogue("bad"))
    SECTION(file.filename().string()) {
      journeysim::testing::check_rejected(file);
    }
}
