// Finding a goroutine of a parsed snapshot in a test.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "goleakcheck/goroutine.hpp"

namespace goleakcheck::test {

// The goroutine with this id; throws (failing the test) when there is none.
inline const Goroutine& by_id(const Snapshot& snapshot, std::uint64_t id) {
  const Goroutine* g = snapshot.find(id);
  if (g == nullptr) throw std::runtime_error("no goroutine " + std::to_string(id));
  return *g;
}

}  // namespace goleakcheck::test
