#include "journeysim/engine/outcome_columns.h"

namespace journeysim {

void OutcomeColumns::resize(std::size_t n, std::size_t k)
{
  size = n;
  stages = k;
  for_each_column(*this, [&](const OutcomeColumn& c, auto& v) { v.resize(c.per_stage ? n * k : n); });
}

bool OutcomeColumn::written_for(const Model& model) const
{
  switch (when) {
  case Written::Always: return true;
  case Written::WithArrivals: return !model.arrivals.at_start;
  case Written::WithMoney: return model.uses_money();
  }
  return true;
}

std::size_t outcome_bytes_per_agent(const Model& model)
{
  std::size_t bytes = 0;
  OutcomeColumns none;
  for_each_column(none, [&](const OutcomeColumn& c, auto& v) {
    if (c.written_for(model))
      bytes += sizeof(typename std::decay_t<decltype(v)>::value_type) * (c.per_stage ? model.stages.size() : 1);
  });
  return bytes;
}

} // namespace journeysim
