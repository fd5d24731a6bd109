#pragma once
//! Private to src/results: a per-agent column's rows of one chunk of agents,
//! compressed on a worker thread exactly as HDF5's shuffle + deflate(1)
//! filters would store them, and written later by the serial writer with
//! HDF5's direct chunk write — so `--compress` costs the writer no more than
//! an uncompressed run, and the file is the one HDF5's filters would make.
//!
//! Only the HDF5 chunks lying wholly inside the rows are compressed here;
//! rows of chunks that straddle the rows' ends (a partial last chunk, a
//! --chunk size off the HDF5 chunk grid) go through HDF5's filters as before.

#include "journeysim/results/h5.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace journeysim {

//! Deflate level and filters of compressed per-agent columns
//! (h5::RowOptions::compress sets the same on the dataset).
inline constexpr int DEFLATE_LEVEL = 1;

//! Writes to `out` from byte `at` what HDF5's shuffle filter followed by
//! its deflate filter (zlib compress2 at `level`) make of one chunk of
//! `bytes` bytes of `element_size`-byte elements, growing `out` if needed
//! (never shrinking it); returns where they end. `scratch` holds the
//! shuffled bytes.
//! @throws OutputError If zlib fails.
std::size_t shuffle_deflate(const void* data, std::size_t bytes, std::size_t element_size, int level,
                            std::vector<unsigned char>& scratch, std::vector<unsigned char>& out, std::size_t at = 0);

//! One column's rows of one chunk of agents, compressed.
class CompressedRows {
public:
  //! Compress the whole HDF5 chunks of `column` inside rows [first, first +
  //! elements / width). Touches no HDF5 state: safe on any thread, for a
  //! column the writer is writing meanwhile.
  //! @throws OutputError If `elements` are not whole rows, or zlib fails.
  void compress(const h5::RowDataset& column, std::uint64_t first, const void* data, std::size_t elements);

  //! Write the same rows: the compressed chunks directly, the rest (if any)
  //! through HDF5's filters. `data` must be what compress() saw.
  //! @throws OutputError On HDF5 failure, or if compress() saw other rows.
  void write(h5::RowDataset& column, std::uint64_t first, const void* data, std::size_t elements) const;

  //! Whole HDF5 chunks compressed by the last compress().
  std::size_t chunks() const noexcept { return ends_.size(); }

private:
  std::uint64_t first_ = 0, rows_ = 0;  //!< rows compress() saw
  std::uint64_t direct_first_ = 0;      //!< first row of the first compressed chunk
  std::uint64_t chunk_rows_ = 0;
  std::vector<unsigned char> bytes_;    //!< the compressed chunks, back to back (only grows)
  std::vector<std::size_t> ends_;       //!< end of each chunk in bytes_
  std::vector<unsigned char> scratch_;  //!< shuffled bytes of one chunk
};

} // namespace journeysim
