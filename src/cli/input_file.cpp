// Whole-document input with a size cap (see input_file.hpp).
#include "cli/input_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/unique_fd.hpp"

namespace vigil::cli {

Result<std::string> read_input(const std::string& path, size_t max_bytes) {
  const bool from_stdin = path == "-";
  const std::string name = from_stdin ? "<stdin>" : path;
  UniqueFd owned(from_stdin ? -1 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  const int fd = from_stdin ? STDIN_FILENO : owned.get();
  if (fd < 0) {
    return fail(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
  }
  std::string bytes;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) {
      return bytes;
    }
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
    }
    if (bytes.size() + static_cast<size_t>(n) > max_bytes) {
      return fail(fmt::format("{}: larger than {} MiB", name, max_bytes >> 20));
    }
    bytes.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace vigil::cli
