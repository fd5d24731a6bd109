// One rank (built without JOURNEYSIM_USE_MPI): never constructed.
#include "parallel_columns.h"

#include "journeysim/error.h"

namespace journeysim {

struct ParallelColumns::Impl {};

ParallelColumns::ParallelColumns(const parallel::Ranks&, const std::string& path, const Scenario&,
                                 const RunOptions&)
{
  throw OutputError("cannot write " + path + " from several processes: built without JOURNEYSIM_USE_MPI");
}
ParallelColumns::~ParallelColumns() = default;
void ParallelColumns::write(const Chunk&) {}
void ParallelColumns::close(std::uint64_t) {}

} // namespace journeysim
