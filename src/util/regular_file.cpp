#include "journeysim/util/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace journeysim {

namespace {

const char* kind_of(mode_t mode)
{
  if (S_ISDIR(mode))
    return "it is a directory";
  if (S_ISFIFO(mode))
    return "it is a FIFO (named pipe), not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "it is a device, not a regular file";
  if (S_ISSOCK(mode))
    return "it is a socket, not a regular file";
  return "it is not a regular file";
}

} // namespace

RegularFile::RegularFile(const std::string& path)
{
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    missing_ = err == ENOENT;
    problem_ = std::strerror(err);
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    problem_ = std::strerror(errno);
    ::close(fd);
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    problem_ = kind_of(st.st_mode);
    ::close(fd);
    return;
  }
  // A regular file: reads never block anyway, but callers expect plain reads.
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0)
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  fd_ = fd;
}

RegularFile::~RegularFile()
{
  if (fd_ >= 0)
    ::close(fd_);
}

} // namespace journeysim
