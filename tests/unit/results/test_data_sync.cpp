// DataSync: the background fdatasync of a results file being written.

#include "journeysim/results/data_sync.h"

#include "temp_dir.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

using journeysim::DataSync;

namespace {
std::size_t open_descriptors()
{
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}
} // namespace

TEST_CASE("DataSync syncs on request, in the background, and closes its descriptor", "[results]")
{
  journeysim::testing::TempDir dir;
  const int fd = ::open(dir.file("f").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  const std::size_t before = open_descriptors();
  {
    DataSync sync;
    sync.start(fd);
    CHECK(open_descriptors() == before + 1); // its own duplicate
    const std::vector<char> data(1 << 20, 'x');
    REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    sync.request();
    // The request returns at once; the sync follows (bounded wait: a busy machine is slow, not wrong).
    for (int i = 0; i < 2000 && sync.synced() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(sync.synced() == 1);
    sync.stop();
    CHECK(open_descriptors() == before);
    sync.request(); // after stop: nothing, and no hang
    CHECK(sync.synced() == 1);
  } // the destructor after stop(): nothing left to do
  CHECK(open_descriptors() == before);
  ::close(fd);
}

TEST_CASE("DataSync without a descriptor does nothing", "[results]")
{
  DataSync sync;
  sync.start(-1);
  sync.request();
  sync.stop();
  CHECK(sync.synced() == 0);
}
