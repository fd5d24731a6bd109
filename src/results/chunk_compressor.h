#pragma once
//! Private to src/results: a per-agent column's rows of one chunk of agents,
//! shuffled and deflated on a worker thread into the format HDF5's shuffle +
//! deflate(1) filters store (one zlib stream, RFC 1950, per chunk), and
//! written later by the serial writer with HDF5's direct chunk write — so
//! `--compress` costs the writer no more than an uncompressed run. The
//! streams are libdeflate's (≈ 2× faster to make than zlib's and a little
//! smaller), or for chunks with few repeated bytes our own literal-only ones
//! (huffman_deflate.h): any HDF5 reader decodes them with its ordinary
//! deflate filter (plain zlib), but their bytes are not those HDF5's filters
//! would store.
//!
//! Only the HDF5 chunks lying wholly inside the rows are compressed here;
//! rows of chunks that straddle the rows' ends (a partial last chunk, a
//! --chunk size off the HDF5 chunk grid) go through HDF5's filters (zlib) as
//! before.
//!
//! CompressedChunk is what the writers' ChunkSink::prepare() makes of one
//! chunk of agents (the results file's and the sweep file's runs).

#include "journeysim/engine/runner.h"
#include "journeysim/error.h"
#include "journeysim/results/h5.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

struct libdeflate_compressor;

namespace journeysim {

//! Deflate level of compressed per-agent columns: libdeflate's for the
//! chunks compressed here, zlib's for those HDF5's filters compress, and the
//! one h5::RowOptions::compress records in the dataset's deflate filter
//! (advisory: readers decode any level alike). libdeflate's level 1 is
//! ≈ 2.2× as fast as zlib's and 3 % smaller on bench_large
//! (docs/PERFORMANCE.md, "--compress with libdeflate").
inline constexpr int DEFLATE_LEVEL = h5::DEFLATE_LEVEL;

//! Shuffled chunks in which fewer bytes than this repeat the byte before
//! them are coded as literals only (huffman_deflate.h), the others by
//! libdeflate. On bench_large the columns fall on either side of it by far
//! (0.12–0.15 against ≥ 0.46).
inline constexpr double HUFFMAN_ONLY_BELOW = 0.3;

//! A libdeflate compressor at one level: its ≈ 200 kB of tables are
//! allocated once and reused for every chunk. One per thread at a time.
class Deflater {
public:
  //! @throws OutputError If libdeflate cannot allocate it.
  explicit Deflater(int level = DEFLATE_LEVEL);

  //! Writes the zlib-format stream of `bytes` bytes at `data` to `out` from
  //! byte `at`, growing `out` if needed (never shrinking it); returns where
  //! it ends.
  //! @throws OutputError If libdeflate fails.
  std::size_t zlib(const void* data, std::size_t bytes, std::vector<unsigned char>& out, std::size_t at = 0);

private:
  struct Free {
    void operator()(libdeflate_compressor* c) const noexcept;
  };
  std::unique_ptr<libdeflate_compressor, Free> compressor_;
};

//! Writes to `out` from byte `at` what HDF5's shuffle filter followed by
//! its deflate filter make of one chunk of `bytes` bytes of
//! `element_size`-byte elements (the deflate stream made by `deflater`),
//! growing `out` if needed (never shrinking it); returns where they end.
//! `scratch` holds the shuffled bytes.
//! @throws OutputError If libdeflate fails.
std::size_t shuffle_deflate(const void* data, std::size_t bytes, std::size_t element_size, Deflater& deflater,
                            std::vector<unsigned char>& scratch, std::vector<unsigned char>& out, std::size_t at = 0);

//! One column's rows of one chunk of agents, compressed.
class CompressedRows {
public:
  //! Compress the whole HDF5 chunks of `column` inside rows [first, first +
  //! elements / width). Touches no HDF5 state: safe on any thread, for a
  //! column the writer is writing meanwhile. `deflater` is the calling
  //! thread's.
  //! @throws OutputError If `elements` are not whole rows, or libdeflate fails.
  void compress(const h5::RowDataset& column, std::uint64_t first, const void* data, std::size_t elements,
                Deflater& deflater);

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

//! A chunk's per-agent columns compressed on a worker thread by a writer's
//! ChunkSink::prepare(), carried in Chunk::prepared to its write().
//!
//! A writer names its columns with `visit(codes, f)`: it calls f(dataset,
//! values) for each column of the chunk, in one fixed order, `values` a
//! std::span<const T> of the dataset's element type (layout.h's
//! for_each_population_column and for_each_outcome_column), with `codes` as
//! scratch for choice codes.
class CompressedChunk : public PreparedChunk {
public:
  //! Compress the columns `visit` names into chunk.prepared, for the writer
  //! `owner`. Reads only the datasets' shapes (no HDF5 call): safe on a
  //! worker thread while the writer writes earlier chunks.
  //! @throws OutputError If a column's type is not its dataset's, or
  //! libdeflate fails.
  template <class Visit> static void prepare(Chunk& chunk, const void* owner, Visit&& visit)
  {
    auto* c = dynamic_cast<CompressedChunk*>(chunk.prepared.get());
    if (!c || c->owner_ != owner) {
      chunk.prepared = std::make_shared<CompressedChunk>();
      c = static_cast<CompressedChunk*>(chunk.prepared.get());
      c->owner_ = owner;
    }
    c->ready_ = false;
    std::size_t i = 0;
    visit(c->codes_, [&](const h5::RowDataset& d, auto values) {
      using T = std::remove_const_t<typename decltype(values)::element_type>;
      if (h5::H5Type<T>::value != d.type())
        throw OutputError("cannot compress per-agent columns: a column's type differs from its dataset's");
      if (i == c->columns_.size())
        c->columns_.emplace_back();
      c->columns_[i++].compress(d, chunk.first, values.data(), values.size(), c->deflater_);
    });
    c->first_ = chunk.first;
    c->size_ = chunk.size;
    c->ready_ = true;
  }

  //! Write the columns `visit` names at chunk.first: the chunks `owner`'s
  //! prepare() compressed for this chunk directly, or (not prepared: no
  //! --compress, or a sink that skipped prepare) every row through HDF5.
  //! @throws OutputError On HDF5 failure.
  template <class Visit>
  static void write(const Chunk& chunk, const void* owner, std::vector<std::uint8_t>& codes, Visit&& visit)
  {
    auto* c = dynamic_cast<CompressedChunk*>(chunk.prepared.get());
    const std::uint64_t at = chunk.first;
    if (c && c->owner_ == owner && c->ready_ && c->first_ == at && c->size_ == chunk.size) {
      std::size_t i = 0;
      visit(codes, [&](h5::RowDataset& d, auto values) { c->columns_[i++].write(d, at, values.data(), values.size()); });
      c->ready_ = false; // used once: the chunk's buffers are refilled next time
    } else {
      visit(codes, [&](h5::RowDataset& d, auto values) { d.write_rows(at, values); });
    }
  }

private:
  const void* owner_ = nullptr;        //!< the writer that made it
  bool ready_ = false;                 //!< prepared and not yet written
  std::uint64_t first_ = 0;
  std::size_t size_ = 0;
  std::vector<CompressedRows> columns_; //!< in the order `visit` names them
  std::vector<std::uint8_t> codes_;     //!< scratch: choice attribute codes
  Deflater deflater_;                   //!< for the thread preparing it
};

} // namespace journeysim
