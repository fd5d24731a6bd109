#include "journeysim/population/quantile_tables.h"

namespace journeysim {

namespace {
bool same(const Distribution& d, const Distribution& e)
{
  return d.kind == e.kind && d.a == e.a && d.b == e.b && d.min == e.min && d.max == e.max;
}
} // namespace

std::shared_ptr<const QuantileTable> QuantileTables::get(const Distribution& d)
{
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [known, table] : tables_)
      if (same(known, d))
        return table;
  }
  auto table = std::make_shared<const QuantileTable>(d); // outside the lock: others go on
  const std::lock_guard lock(mutex_);
  for (const auto& [known, existing] : tables_)
    if (same(known, d))
      return existing;
  tables_.emplace_back(d, table);
  return table;
}

} // namespace journeysim
