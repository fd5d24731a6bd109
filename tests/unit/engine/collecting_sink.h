#pragma once
// A ChunkSink that keeps every per-agent column in memory, for tests.

#include "journeysim/engine/runner.h"

#include <cstring>
#include <type_traits>
#include <vector>

namespace journeysim::testing {

struct CollectedVariant {
  std::vector<std::uint16_t> persona;
  std::vector<float> attributes; // chunk after chunk
  OutcomeColumns all;            // every agent, in order
};

//! Append every outcome column of `o` to `into` (for_each_column order).
inline void append_all(OutcomeColumns& into, const OutcomeColumns& o)
{
  std::size_t i = 0;
  for_each_column(into, [&](const OutcomeColumn&, auto& dst) {
    std::size_t j = 0;
    for_each_column(o, [&](const OutcomeColumn&, const auto& src) {
      if constexpr (std::is_same_v<std::decay_t<decltype(src)>, std::decay_t<decltype(dst)>>)
        if (j == i)
          dst.insert(dst.end(), src.begin(), src.end());
      ++j;
    });
    ++i;
  });
}

//! Agent i's outcome columns equal bit for bit in `a` and `b` (every column).
inline bool same_agent(const OutcomeColumns& a, const OutcomeColumns& b, std::size_t i)
{
  bool same = true;
  std::size_t n = 0;
  for_each_column(a, [&](const OutcomeColumn& col, const auto& x) {
    std::size_t m = 0;
    for_each_column(b, [&](const OutcomeColumn&, const auto& y) {
      if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::decay_t<decltype(y)>>)
        if (m == n) {
          const std::size_t w = col.per_stage ? a.stages : 1;
          same = same && std::memcmp(&x[i * w], &y[i * w], w * sizeof(x[0])) == 0;
        }
      ++m;
    });
    ++n;
  });
  return same;
}

//! Every agent's outcome columns equal bit for bit.
inline bool same_outcomes(const OutcomeColumns& a, const OutcomeColumns& b)
{
  if (a.size != b.size || a.stages != b.stages)
    return false;
  for (std::size_t i = 0; i < a.size; ++i)
    if (!same_agent(a, b, i))
      return false;
  return true;
}

class CollectingSink : public ChunkSink {
public:
  void write(const Chunk& chunk) override
  {
    variants.resize(chunk.variants.size());
    for (std::size_t v = 0; v < chunk.variants.size(); ++v) {
      const auto& o = chunk.variants[v].outcomes;
      auto& c = variants[v];
      auto append = [](auto& dst, const auto& src) { dst.insert(dst.end(), src.begin(), src.end()); };
      append(c.persona, chunk.variants[v].agents->persona);
      append(c.attributes, chunk.variants[v].agents->attributes);
      // Every outcome column of engine/outcome_columns.h.
      append_all(c.all, o);
      c.all.size += o.size;
      c.all.stages = o.stages;
    }
  }
  std::vector<CollectedVariant> variants;
};

} // namespace journeysim::testing
