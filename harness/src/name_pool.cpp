#include "name_pool.hpp"

#include <algorithm>
#include <cstring>

namespace goleakcheck {

namespace {

constexpr std::size_t kBlockSize = 64 * 1024;

// A fast non-cryptographic hash, eight bytes per step: names are short and
// looked up once per frame, so the hash is on the parser's hot path.
std::uint64_t hash_bytes(std::string_view text) {
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = text.size() * kMultiplier;
  const char* p = text.data();
  std::size_t left = text.size();
  for (; left >= 8; p += 8, left -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * kMultiplier;
    h ^= h >> 29;
  }
  if (left > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, left);
    h = (h ^ word) * kMultiplier;
    h ^= h >> 29;
  }
  return h ^ (h >> 32);
}

}  // namespace

NamePool::NamePool() : slots_(1024) {}

std::string_view NamePool::intern(std::string_view text) {
  const std::uint64_t hash = hash_bytes(text);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.data == nullptr) {
      const std::string_view stored = store(text);
      slot = Slot{hash, stored.data(), static_cast<std::uint32_t>(stored.size())};
      if (++count_ * 2 > slots_.size()) grow();
      return stored;
    }
    if (slot.hash == hash && slot.length == text.size() && std::memcmp(slot.data, text.data(), text.size()) == 0) {
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
