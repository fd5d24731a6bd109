#include "huffman_deflate.h"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <queue>
#include <utility>

namespace journeysim {

namespace {

constexpr int LITERALS = 257;  // bytes 0-255 and the end of block (256)
constexpr int END_OF_BLOCK = 256;
constexpr int MAX_CODE_BITS = 15;     // literal/length codes (RFC 1951 3.2.7)
constexpr int MAX_LENGTH_BITS = 7;    // the code-length code
constexpr std::size_t MAX_STORED = 65535;

//! Bits to the output LSB first, as deflate packs them.
class BitWriter {
public:
  explicit BitWriter(unsigned char* p) noexcept : p_(p) {}
  //! Up to 32 bits.
  void put(std::uint32_t bits, int count) noexcept
  {
    acc_ |= static_cast<std::uint64_t>(bits) << filled_;
    filled_ += count;
    if (filled_ >= 32) {
      const auto word = static_cast<std::uint32_t>(acc_);
      std::memcpy(p_, &word, 4); // little-endian host (chunk_compressor.cpp asserts it)
      p_ += 4;
      acc_ >>= 32;
      filled_ -= 32;
    }
  }
  //! Pad with zero bits to a byte boundary; returns the next byte.
  unsigned char* align() noexcept
  {
    while (filled_ > 0) {
      *p_++ = static_cast<unsigned char>(acc_);
      acc_ >>= 8;
      filled_ = std::max(0, filled_ - 8);
    }
    acc_ = 0;
    return p_;
  }
  void skip_to(unsigned char* p) noexcept { p_ = p; } // after align()

private:
  unsigned char* p_;
  std::uint64_t acc_ = 0;
  int filled_ = 0;
};

//! Huffman code lengths for `freq`, none above `limit`. Frequencies are
//! flattened (halved, kept non-zero) until the tree is shallow enough, so
//! the code stays complete. At least two symbols get a code (a complete code
//! needs two; the extra one is never used).
template <std::size_t N> std::array<std::uint8_t, N> code_lengths(std::array<std::uint32_t, N> freq, int limit)
{
  int used = 0;
  for (auto f : freq)
    used += f > 0;
  for (std::size_t s = 0; used < 2; ++s)
    if (freq[s] == 0) {
      freq[s] = 1;
      ++used;
    }
  std::array<std::uint8_t, N> len{};
  for (;;) {
    // Nodes 0..N-1 are symbols; internal nodes follow. parent[] gives depths.
    std::array<int, 2 * N> parent{};
    using Item = std::pair<std::uint64_t, int>; // (weight, node), smallest first
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    for (std::size_t s = 0; s < N; ++s)
      if (freq[s] > 0)
        heap.emplace(freq[s], static_cast<int>(s));
    int next = static_cast<int>(N);
    while (heap.size() > 1) {
      const Item a = heap.top();
      heap.pop();
      const Item b = heap.top();
      heap.pop();
      parent[static_cast<std::size_t>(a.second)] = next;
      parent[static_cast<std::size_t>(b.second)] = next;
      heap.emplace(a.first + b.first, next++);
    }
    const int root = next - 1;
    int deepest = 0;
    for (std::size_t s = 0; s < N; ++s) {
      int depth = 0;
      if (freq[s] > 0)
        for (int n = static_cast<int>(s); n != root; n = parent[static_cast<std::size_t>(n)])
          ++depth;
      len[s] = static_cast<std::uint8_t>(depth);
      deepest = std::max(deepest, depth);
    }
    if (deepest <= limit)
      return len;
    for (auto& f : freq)
      if (f > 0)
        f = (f >> 1) | 1;
  }
}

//! Canonical codes (RFC 1951 3.2.2), bit-reversed for LSB-first output.
template <std::size_t N> std::array<std::uint16_t, N> canonical_codes(const std::array<std::uint8_t, N>& len)
{
  std::array<int, MAX_CODE_BITS + 2> count{}, next{};
  for (auto l : len)
    ++count[l];
  count[0] = 0;
  int code = 0;
  for (int bits = 1; bits <= MAX_CODE_BITS; ++bits) {
    code = (code + count[static_cast<std::size_t>(bits - 1)]) << 1;
    next[static_cast<std::size_t>(bits)] = code;
  }
  std::array<std::uint16_t, N> codes{};
  for (std::size_t s = 0; s < N; ++s) {
    const int l = len[s];
    if (l == 0)
      continue;
    const int c = next[static_cast<std::size_t>(l)]++;
    int reversed = 0;
    for (int b = 0; b < l; ++b)
      reversed |= ((c >> b) & 1) << (l - 1 - b);
    codes[s] = static_cast<std::uint16_t>(reversed);
  }
  return codes;
}

//! One symbol of the code-length alphabet with its extra bits.
struct LengthSymbol {
  std::uint8_t symbol, extra_bits, extra;
};

//! The code lengths of the literal code and of the single unused distance
//! code (length 0), run-length coded with symbols 16-18.
std::vector<LengthSymbol> run_length_code(const std::array<std::uint8_t, LITERALS>& len)
{
  std::array<std::uint8_t, LITERALS + 1> all{};
  std::copy(len.begin(), len.end(), all.begin());
  std::vector<LengthSymbol> out;
  for (std::size_t i = 0; i < all.size();) {
    const std::uint8_t l = all[i];
    std::size_t run = 1;
    while (i + run < all.size() && all[i + run] == l)
      ++run;
    std::size_t left = run;
    if (l == 0) {
      while (left >= 11) {
        const std::size_t n = std::min<std::size_t>(left, 138);
        out.push_back({18, 7, static_cast<std::uint8_t>(n - 11)});
        left -= n;
      }
      if (left >= 3) {
        out.push_back({17, 3, static_cast<std::uint8_t>(left - 3)});
        left = 0;
      }
    } else {
      out.push_back({l, 0, 0});
      --left;
      while (left >= 3) {
        const std::size_t n = std::min<std::size_t>(left, 6);
        out.push_back({16, 2, static_cast<std::uint8_t>(n - 3)});
        left -= n;
      }
    }
    for (; left > 0; --left)
      out.push_back({l, 0, 0});
    i += run;
  }
  return out;
}

// Order in which the code-length code's lengths are sent (RFC 1951 3.2.7).
constexpr std::array<int, 19> LENGTH_ORDER{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

//! One block of literals: dynamic Huffman, or stored if that is not larger.
void write_block(BitWriter& bits, const unsigned char* data, std::size_t n, bool last)
{
  std::array<std::uint32_t, LITERALS> freq{};
  {
    // Four histograms: consecutive equal bytes do not wait on each other.
    std::array<std::array<std::uint32_t, 256>, 4> h{};
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      ++h[0][data[i]];
      ++h[1][data[i + 1]];
      ++h[2][data[i + 2]];
      ++h[3][data[i + 3]];
    }
    for (; i < n; ++i)
      ++h[0][data[i]];
    for (std::size_t s = 0; s < 256; ++s)
      freq[s] = h[0][s] + h[1][s] + h[2][s] + h[3][s];
  }
  freq[END_OF_BLOCK] = 1;
  const auto len = code_lengths(freq, MAX_CODE_BITS);
  const auto rle = run_length_code(len);
  std::array<std::uint32_t, 19> length_freq{};
  for (const auto& r : rle)
    ++length_freq[r.symbol];
  const auto length_len = code_lengths(length_freq, MAX_LENGTH_BITS);
  int sent = 19; // code-length lengths sent: trailing zeros (in LENGTH_ORDER) are not
  while (sent > 4 && length_len[static_cast<std::size_t>(LENGTH_ORDER[static_cast<std::size_t>(sent - 1)])] == 0)
    --sent;

  std::uint64_t huffman_bits = 3 + 5 + 5 + 4 + 3 * static_cast<std::uint64_t>(sent);
  for (const auto& r : rle)
    huffman_bits += length_len[r.symbol] + r.extra_bits;
  for (std::size_t s = 0; s < LITERALS; ++s)
    huffman_bits += static_cast<std::uint64_t>(freq[s]) * len[s];
  const std::uint64_t stored_bits = 8 * (n + 5 * std::max<std::size_t>(1, (n + MAX_STORED - 1) / MAX_STORED)) + 7;
  if (stored_bits <= huffman_bits) {
    std::size_t done = 0;
    do {
      const std::size_t k = std::min(n - done, MAX_STORED);
      bits.put(last && done + k == n ? 1 : 0, 1);
      bits.put(0, 2); // stored
      unsigned char* p = bits.align();
      const auto len16 = static_cast<std::uint16_t>(k);
      const auto nlen16 = static_cast<std::uint16_t>(~len16);
      std::memcpy(p, &len16, 2);
      std::memcpy(p + 2, &nlen16, 2);
      if (k > 0) // an empty input's block: `data` may be null
        std::memcpy(p + 4, data + done, k);
      bits.skip_to(p + 4 + k);
      done += k;
    } while (done < n);
    return;
  }

  bits.put(last ? 1 : 0, 1);
  bits.put(2, 2);                    // dynamic Huffman codes
  bits.put(LITERALS - 257, 5);       // HLIT: literal/length codes beyond 257
  bits.put(0, 5);                    // HDIST: one distance code, of length 0 (none used)
  bits.put(static_cast<std::uint32_t>(sent - 4), 4); // HCLEN
  for (int k = 0; k < sent; ++k)
    bits.put(length_len[static_cast<std::size_t>(LENGTH_ORDER[static_cast<std::size_t>(k)])], 3);
  const auto length_codes = canonical_codes(length_len);
  for (const auto& r : rle) {
    bits.put(length_codes[r.symbol], length_len[r.symbol]);
    if (r.extra_bits > 0)
      bits.put(r.extra, r.extra_bits);
  }
  const auto codes = canonical_codes(len);
  // Two literals (≤ 30 bits) per put.
  std::size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    const unsigned a = data[i], b = data[i + 1];
    bits.put(codes[a] | static_cast<std::uint32_t>(codes[b]) << len[a], len[a] + len[b]);
  }
  if (i < n)
    bits.put(codes[data[i]], len[data[i]]);
  bits.put(codes[END_OF_BLOCK], len[END_OF_BLOCK]);
}

} // namespace

