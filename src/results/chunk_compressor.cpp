#include "chunk_compressor.h"

#include "huffman_deflate.h"
#include "journeysim/error.h"

#include <libdeflate.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

namespace journeysim {

// Columns are stored little-endian (h5.cpp's file types) and HDF5 converts
// nothing when memory and file types agree: the bytes in memory are the
// bytes the filters see.
static_assert(std::endian::native == std::endian::little, "direct chunk writes assume a little-endian host");

namespace {

//! Byte b of element i to b * n + i, for a size known at compile time (one
//! pass over the elements instead of one per byte).
template <std::size_t E> void shuffle(const unsigned char* src, std::size_t n, unsigned char* dst)
{
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t b = 0; b < E; ++b)
      dst[b * n + i] = src[i * E + b];
}

} // namespace

void Deflater::Free::operator()(libdeflate_compressor* c) const noexcept { libdeflate_free_compressor(c); }

Deflater::Deflater(int level) : compressor_(libdeflate_alloc_compressor(level))
{
  if (!compressor_)
    throw OutputError("cannot compress chunks: libdeflate cannot make a compressor at level " +
                      std::to_string(level));
}

std::size_t Deflater::zlib(const void* data, std::size_t bytes, std::vector<unsigned char>& out, std::size_t at)
{
  // Room for the worst case, so that a 0 return can only be a failure. `out`
  // only grows (zero-filling it again for every chunk costs ~5 %).
  const std::size_t bound = libdeflate_zlib_compress_bound(compressor_.get(), bytes);
  if (out.size() < at + bound)
    out.resize(at + bound);
  const std::size_t size = libdeflate_zlib_compress(compressor_.get(), data, bytes, out.data() + at, bound);
  if (size == 0)
    throw OutputError("cannot compress a chunk of " + std::to_string(bytes) + " bytes: libdeflate failed");
  return at + size;
}

std::size_t shuffle_deflate(const void* data, std::size_t bytes, std::size_t element_size, Deflater& deflater,
                            std::vector<unsigned char>& scratch, std::vector<unsigned char>& out, std::size_t at)
{
  // HDF5's H5Z shuffle: byte b of element i goes to b * n + i; nothing to do
  // for 1-byte elements or a single element; trailing bytes stay last.
  const auto* src = static_cast<const unsigned char*>(data);
  const std::size_t n = element_size > 0 ? bytes / element_size : 0;
  if (element_size > 1 && n > 1) {
    scratch.resize(bytes);
    switch (element_size) {
    case 2: shuffle<2>(src, n, scratch.data()); break;
    case 4: shuffle<4>(src, n, scratch.data()); break;
    case 8: shuffle<8>(src, n, scratch.data()); break;
    default:
      for (std::size_t b = 0; b < element_size; ++b)
        for (std::size_t i = 0; i < n; ++i)
          scratch[b * n + i] = src[i * element_size + b];
    }
    const std::size_t rest = bytes - n * element_size;
    std::memcpy(scratch.data() + n * element_size, src + n * element_size, rest);
    src = scratch.data();
  }
  // HDF5's H5Z deflate stores one zlib stream per chunk. Byte planes with
  // few repeats (sampled attributes, costs, moods) have nothing for string
  // matching to find: literals alone, one Huffman code per plane, are
  // smaller and ≈ 4× faster to make (docs/PERFORMANCE.md).
  if (element_size > 1 && n > 1 && repeat_fraction(src, bytes) < HUFFMAN_ONLY_BELOW)
    return huffman_zlib(src, bytes, n, out, at);
  return deflater.zlib(src, bytes, out, at);
}

void CompressedRows::compress(const h5::RowDataset& column, std::uint64_t first, const void* data,
                              std::size_t elements, Deflater& deflater)
{
  const std::uint64_t width = column.width();
  if (elements % width != 0)
    throw OutputError("cannot compress rows: " + std::to_string(elements) + " values are not whole rows of " +
                      std::to_string(width));
  first_ = first;
  rows_ = elements / width;
  chunk_rows_ = column.chunk_rows();
  ends_.clear();
  if (chunk_rows_ == 0)
    return;
  // Whole chunks of the grid inside [first, end), the dataset's last
  // (partial, padded by HDF5) chunk excepted.
  const std::uint64_t end = std::min(first + rows_, column.rows());
  const std::uint64_t k0 = (first + chunk_rows_ - 1) / chunk_rows_;
  const std::uint64_t k1 = end / chunk_rows_;
  direct_first_ = k0 * chunk_rows_;
  const std::size_t row_bytes = width * column.element_size();
  const std::size_t chunk_bytes = chunk_rows_ * row_bytes;
  const auto* src = static_cast<const unsigned char*>(data);
  for (std::uint64_t k = k0; k < k1; ++k) {
    ends_.push_back(shuffle_deflate(src + (k * chunk_rows_ - first) * row_bytes, chunk_bytes, column.element_size(),
                                    deflater, scratch_, bytes_, ends_.empty() ? 0 : ends_.back()));
  }
}

void CompressedRows::write(h5::RowDataset& column, std::uint64_t first, const void* data, std::size_t elements) const
{
  const std::uint64_t width = column.width();
  if (first != first_ || elements != rows_ * width || column.chunk_rows() != chunk_rows_)
    throw OutputError("cannot write compressed rows: they were compressed for rows [" + std::to_string(first_) + ", " +
                      std::to_string(first_ + rows_) + ")");
  const auto* src = static_cast<const unsigned char*>(data);
  const std::size_t row_bytes = width * column.element_size();
  const std::uint64_t end = first + rows_;
  const std::uint64_t direct_end = ends_.empty() ? first : direct_first_ + ends_.size() * chunk_rows_;
  const std::uint64_t head_end = ends_.empty() ? end : direct_first_;
  // Rows before the first whole chunk, the chunks, then the rows after.
  if (head_end > first)
    column.write_rows(first, column.type(), src, (head_end - first) * width);
  std::size_t begin = 0;
  for (std::size_t c = 0; c < ends_.size(); ++c) {
    column.write_chunk(direct_first_ + c * chunk_rows_, bytes_.data() + begin, ends_[c] - begin);
    begin = ends_[c];
  }
  if (!ends_.empty() && end > direct_end)
    column.write_rows(direct_end, column.type(), src + (direct_end - first) * row_bytes, (end - direct_end) * width);
}

} // namespace journeysim
