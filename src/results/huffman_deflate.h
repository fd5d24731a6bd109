#pragma once
//! Private to src/results: a zlib stream (RFC 1950/1951) of literals only —
//! one dynamic-Huffman (or stored) deflate block per slice of the input, no
//! string matching. For a shuffled chunk of a column whose values have no
//! repeats worth finding (sampled attributes, costs, moods: their bytes
//! differ from one agent to the next but are far from uniform) this is
//! ≈ 4× as fast as libdeflate's level 1 and as small or smaller: each slice
//! (a byte plane of the shuffle) gets its own code. Any inflate decodes it.

#include <cstddef>
#include <vector>

namespace journeysim {

//! Writes to `out` from byte `at` the zlib stream of `bytes` bytes at
//! `data`, one deflate block per `slice` bytes (0: one block), each coded
//! with its own Huffman code of the bytes, or stored where that is not
//! smaller. Grows `out` if needed (never shrinks it); returns where the
//! stream ends.
std::size_t huffman_zlib(const unsigned char* data, std::size_t bytes, std::size_t slice,
                         std::vector<unsigned char>& out, std::size_t at = 0);

//! Fraction of the bytes equal to the byte before them: repeats that string
//! matching (libdeflate) compresses and literals alone do not.
double repeat_fraction(const unsigned char* data, std::size_t bytes);

} // namespace journeysim
