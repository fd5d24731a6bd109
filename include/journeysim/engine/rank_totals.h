#pragma once
//! A run's totals over several ranks (parallel/ranks.h), identical to one
//! process's: integer counts are summed in any order; floating-point sums
//! are folded block by block in global agent order, as one process adds
//! them, never by an MPI reduction whose order depends on the rank count.

#include "journeysim/engine/journey.h"
#include "journeysim/engine/runner.h"
#include "journeysim/engine/totals.h"

#include <cstddef>
#include <string>
#include <vector>

namespace journeysim {

namespace parallel {
class Ranks;
}

//! The floating-point partials of each block of agents a rank simulated,
//! per variant, in agent order.
class BlockLedger {
public:
  explicit BlockLedger(std::size_t variants) : blocks_(variants) {}
  void record(std::size_t variant, double revenue, double cost, double mood, double discount, double clv,
              const JourneyTally& tally);
  const std::vector<double>& of(std::size_t variant) const { return blocks_[variant]; }

private:
  std::vector<std::vector<double>> blocks_; //!< [variant]: block after block, floats_per_block() each
};

//! Floating-point values one block adds to a variant's totals.
std::size_t floats_per_block(const VariantTotals& totals);

//! Replace the totals of variants `sel` (each rank's own, before finish())
//! by those of all ranks together: integer counts summed, floating-point
//! sums re-folded from every rank's ledger in global block order.
void combine_ranks(const parallel::Ranks& ranks, const std::vector<std::size_t>& sel, const BlockLedger& ledger,
                   std::vector<VariantTotals>& totals);

//! A finished run's totals and feedback reports as bytes, to send to the
//! rank that stores it (the sweep's task farm), and back: unpack_result()
//! gives the RunResult run() returned on the other rank, bit for bit, in
//! everything a results or sweep file stores.
std::string pack_result(const RunResult& result);
//! @param options  the run's resolved options (agents, seed, variants).
//! @throws std::runtime_error If the bytes do not fit the scenario.
RunResult unpack_result(const std::string& bytes, const Scenario& scenario, const RunOptions& options);

} // namespace journeysim
