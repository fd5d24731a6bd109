#pragma once
//! Streaming means and co-moments of D per-agent variables, added a block of
//! agents at a time: each block is centred on its own mean (two passes over
//! the block) and merged with Chan et al.'s pairwise update. Blocks must
//! arrive in agent order; the result is then the same for any thread count.

#include <cstddef>
#include <vector>

namespace journeysim::analysis {

class CoMoments {
public:
  CoMoments() = default;
  explicit CoMoments(std::size_t dims) : d_(dims), mean_(dims, 0.0), m2_(dims * dims, 0.0) {}

  //! Add `count` agents: row r is values[r·D … r·D + D).
  void add_block(const double* values, std::size_t count);
  //! Merge another accumulator (added after everything added so far).
  void merge(const CoMoments& other);

  // add_block in two halves, for a block computed in one process and merged
  // in order in another (engine/rank_totals.h): the same arithmetic.
  //! Append the block's mean and centred sums (record_size() values) to `out`.
  void record_block(const double* values, std::size_t count, std::vector<double>& out);
  //! Merge a record of `count` agents as add_block would have.
  void merge_record(const double* record, std::size_t count);
  std::size_t record_size() const noexcept { return d_ + d_ * d_; }
  //! The accumulated state (state_size() values), and back.
  void save(std::vector<double>& out) const;
  void load(const double* state);
  std::size_t state_size() const noexcept { return 1 + d_ + d_ * d_; }

  std::size_t dims() const noexcept { return d_; }
  double n() const noexcept { return n_; }
  double mean(std::size_t i) const { return mean_[i]; }
  double sum(std::size_t i) const { return mean_[i] * n_; }
  //! Sample covariance (divisor n − 1; 0 when n < 2).
  double cov(std::size_t i, std::size_t j) const
  {
    return n_ > 1 ? m2_[i * d_ + j] / (n_ - 1) : 0.0;
  }

private:
  void merge_block(double count); //!< merge block_mean_/block_m2_ of `count` agents
  void block_moments(const double* values, std::size_t count); //!< into block_mean_/block_m2_
  std::size_t d_ = 0;
  double n_ = 0.0;
  std::vector<double> mean_, m2_; //!< m2_: Σ (x_i − x̄_i)(x_j − x̄_j), full D×D
  std::vector<double> block_mean_, block_m2_; //!< scratch
};

} // namespace journeysim::analysis
