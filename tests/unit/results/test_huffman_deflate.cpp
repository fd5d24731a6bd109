// The literal-only deflate encoder: every stream it makes is one zlib
// inflates to the input, whatever the bytes, sizes and slices, and it is
// as small as a Huffman code of each slice allows.

#include "results/huffman_deflate.h"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace journeysim;

namespace {

std::vector<unsigned char> inflate_all(const std::vector<unsigned char>& stream, std::size_t size, std::size_t expected)
{
  std::vector<unsigned char> out(expected + 16);
  uLongf n = static_cast<uLongf>(out.size());
  const int rc = uncompress(out.data(), &n, stream.data(), static_cast<uLong>(size));
  INFO("zlib says " << rc);
  REQUIRE(rc == Z_OK);
  out.resize(n);
  return out;
}

//! Shannon bound of a slice's Huffman code, in bytes.
double entropy_bytes(const std::vector<unsigned char>& v)
{
  std::map<int, double> count;
  for (auto b : v)
    ++count[b];
  double bits = 0.0;
  for (const auto& [b, c] : count)
    bits -= c * std::log2(c / static_cast<double>(v.size()));
  return bits / 8.0;
}

} // namespace

TEST_CASE("huffman_zlib streams inflate to their input", "[results][deflate]")
{
  std::mt19937_64 rng(42);
  std::vector<std::pair<std::string, std::vector<unsigned char>>> inputs;
  inputs.emplace_back("empty", std::vector<unsigned char>{});
  inputs.emplace_back("one byte", std::vector<unsigned char>{7});
  inputs.emplace_back("two bytes", std::vector<unsigned char>{0, 255});
  inputs.emplace_back("one value", std::vector<unsigned char>(100000, 9));
  {
    std::vector<unsigned char> v(70000);
    for (auto& b : v)
      b = static_cast<unsigned char>(rng());
    inputs.emplace_back("uniform (stored)", v);
  }
  {
    std::vector<unsigned char> v(131072);
    std::geometric_distribution<int> g(0.3);
    for (auto& b : v)
      b = static_cast<unsigned char>(std::min(255, g(rng)));
    inputs.emplace_back("geometric", v);
  }
  {
    // Fibonacci-like frequencies: an unlimited Huffman tree would be ~25 deep.
    std::vector<unsigned char> v;
    std::uint64_t a = 1, b = 1;
    for (int s = 0; s < 26; ++s) {
      v.insert(v.end(), a, static_cast<unsigned char>(s));
      const auto c = a + b;
      a = b;
      b = c;
    }
    std::shuffle(v.begin(), v.end(), rng);
    inputs.emplace_back("deep tree", v);
  }
  {
    std::vector<unsigned char> v(256 * 300);
    for (std::size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<unsigned char>(i % 256);
    inputs.emplace_back("every value", v);
  }
  for (const auto& [name, data] : inputs)
    for (std::size_t slice : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{32768}, std::size_t{70001}}) {
      INFO(name << ", slice " << slice);
      std::vector<unsigned char> out(3, 0xAB); // written after `at`, what is before kept
      const std::size_t end = huffman_zlib(data.data(), data.size(), slice, out, 3);
      REQUIRE(end > 3);
      REQUIRE(end <= out.size());
      CHECK(out[0] == 0xAB);
      const std::vector<unsigned char> stream(out.begin() + 3, out.begin() + static_cast<std::ptrdiff_t>(end));
      CHECK(inflate_all(stream, stream.size(), data.size()) == data);
      // Never more than stored blocks (5 bytes per 65 535) and the zlib frame.
      if (slice != 1)
        CHECK(stream.size() <= data.size() + 5 * (data.size() / 65535 + 2) + 6 + 5 * (data.size() / std::max<std::size_t>(slice, 1) + 1));
    }
}

TEST_CASE("huffman_zlib codes each slice near its entropy", "[results][deflate]")
{
  // Two slices with different distributions: one code each.
  std::mt19937_64 rng(7);
  std::vector<unsigned char> v(2 * 32768);
  std::geometric_distribution<int> g(0.2);
  for (std::size_t i = 0; i < 32768; ++i)
    v[i] = static_cast<unsigned char>(std::min(255, g(rng)));
  for (std::size_t i = 32768; i < v.size(); ++i)
    v[i] = static_cast<unsigned char>(200 + rng() % 8);
  const std::vector<unsigned char> first(v.begin(), v.begin() + 32768), second(v.begin() + 32768, v.end());
  const double bound = entropy_bytes(first) + entropy_bytes(second);
  std::vector<unsigned char> out;
  const std::size_t size = huffman_zlib(v.data(), v.size(), 32768, out);
  CHECK(inflate_all(out, size, v.size()) == v);
  // Huffman is within one bit per byte of the entropy; here within 2 %, plus headers.
  CHECK(static_cast<double>(size) < 1.02 * bound + 300);
  // One code for both would pay for mixing them.
  std::vector<unsigned char> whole;
  const std::size_t mixed = huffman_zlib(v.data(), v.size(), 0, whole);
  CHECK(size < mixed);
}

TEST_CASE("repeat_fraction counts bytes equal to the one before", "[results][deflate]")
{
  const std::vector<unsigned char> v{1, 1, 1, 2, 3, 3};
  CHECK(repeat_fraction(v.data(), v.size()) == Approx(3.0 / 5.0));
  CHECK(repeat_fraction(v.data(), 1) == 0.0);
  CHECK(repeat_fraction(v.data(), 0) == 0.0);
}
