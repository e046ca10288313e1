// Runs an action when the scope it guards is left by an exception, and only
// then: the clean-up that keeps what was already written well formed.
#pragma once

#include <exception>
#include <utility>

namespace goleakcheck::cli {

template <class Action>
class OnError {
 public:
  explicit OnError(Action action) : action_(std::move(action)) {}
  OnError(const OnError&) = delete;
  OnError& operator=(const OnError&) = delete;
  ~OnError() {
    if (std::uncaught_exceptions() > exceptions_) action_();
  }

 private:
  Action action_;
  int exceptions_ = std::uncaught_exceptions();
};

}  // namespace goleakcheck::cli
