#include "journeysim/results/text_output.h"

#include "journeysim/error.h"
#include "journeysim/results/output_safety.h"
#include "journeysim/util/quote.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace journeysim {

namespace {

//! The whole of `text` to `fd`, synced. False with errno set on failure.
bool write_all(int fd, const std::string& text)
{
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = EIO;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return ::fsync(fd) == 0;
}

} // namespace

void write_text_output(const std::string& target, const std::string& text, const OutputTarget& o)
{
  const FileId replaced = check_output_target(target, o);
  // A page or table whose writer was killed (Ctrl-C ends report at once)
  // left TARGET.partial-PID: no live process holds it, so it goes.
  remove_stale_partials(target);
  LiveLock lock;
  const std::string temp = create_partial(target, lock);
  if (!write_all(lock.fd(), text)) {
    const int err = errno;
    lock.release();
    ::unlink(temp.c_str());
    throw OutputError(o.option + ": cannot write " + quote(target) + ": " + std::strerror(err));
  }
  if (!publish(temp, target, o.force, replaced)) {
    lock.release();
    ::unlink(temp.c_str());
    throw OutputError(o.option + ": another process put a file at " + quote(target) +
                      " while this one was being written; it was left as it is and nothing was written");
  }
}

} // namespace journeysim
