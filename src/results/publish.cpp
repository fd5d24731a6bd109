#include "journeysim/results/publish.h"

#include "journeysim/error.h"
#include "journeysim/util/quote.h"

#include <fcntl.h>
#include <stdio.h> // renameat2 (glibc ≥ 2.28)
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace journeysim {

namespace {

struct flock whole_file(short type)
{
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0; // to the end, however large the file grows
  fl.l_pid = 0; // required by OFD locks
  return fl;
}

} // namespace

LiveLock::~LiveLock()
{
  release();
}

LiveLock::LiveLock(LiveLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

LiveLock& LiveLock::operator=(LiveLock&& other) noexcept
{
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void LiveLock::adopt(int fd) noexcept
{
  release();
  fd_ = fd;
}

void LiveLock::release() noexcept
{
  if (fd_ >= 0)
    ::close(fd_); // drops the lock
  fd_ = -1;
}

void LiveLock::start_writeback() const noexcept
{
  if (fd_ >= 0)
    ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE); // a failure only costs the fsync its time
}

bool LiveLock::acquire(const std::string& path, std::string* problem)
{
  release();
  const int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (problem)
      *problem = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (problem)
      *problem = "not a regular file";
    ::close(fd);
    return false;
  }
  struct flock fl = whole_file(F_WRLCK);
  if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
    if (problem)
      *problem = (errno == EAGAIN || errno == EACCES) ? "another process is writing it" : std::strerror(errno);
    ::close(fd);
    return false;
  }
  fd_ = fd;
  return true;
}

namespace {
//! An unnamed file in `path`'s directory, locked, then linked as `path`
//! (open(2), O_TMPFILE). 1: done; 0: `path` exists; -1: not possible here
//! (no O_TMPFILE on this file system, or no /proc).
int create_locked_unnamed(const std::string& path, LiveLock& lock)
{
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    return -1;
  struct flock fl = whole_file(F_WRLCK);
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  if (::fcntl(fd, F_OFD_SETLK, &fl) == 0 &&
      ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0) {
    lock.adopt(fd);
    return 1;
  }
  const int err = errno;
  ::close(fd);
  return err == EEXIST ? 0 : -1;
}
} // namespace

bool create_locked(const std::string& path, LiveLock& lock)
{
  if (const int made = create_locked_unnamed(path, lock); made >= 0)
    return made == 1;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0) {
    if (errno == EEXIST)
      return false;
    throw OutputError("cannot create " + quote(path) + ": " + std::strerror(errno));
  }
  ::close(fd);
  // A clean-up scan of another run may take the lock in the instant between
  // the creation and ours, judge the empty file stale and remove it: then
  // this name is lost, and the caller tries the next one.
  std::string problem;
  if (lock.acquire(path, &problem) && file_id(path) != FileId{})
    return true;
  lock.release();
  return false;
}

std::string create_partial(const std::string& target, LiveLock& lock)
{
  const std::string base = target + ".partial-" + std::to_string(::getpid());
  for (int n = 0; n < 100; ++n) {
    const std::string path = n == 0 ? base : base + "-" + std::to_string(n);
    if (create_locked(path, lock))
      return path;
  }
  throw OutputError("cannot create a temporary file beside " + quote(target) + ": 100 names in use");
}

bool is_partial_name(const std::string& name, const std::string& target_name)
{
  const std::string prefix = target_name + ".partial-";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
    return false;
  const std::string rest = name.substr(prefix.size());
  return rest.size() <= 20 && rest.front() != '-' && rest.find_first_not_of("0123456789-") == std::string::npos;
}

bool is_live(const std::string& path)
{
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return false;
  struct flock fl = whole_file(F_WRLCK);
  const bool live = ::fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  ::close(fd);
  return live;
}

FileId file_id(const std::string& path)
{
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return {};
  return {true, static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

bool publish(const std::string& temp, const std::string& target, bool replace, const FileId& expected)
{
  const auto fail = [&](int err) {
    return OutputError("cannot move the results to " + quote(target) + ": " + std::strerror(err) +
                       "; the complete results were left in " + quote(temp));
  };
  if (replace && expected.exists) {
    // Replace exactly the file that was checked at the start, nothing else.
    if (file_id(target) != expected)
      return false;
    if (::rename(temp.c_str(), target.c_str()) != 0)
      throw fail(errno);
    return true;
  }
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0)
    return true;
  if (errno == EEXIST)
    return false;
  if (errno != EINVAL && errno != ENOSYS)
    throw fail(errno);
  // No RENAME_NOREPLACE on this file system: link() never replaces either.
  if (::link(temp.c_str(), target.c_str()) != 0) {
    if (errno == EEXIST)
      return false;
    throw fail(errno);
  }
  ::unlink(temp.c_str());
  return true;
}

} // namespace journeysim
