// libFuzzer target: parse_scenario on arbitrary bytes (scripts/fuzz,
// scripts/check). Any input may be rejected, but only with ScenarioError:
// another exception, a crash, a leak, undefined behaviour, a hang (-timeout)
// or too much memory (-rss_limit_mb) is a finding.

#include "journeysim/error.h"
#include "journeysim/scenario/loader.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const journeysim::Scenario scenario = journeysim::parse_scenario(text, "fuzz.yaml");
    (void)scenario;
  } catch (const journeysim::ScenarioError&) {
    // the expected way to refuse input
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parse_scenario threw something other than ScenarioError: %s\n", e.what());
    std::abort();
  }
  return 0;
}
