#include "journeysim/results/data_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <system_error>

namespace journeysim {

void DataSync::start(int fd) noexcept
{
  stop();
  fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (fd_ < 0)
    return;
  stopping_ = wanted_ = false;
  try {
    thread_ = std::thread([this] { loop(); });
  } catch (const std::system_error&) {
    ::close(fd_);
    fd_ = -1;
  }
}

void DataSync::request() noexcept
{
  if (fd_ < 0)
    return;
  {
    const std::lock_guard<std::mutex> hold(mutex_);
    wanted_ = true;
  }
  wake_.notify_one();
}

void DataSync::stop() noexcept
{
  if (thread_.joinable()) {
    {
      const std::lock_guard<std::mutex> hold(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
}

void DataSync::loop() noexcept
{
  std::unique_lock<std::mutex> hold(mutex_);
  for (;;) {
    wake_.wait(hold, [this] { return wanted_ || stopping_; });
    if (stopping_)
      return;
    wanted_ = false;
    hold.unlock();
    ::fdatasync(fd_); // a failure only leaves more for the final fsync
    ++synced_;
    hold.lock();
  }
}

} // namespace journeysim
