#include "dump/name_pool.hpp"

#include "dump/text_fields.hpp"

#include <algorithm>
#include <cstring>

namespace goleakcheck {

namespace {

constexpr std::size_t kBlockSize = 64 * 1024;

std::uint64_t load8(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}

// One step of a multiply-fold hash (as in wyhash): the 128-bit product's
// halves folded together, so every input bit reaches every output bit.
__extension__ typedef unsigned __int128 uint128;  // GCC and Clang on 64-bit targets

std::uint64_t mix(std::uint64_t h, std::uint64_t word) {
  const uint128 product = static_cast<uint128>(h ^ word) * 0x9E3779B97F4A7C15ull;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

// Names are looked up once per frame, so hashing is on the parser's hot
// path. Every byte counts (no adversarial pile-up on sampled bytes), sixteen
// bytes per step in two independent lanes, the last step overlapping the
// one before.
std::uint64_t hash_name(std::string_view text) {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::uint64_t a = 0x243F6A8885A308D3ull ^ n;
  std::uint64_t b = 0x13198A2E03707344ull;
  if (n > 16) {
    for (std::size_t i = 0; i + 16 < n; i += 16) {
      a = mix(a, load8(p + i));
      b = mix(b, load8(p + i + 8));
    }
    a = mix(a, load8(p + n - 16));
    b = mix(b, load8(p + n - 8));
  } else if (n >= 8) {
    a = mix(a, load8(p));
    b = mix(b, load8(p + n - 8));
  } else if (n > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, n);
    a = mix(a, word);
  }
  return mix(a, b);
}

}  // namespace

NamePool::NamePool() : slots_(1024) {}

std::string_view NamePool::intern(std::string_view text) {
  const std::uint64_t hash = hash_name(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.data == nullptr) {
      const std::string_view stored = store(text);
      slot = Slot{hash, stored.data(), static_cast<std::uint32_t>(stored.size())};
      if (++count_ * 2 > slots_.size()) grow();
      return stored;
    }
    if (slot.hash == hash && detail::same_text({slot.data, slot.length}, text)) {
      return {slot.data, slot.length};
    }
  }
}

std::string_view NamePool::store(std::string_view text) {
  // An empty name still needs a non-null address to mark the slot used.
  const std::size_t size = std::max<std::size_t>(text.size(), 1);
  if (size > free_size_) {
    const std::size_t block = std::max(size, kBlockSize);
    blocks_.push_back(std::make_unique<char[]>(block));
    free_ = blocks_.back().get();
    free_size_ = block;
  }
  char* at = free_;
  std::memcpy(at, text.data(), text.size());
  free_ += size;
  free_size_ -= size;
  return {at, text.size()};
}

void NamePool::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.data == nullptr) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].data != nullptr) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace goleakcheck
