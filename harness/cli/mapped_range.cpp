#include "mapped_range.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "goleakcheck/error.hpp"
#include "goleakcheck/source.hpp"

namespace goleakcheck::cli {

namespace {

// 16 MiB: larger windows cost fewer mappings (the whole 64 MiB dump in
// windows of 1, 4, 16 and 64 MiB: 33.5, 32.1, 30.4, 30.9 ms of CPU).
constexpr std::uint64_t kWindow = std::uint64_t{16} << 20;

// The windows mapped now, for the SIGBUS handler: [begin, end) of each, 0
// when the slot is free. Atomics, since the handler reads them on any
// thread, at any moment.
struct Window {
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
  std::atomic<bool> lost{false};  // a page of it was replaced by zeros
};
std::array<Window, 64> g_windows;
struct sigaction g_previous_sigbus {};
std::uintptr_t g_page_size = 4096;

void on_sigbus(int, siginfo_t* info, void*) {
  const auto at = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (Window& window : g_windows) {
    if (at < window.begin.load(std::memory_order_acquire) || at >= window.end.load(std::memory_order_acquire)) {
      continue;
    }
    // The file shrank under the mapping, or its page could not be read:
    // zeros in its place (mmap is a plain system call on Linux, safe here),
    // and the window marked, so that the read ends in an error, not a crash.
    void* page = reinterpret_cast<void*>(at & ~(g_page_size - 1));
    if (::mmap(page, g_page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      window.lost.store(true, std::memory_order_release);
      return;
    }
  }
  // Not ours: as if this handler had never been installed. Returning runs
  // the access again, which faults again under the old handling.
  ::sigaction(SIGBUS, &g_previous_sigbus, nullptr);
}

void install_sigbus_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &g_previous_sigbus);
  });
}

// A slot of g_windows for one mapping while it lives.
class WindowSlot {
 public:
  WindowSlot(const char* begin, std::size_t size) {
    for (Window& window : g_windows) {
      std::uintptr_t free = 0;
      if (window.begin.compare_exchange_strong(free, reinterpret_cast<std::uintptr_t>(begin))) {
        window_ = &window;
        window.lost.store(false, std::memory_order_relaxed);
        window.end.store(reinterpret_cast<std::uintptr_t>(begin) + size, std::memory_order_release);
        return;
      }
    }
  }
  WindowSlot(const WindowSlot&) = delete;
  WindowSlot& operator=(const WindowSlot&) = delete;
  ~WindowSlot() {
    if (window_ == nullptr) return;
    window_->end.store(0, std::memory_order_release);
    window_->begin.store(0, std::memory_order_release);
  }
  bool guarded() const { return window_ != nullptr; }
  bool lost() const { return window_->lost.load(std::memory_order_acquire); }

 private:
  Window* window_ = nullptr;
};

class Mapping {
 public:
  Mapping(int fd, std::uint64_t offset, std::size_t size) : size_(size) {
    void* at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, static_cast<off_t>(offset));
    if (at != MAP_FAILED) data_ = static_cast<const char*>(at);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  const char* data() const { return data_; }

 private:
  const char* data_ = nullptr;
  std::size_t size_;
};

class FileDescriptor {
 public:
  explicit FileDescriptor(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};


}  // namespace

void feed_mapped_range(const std::string& path, std::uint64_t begin, std::uint64_t end, DumpReader& reader) {
  const FileDescriptor file(path);
  if (file.get() < 0) {
    throw Error(ErrorKind::io, fmt::format("cannot read the dump {}: {}", path, std::strerror(errno)));
  }
  install_sigbus_handler();
  const auto page_size = static_cast<std::uint64_t>(g_page_size);
  std::uint64_t at = begin;
  while (at < end) {
    // Checked before each window too: a file found shorter is an error at
    // once, without a fault.
    struct stat info {};
    if (::fstat(file.get(), &info) != 0 || static_cast<std::uint64_t>(info.st_size) < end) {
      throw dump_changed_while_read(path);
    }
    const std::uint64_t map_from = at & ~(page_size - 1);  // mappings start on a page
    const std::uint64_t stop = std::min(end, map_from + kWindow);
    const Mapping mapping(file.get(), map_from, static_cast<std::size_t>(stop - map_from));
    if (mapping.data() == nullptr) {
      feed_file_range(path, at, end, reader);
      return;
    }
    const WindowSlot slot(mapping.data(), static_cast<std::size_t>(stop - map_from));
    if (!slot.guarded()) {  // 64 windows at once: never with one thread per core, at most 4
      feed_file_range(path, at, end, reader);
      return;
    }
    reader.feed(std::string_view(mapping.data() + (at - map_from), static_cast<std::size_t>(stop - at)));
    if (slot.lost()) throw dump_changed_while_read(path);
    at = stop;
  }
}

}  // namespace goleakcheck::cli
