// Private to the generator (generator*.cc): its random numbers, integer-only so that the
// same seed gives the same households everywhere (see generator.cc).
#pragma once

#include <cassert>
#include <cstdint>
#include <span>

namespace fupin::generator_detail {

// Randomness

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna), with integer-only draws.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : s_) s = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) for 0 < n < 2^32 (multiply-shift of 32 random bits; the bias, at
  // most n / 2^32, is far below anything the register shows).
  uint32_t Below(uint32_t n) {
    assert(n > 0);
    return static_cast<uint32_t>(((Next() >> 32) * n) >> 32);
  }
  // Uniform in [lo, hi]; lo <= hi.
  int Range(int lo, int hi) {
    assert(lo <= hi);
    return lo + static_cast<int>(Below(static_cast<uint32_t>(hi - lo) + 1));
  }
  // True with probability per10k / 10,000.
  bool Chance(int per10k) { return static_cast<int>(Below(10000)) < per10k; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

struct Weighted {
  int value;
  int weight;
};

inline int Pick(Rng& rng, std::span<const Weighted> table) {
  int total = 0;
  for (const Weighted& w : table) total += w.weight;
  int r = static_cast<int>(rng.Below(static_cast<uint32_t>(total)));
  for (const Weighted& w : table) {
    if (r < w.weight) return w.value;
    r -= w.weight;
  }
  return table.back().value;
}

// A distribution given by its quantiles: `p` in parts per million (first 0, last
// 1,000,000), `yuan` the value there; values between knots are linear. Returns fen.
struct Knot {
  int p;
  int64_t yuan;
};

inline int64_t DrawFen(Rng& rng, std::span<const Knot> knots) {
  const int u = static_cast<int>(rng.Below(1000000));
  size_t i = 1;
  while (i + 1 < knots.size() && knots[i].p <= u) ++i;
  const Knot& a = knots[i - 1];
  const Knot& b = knots[i];
  const int64_t from = a.yuan * 100, to = b.yuan * 100;
  return from + (to - from) * (u - a.p) / (b.p - a.p);
}

}  // namespace fupin::generator_detail
