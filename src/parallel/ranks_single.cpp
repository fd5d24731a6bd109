// One rank: the build without JOURNEYSIM_USE_MPI.
#include "journeysim/parallel/ranks.h"

#include <cstdlib>
#include <stdexcept>

namespace journeysim::parallel {

Ranks::Ranks(int&, char**&) {}
Ranks::~Ranks() = default;
void Ranks::sum(std::vector<std::int64_t>&) const {}
void Ranks::fold_in_rank_order(std::vector<double>& state,
                               const std::function<void(std::vector<double>&)>& fold_mine) const
{
  fold_mine(state);
}
void Ranks::broadcast(std::string&, int) const {}
void Ranks::barrier() const {}
void Ranks::send(int, int, const std::string&) const
{
  throw std::logic_error("no other rank to send to");
}
std::string Ranks::receive(int&, int&) const
{
  throw std::logic_error("no other rank to receive from");
}
void Ranks::abort(int code) const
{
  std::_Exit(code);
}
const void* Ranks::communicator() const noexcept
{
  return nullptr;
}

} // namespace journeysim::parallel
