#pragma once
//! The processes of a run (MPI ranks; docs/SCALING.md). Built without
//! JOURNEYSIM_USE_MPI this is one rank and every operation is trivial, so the
//! rest of the code never tests for MPI. With it, a binary started without
//! mpirun is also one rank and behaves exactly as the serial build.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace journeysim::parallel {

class Ranks {
public:
  //! Starts MPI when built with it (once per process; MPI_THREAD_SERIALIZED:
  //! only one thread at a time calls MPI or parallel HDF5).
  Ranks(int& argc, char**& argv);
  ~Ranks(); //!< finalizes MPI
  Ranks(const Ranks&) = delete;
  Ranks& operator=(const Ranks&) = delete;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  bool root() const noexcept { return rank_ == 0; }

  //! Element-wise sum over all ranks, result on every rank (integers only:
  //! their sum does not depend on the order).
  void sum(std::vector<std::int64_t>& values) const;
  //! Floating-point folds in rank order, so they equal the serial fold bit
  //! for bit: rank 0 starts from `state`, each rank applies `fold_mine` to
  //! the state its predecessor passed on, and every rank ends with the last
  //! rank's state.
  void fold_in_rank_order(std::vector<double>& state,
                          const std::function<void(std::vector<double>&)>& fold_mine) const;
  //! Rank `root`'s bytes on every rank.
  void broadcast(std::string& bytes, int root = 0) const;
  void barrier() const;

  // Point-to-point messages for the sweep's task farm (tags are the caller's).
  void send(int to, int tag, const std::string& bytes) const;
  //! Receives from any rank (`from` = -1) or one; sets `from` and `tag` to the sender's.
  std::string receive(int& from, int& tag) const;

  //! Ends every rank of the job now with `code` (a rank that failed must not
  //! leave the others waiting in a collective call).
  [[noreturn]] void abort(int code) const;

  //! The MPI communicator (an MPI_Comm) for parallel HDF5; null without MPI.
  const void* communicator() const noexcept;

private:
  int rank_ = 0, size_ = 1;
};

//! Contiguous, even split of `items` over `ranks`: rank r's [first, end).
inline void split_evenly(std::uint64_t items, int ranks, int r, std::uint64_t& first, std::uint64_t& end)
{
  const auto n = static_cast<std::uint64_t>(ranks), i = static_cast<std::uint64_t>(r);
  first = items / n * i + std::min(i, items % n);
  end = first + items / n + (i < items % n ? 1 : 0);
}

} // namespace journeysim::parallel
