#include "journeysim/analysis/comoments.h"

namespace journeysim::analysis {

namespace {

//! Centred sums of one block with the dimension known at compile time, so
//! the loops unroll (the general loop below is ~3× slower for small D).
template <std::size_t D>
void centred_sums(const double* x, std::size_t count, double* mean, double* m2)
{
  double s[D] = {};
  for (std::size_t r = 0; r < count; ++r)
    for (std::size_t i = 0; i < D; ++i)
      s[i] += x[r * D + i];
  const double nb = static_cast<double>(count);
  for (std::size_t i = 0; i < D; ++i)
    mean[i] = s[i] / nb;
  double acc[D * D] = {};
  for (std::size_t r = 0; r < count; ++r) {
    double c[D];
    for (std::size_t i = 0; i < D; ++i)
      c[i] = x[r * D + i] - mean[i];
    for (std::size_t i = 0; i < D; ++i)
      for (std::size_t j = i; j < D; ++j)
        acc[i * D + j] += c[i] * c[j];
  }
  for (std::size_t i = 0; i < D; ++i)
    for (std::size_t j = 0; j < D; ++j)
      m2[i * D + j] = j >= i ? acc[i * D + j] : acc[j * D + i];
}

} // namespace

void CoMoments::add_block(const double* x, std::size_t count)
{
  if (count == 0)
    return;
  block_moments(x, count);
  merge_block(static_cast<double>(count));
}

void CoMoments::record_block(const double* x, std::size_t count, std::vector<double>& out)
{
  block_moments(x, count);
  out.insert(out.end(), block_mean_.begin(), block_mean_.end());
  out.insert(out.end(), block_m2_.begin(), block_m2_.end());
}

void CoMoments::merge_record(const double* record, std::size_t count)
{
  if (count == 0)
    return;
  block_mean_.assign(record, record + d_);
  block_m2_.assign(record + d_, record + d_ + d_ * d_);
  merge_block(static_cast<double>(count));
}

void CoMoments::save(std::vector<double>& out) const
{
  out.push_back(n_);
  out.insert(out.end(), mean_.begin(), mean_.end());
  out.insert(out.end(), m2_.begin(), m2_.end());
}

void CoMoments::load(const double* state)
{
  n_ = state[0];
  mean_.assign(state + 1, state + 1 + d_);
  m2_.assign(state + 1 + d_, state + 1 + d_ + d_ * d_);
}

void CoMoments::block_moments(const double* x, std::size_t count)
{
  const std::size_t d = d_;
  if (d == 2 || d == 6) {
    block_mean_.assign(d, 0.0);
    block_m2_.assign(d * d, 0.0);
    if (d == 2)
      centred_sums<2>(x, count, block_mean_.data(), block_m2_.data());
    else
      centred_sums<6>(x, count, block_mean_.data(), block_m2_.data());
    return;
  }
  block_mean_.assign(d, 0.0);
  block_m2_.assign(d * d, 0.0);
  for (std::size_t r = 0; r < count; ++r)
    for (std::size_t i = 0; i < d; ++i)
      block_mean_[i] += x[r * d + i];
  const double nb = static_cast<double>(count);
  for (std::size_t i = 0; i < d; ++i)
    block_mean_[i] /= nb;
  std::vector<double> c(d);
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t i = 0; i < d; ++i)
      c[i] = x[r * d + i] - block_mean_[i];
    for (std::size_t i = 0; i < d; ++i) {
      if (c[i] == 0.0)
        continue;
      for (std::size_t j = i; j < d; ++j)
        block_m2_[i * d + j] += c[i] * c[j];
    }
  }
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = 0; j < i; ++j)
      block_m2_[i * d + j] = block_m2_[j * d + i];
}

void CoMoments::merge_block(double nb)
{
  const std::size_t d = d_;
  // Merge (Chan, Golub & LeVeque 1979).
  const double na = n_, n = na + nb;
  for (std::size_t i = 0; i < d; ++i) {
    const double di = block_mean_[i] - mean_[i];
    for (std::size_t j = 0; j < d; ++j) {
      const double dj = block_mean_[j] - mean_[j];
      m2_[i * d + j] += block_m2_[i * d + j] + di * dj * na * nb / n;
    }
  }
  for (std::size_t i = 0; i < d; ++i)
    mean_[i] += (block_mean_[i] - mean_[i]) * nb / n;
  n_ = n;
}

void CoMoments::merge(const CoMoments& o)
{
  if (o.n_ == 0)
    return;
  const std::size_t d = d_;
  const double na = n_, nb = o.n_, n = na + nb;
  for (std::size_t i = 0; i < d; ++i) {
    const double di = o.mean_[i] - mean_[i];
    for (std::size_t j = 0; j < d; ++j) {
      const double dj = o.mean_[j] - mean_[j];
      m2_[i * d + j] += o.m2_[i * d + j] + di * dj * na * nb / n;
    }
  }
  for (std::size_t i = 0; i < d; ++i)
    mean_[i] += (o.mean_[i] - mean_[i]) * nb / n;
  n_ = n;
}

} // namespace journeysim::analysis