std::size_t huffman_zlib(const unsigned char* data, std::size_t bytes, std::size_t slice,
                         std::vector<unsigned char>& out, std::size_t at)
{
  if (slice == 0 || slice > bytes)
    slice = std::max<std::size_t>(bytes, 1);
  const std::size_t blocks = std::max<std::size_t>(1, (bytes + slice - 1) / slice);
  // Each block is at most its stored size (5 bytes per 65 535, plus a
  // byte of header bits and padding) or its Huffman size, which is smaller
  // than that; 8 bytes of slack for the 32-bit writes.
  const std::size_t bound = 2 + bytes + blocks * (6 + 5 * (slice / MAX_STORED + 1)) + 4 + 8;
  if (out.size() < at + bound)
    out.resize(at + bound);
  unsigned char* p = out.data() + at;
  p[0] = 0x78; // deflate, 32 KiB window
  p[1] = 0x01; // fastest compression; (0x78 << 8 | 0x01) % 31 == 0
  BitWriter bits(p + 2);
  std::size_t done = 0;
  do {
    const std::size_t n = std::min(slice, bytes - done);
    write_block(bits, data + done, n, done + n == bytes);
    done += n;
  } while (done < bytes);
  unsigned char* end = bits.align();
  const std::uint32_t adler = libdeflate_adler32(1, data, bytes);
  const unsigned char trailer[4] = {static_cast<unsigned char>(adler >> 24), static_cast<unsigned char>(adler >> 16),
                                    static_cast<unsigned char>(adler >> 8), static_cast<unsigned char>(adler)};
  std::memcpy(end, trailer, 4);
  return static_cast<std::size_t>(end + 4 - out.data());
}

double repeat_fraction(const unsigned char* data, std::size_t bytes)
{
  if (bytes < 2)
    return 0.0;
  std::size_t repeats = 0;
  for (std::size_t i = 1; i < bytes; ++i)
    repeats += data[i] == data[i - 1];
  return static_cast<double>(repeats) / static_cast<double>(bytes - 1);
}

} // namespace journeysim
