#pragma once
// A ChunkSink that keeps every per-agent column in memory, for tests.

#include "journeysim/engine/runner.h"

#include <vector>

namespace journeysim::testing {

struct CollectedVariant {
  std::vector<std::uint16_t> persona;
  std::vector<float> attributes; // chunk after chunk
  OutcomeColumns all;            // every agent, in order
};

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
      append(c.all.final_stage, o.final_stage);
      append(c.all.lost, o.lost);
      append(c.all.lost_day, o.lost_day);
      append(c.all.stage_day, o.stage_day);
      append(c.all.purchases, o.purchases);
      append(c.all.revenue, o.revenue);
      append(c.all.cost, o.cost);
      append(c.all.touches, o.touches);
      append(c.all.cart_abandons, o.cart_abandons);
      append(c.all.mood, o.mood);
      c.all.size += o.size;
      c.all.stages = o.stages;
    }
  }
  std::vector<CollectedVariant> variants;
};

} // namespace journeysim::testing
