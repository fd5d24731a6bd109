#pragma once
//! How a file being written is claimed and marked live, and how a finished
//! one takes its name without clobbering anything (docs/SAFETY.md).
//!
//! A writer holds an open-file-description lock (fcntl F_OFD_SETLK) on its
//! file for as long as it writes it. The kernel drops the lock when the
//! process ends, however it ends, and the lock is the same whatever PID
//! namespace the writer or the reader is in — unlike a PID in a file name.

#include <cstdint>
#include <string>

namespace journeysim {

//! A write lock on one file, held until destroyed.
class LiveLock {
public:
  LiveLock() = default;
  ~LiveLock();
  LiveLock(LiveLock&& other) noexcept;
  LiveLock& operator=(LiveLock&& other) noexcept;
  LiveLock(const LiveLock&) = delete;
  LiveLock& operator=(const LiveLock&) = delete;

  //! Locks the existing file `path`. False if another process holds it (or
  //! it cannot be opened for writing; `problem` then says why).
  bool acquire(const std::string& path, std::string* problem = nullptr);
  //! Takes a descriptor that already holds the lock.
  void adopt(int fd) noexcept;
  void release() noexcept;
  bool held() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; } //!< of the locked file; -1 if none
  //! Start writing the file's dirty pages to disk, without waiting for them
  //! (best effort): the fsync before the file takes its name then has little
  //! left to do.
  void start_writeback() const noexcept;

private:
  int fd_ = -1;
};

//! Creates `path` (empty) exclusively and locks it — locked before it has its
//! name where the file system has O_TMPFILE, so another run's clean-up never
//! sees it unlocked. False if it exists, or (elsewhere) if such a clean-up
//! took the new file for a stale one (try another name).
//! @throws OutputError If it cannot be created for another reason.
bool create_locked(const std::string& path, LiveLock& lock);

//! Creates and locks a new temporary file beside `target`:
//! `TARGET.partial-<PID>` (with `-<N>` if a writer in another PID namespace
//! has that name). @throws OutputError If none can be created.
std::string create_partial(const std::string& target, LiveLock& lock);

//! True if `name` is the name of a temporary file of `target_name` (same directory).
bool is_partial_name(const std::string& name, const std::string& target_name);

//! Some process holds a LiveLock on `path`.
bool is_live(const std::string& path);

//! The identity of a file (device and inode), to see whether a path still
//! names the file that was checked. `exists` is false if nothing is there.
struct FileId {
  bool exists = false;
  std::uint64_t device = 0, inode = 0;
  bool operator==(const FileId&) const = default;
};
FileId file_id(const std::string& path); //!< lstat: a symbolic link is itself

//! Gives the complete file `temp` the name `target`. Without `replace`, never
//! replaces anything (renameat2 RENAME_NOREPLACE, or link + unlink where the
//! file system lacks it); with `replace`, replaces `target` only if it is
//! still the file `expected` (checked just before an atomic rename).
//! @return false if `target` is not as expected (another run got there first);
//!         `temp` is then left as it is.
//! @throws OutputError On any other failure.
bool publish(const std::string& temp, const std::string& target, bool replace, const FileId& expected);

} // namespace journeysim
