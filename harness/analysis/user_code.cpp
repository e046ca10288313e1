#include "goleakcheck/user_code.hpp"

#include <algorithm>

namespace goleakcheck {

namespace {

// The import path of a function's package: "net/http" of
// "net/http.(*conn).serve", "example.com/m" of "example.com/m.(*T).f".
std::string_view package_of(std::string_view function) {
  const std::size_t slash = function.rfind('/');
  const std::size_t dot = function.find('.', slash == std::string_view::npos ? 0 : slash);
  return function.substr(0, dot);
}

// The standard library: a package whose first path element has no dot
// (never a module path's; "main" is never the standard library's), in a
// file under a .../src/ directory whose next element has no dot either, as
// every Go root lays them out ("internal/sync.runtime_SemacquireMutex" is
// in src/runtime/sema.go: compare directories, not the package's own).
bool in_go_root(const Frame& frame) {
  const std::string_view package = package_of(frame.function);
  if (package.empty() || package == "main") return false;
  if (package.substr(0, package.find('/')).find('.') != std::string_view::npos) return false;
  const std::size_t src = frame.file.rfind("/src/");
  if (src == std::string_view::npos) return false;
  const std::string_view below = frame.file.substr(src + 5);
  const std::size_t slash = below.find('/');
  return slash != std::string_view::npos && below.substr(0, slash).find('.') == std::string_view::npos;
}

}  // namespace

bool UserCode::owns(const Frame& frame) const {
  if (!modules.empty()) {
    const std::string_view package = package_of(frame.function);
    return std::any_of(modules.begin(), modules.end(), [&](const std::string& module) {
      return package == module || (package.starts_with(module) && package[module.size()] == '/');
    });
  }
  if (frame.file.find("/pkg/mod/") != std::string_view::npos) return false;
  if (frame.file.find("/vendor/") != std::string_view::npos) return false;
  return !frame.file.empty() && !in_go_root(frame);
}

UserOrigin user_origin(const Goroutine& g, const UserCode& user) {
  UserOrigin origin;
  const auto first_user = [&](const std::vector<Frame>& frames) -> const Frame* {
    const auto found = std::find_if(frames.begin(), frames.end(), [&](const Frame& f) { return user.owns(f); });
    return found == frames.end() ? nullptr : &*found;
  };
  if ((origin.frame = first_user(g.frames))) return origin;
  origin.started_it = true;
  const std::optional<Frame>* creator = &g.created_by;
  for (std::size_t i = 0;; ++i) {
    if (!creator->has_value()) return UserOrigin{};
    if (user.owns(**creator)) {
      origin.frame = &**creator;
      return origin;
    }
    origin.through.push_back(&**creator);
    if (i == g.ancestors.size()) {
      origin.frame = nullptr;
      origin.ancestors_missing = g.ancestors.empty();
      return origin;
    }
    if ((origin.frame = first_user(g.ancestors[i].frames))) return origin;
    creator = &g.ancestors[i].created_by;
  }
}

}  // namespace goleakcheck
