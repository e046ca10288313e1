// Interning for the names a dump repeats thousands of times: a large dump
// holds a few hundred distinct functions and files, each printed once per
// frame. Storing each once lets a snapshot outlive the text it was read
// from, which is what allows reading a dump while it streams in.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck {

class NamePool {
 public:
  NamePool();
  NamePool(const NamePool&) = delete;
  NamePool& operator=(const NamePool&) = delete;

  // A view equal to `text` that lives as long as the pool; the same view
  // for every equal text.
  std::string_view intern(std::string_view text);

 private:
  struct Slot {
    std::uint64_t hash = 0;
    const char* data = nullptr;  // null: empty slot
    std::uint32_t length = 0;
  };

  std::string_view store(std::string_view text);
  void grow();

  std::vector<Slot> slots_;  // open addressing, power-of-two size
  std::size_t count_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* free_ = nullptr;
  std::size_t free_size_ = 0;
};

}  // namespace goleakcheck
