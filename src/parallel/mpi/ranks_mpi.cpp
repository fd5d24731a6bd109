// MPI ranks: the build with JOURNEYSIM_USE_MPI (docs/SCALING.md).
// The C API only (Open MPI's mpi.h would otherwise declare its C++ bindings, which need libmpi_cxx).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include "journeysim/parallel/ranks.h"

#include <mpi.h>

#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace journeysim::parallel {

namespace {

const MPI_Comm& world()
{
  static const MPI_Comm comm = MPI_COMM_WORLD;
  return comm;
}

int count_of(std::size_t n)
{
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("MPI message too long");
  return static_cast<int>(n);
}

} // namespace

Ranks::Ranks(int& argc, char**& argv)
{
  // Only the thread in the pipeline's serial stage (or the main thread)
  // calls MPI and HDF5, one at a time.
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw std::runtime_error("this MPI library cannot be called from more than one thread");
  }
  MPI_Comm_rank(world(), &rank_);
  MPI_Comm_size(world(), &size_);
}

Ranks::~Ranks()
{
  MPI_Finalize();
}

void Ranks::sum(std::vector<std::int64_t>& values) const
{
  if (size_ > 1)
    MPI_Allreduce(MPI_IN_PLACE, values.data(), count_of(values.size()), MPI_INT64_T, MPI_SUM, world());
}

void Ranks::fold_in_rank_order(std::vector<double>& state,
                               const std::function<void(std::vector<double>&)>& fold_mine) const
{
  const int n = count_of(state.size());
  if (rank_ > 0)
    MPI_Recv(state.data(), n, MPI_DOUBLE, rank_ - 1, 0, world(), MPI_STATUS_IGNORE);
  fold_mine(state);
  if (rank_ + 1 < size_)
    MPI_Send(state.data(), n, MPI_DOUBLE, rank_ + 1, 0, world());
  if (size_ > 1)
    MPI_Bcast(state.data(), n, MPI_DOUBLE, size_ - 1, world());
}

void Ranks::broadcast(std::string& bytes, int root) const
{
  if (size_ == 1)
    return;
  std::uint64_t n = bytes.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, root, world());
  bytes.resize(n);
  MPI_Bcast(bytes.data(), count_of(n), MPI_CHAR, root, world());
}

void Ranks::barrier() const
{
  if (size_ > 1)
    MPI_Barrier(world());
}

void Ranks::send(int to, int tag, const std::string& bytes) const
{
  MPI_Send(bytes.data(), count_of(bytes.size()), MPI_CHAR, to, tag, world());
}

std::string Ranks::receive(int& from, int& tag) const
{
  MPI_Status status;
  MPI_Probe(from < 0 ? MPI_ANY_SOURCE : from, MPI_ANY_TAG, world(), &status);
  int n = 0;
  MPI_Get_count(&status, MPI_CHAR, &n);
  std::string bytes(static_cast<std::size_t>(n), '\0');
  MPI_Recv(bytes.data(), n, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, world(), MPI_STATUS_IGNORE);
  from = status.MPI_SOURCE;
  tag = status.MPI_TAG;
  return bytes;
}

void Ranks::abort(int code) const
{
  MPI_Abort(world(), code);
  std::_Exit(code);
}

const void* Ranks::communicator() const noexcept
{
  return &world();
}

} // namespace journeysim::parallel
