#pragma once
//! Per-agent outcomes of one chunk of agents in one variant, column by
//! column — exactly the per-agent datasets of OUTPUT.md.

#include <cstdint>
#include <vector>

namespace journeysim {

struct OutcomeColumns {
  std::size_t size = 0;
  std::size_t stages = 0;
  std::vector<std::int8_t> final_stage;
  std::vector<std::uint8_t> lost;
  std::vector<std::int16_t> lost_day;
  std::vector<std::int16_t> stage_day; //!< row-major [size][stages]
  std::vector<std::uint16_t> purchases;
  std::vector<double> revenue;
  std::vector<double> cost;
  std::vector<std::uint16_t> touches;
  std::vector<std::uint16_t> cart_abandons;
  std::vector<float> mood;
  // Model v2 (written when the model uses them: docs/OUTPUT.md).
  std::vector<std::int16_t> arrival_day;
  std::vector<std::uint8_t> arrival_source;
  std::vector<double> discount;
  std::vector<float> clv;

  void resize(std::size_t n, std::size_t k)
  {
    size = n;
    stages = k;
    final_stage.resize(n);
    lost.resize(n);
    lost_day.resize(n);
    stage_day.resize(n * k);
    purchases.resize(n);
    revenue.resize(n);
    cost.resize(n);
    touches.resize(n);
    cart_abandons.resize(n);
    mood.resize(n);
    arrival_day.resize(n);
    arrival_source.resize(n);
    discount.resize(n);
    clv.resize(n);
  }
};

} // namespace journeysim
