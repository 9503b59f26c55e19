// Atomic report files: a crash or full disk leaves the old file, not a truncated one.
#include "cli/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/unique_fd.hpp"

namespace vigil::cli {
namespace {

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Result<void> write_output(const std::string& path, std::string_view content) {
  if (path.empty() || path == "-") {
    std::fflush(stdout);
    if (!write_all(STDOUT_FILENO, content)) {
      return fail(fmt::format("writing to stdout: {}", std::strerror(errno)));
    }
    return {};
  }
  std::string tmp = path + ".tmp-XXXXXX";
  UniqueFd fd(::mkstemp(tmp.data()));
  if (!fd.valid()) {
    return fail(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  }
  ::fchmod(fd.get(), 0644);
  if (!write_all(fd.get(), content) || ::fsync(fd.get()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(fmt::format("{}: write failed: {}", path, std::strerror(err)));
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(fmt::format("{}: cannot replace: {}", path, std::strerror(err)));
  }
  return {};
}

}  // namespace vigil::cli
