// Atomic report files: a crash or full disk leaves the old file, not a truncated one.
#include "cli/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ext/stdio_filebuf.h>
#include <iostream>

namespace vigil::cli {
namespace {

Result<void> write_in_place(const std::string& path, const std::function<void(std::ostream&)>& render) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return fail(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  __gnu_cxx::stdio_filebuf<char> buffer(fd, std::ios::out, 1 << 16);  // closes fd when it goes
  std::ostream out(&buffer);
  render(out);
  out.flush();
  if (!out) {
    return fail(fmt::format("{}: write failed: {}", path, std::strerror(errno)));
  }
  return {};
}

}  // namespace

Result<void> write_output(const std::string& path, const std::function<void(std::ostream&)>& render) {
  if (path.empty() || path == "-") {
    render(std::cout);
    std::cout.flush();
    if (!std::cout) {
      return fail(fmt::format("writing to stdout: {}", std::strerror(errno)));
    }
    return {};
  }
  // A device, FIFO or /dev/stdout is written in place: renaming a temp file over /dev/null (as root) would
  // replace the device with a regular file.
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return write_in_place(path, render);
  }
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return fail(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  }
  ::fchmod(fd, 0644);
  bool ok = false;
  int err = 0;
  {
    __gnu_cxx::stdio_filebuf<char> buffer(fd, std::ios::out, 1 << 16);  // closes fd when it goes
    std::ostream out(&buffer);
    render(out);
    out.flush();
    ok = static_cast<bool>(out) && ::fsync(fd) == 0;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return fail(fmt::format("{}: write failed: {}", path, std::strerror(err)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return fail(fmt::format("{}: cannot replace: {}", path, std::strerror(err)));
  }
  return {};
}

}  // namespace vigil::cli
