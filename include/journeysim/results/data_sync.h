#pragma once
//! Keeps a file's written data going to stable storage while it is being
//! written, so that the fsync before it takes its name waits for the last
//! few chunks only, not the whole file.
//!
//! Why a thread: on a virtual disk the guest's page cache is not the whole
//! story. The host caches the guest's writes too, and an fsync makes the
//! host write everything since the previous one: 0.3 s for a 700 MB results
//! file at the end of a 4 s run (docs/PERFORMANCE.md), even when the guest
//! had started writing its pages back long before (sync_file_range). An
//! fdatasync every few chunks, made by a thread that otherwise sleeps, lets
//! the host flush beside the simulation instead of after it.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

namespace journeysim {

class DataSync {
public:
  DataSync() = default;
  ~DataSync() { stop(); }
  DataSync(const DataSync&) = delete;
  DataSync& operator=(const DataSync&) = delete;

  //! Starts syncing `fd` (duplicated: the caller keeps its own) on request.
  //! Best effort: if the thread or the duplicate cannot be made, requests do nothing.
  void start(int fd) noexcept;
  //! Asks for an fdatasync soon; returns at once. Requests made while one
  //! runs are merged into the next.
  void request() noexcept;
  //! Waits for a sync in progress and ends the thread.
  void stop() noexcept;
  //! Syncs made so far.
  std::size_t synced() const noexcept { return synced_.load(); }

private:
  void loop() noexcept;

  int fd_ = -1;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false, stopping_ = false;
  std::atomic<std::size_t> synced_{0};
};

} // namespace journeysim
