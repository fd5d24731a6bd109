#pragma once
//! Opening input files safely: only regular files are read. A FIFO without a
//! writer would block open() forever (deaf to Ctrl-C and SIGTERM), and a
//! device never ends, so the file is opened non-blocking, checked with fstat,
//! and only then read (docs/SAFETY.md).

#include <string>

namespace journeysim {

//! An open, read-only file descriptor of a regular file; closes itself.
class RegularFile {
public:
  //! Opens `path`. On failure, fd() is -1 and problem() says why in a few
  //! words: "No such file or directory", "it is a directory", "it is a FIFO,
  //! not a regular file", …
  explicit RegularFile(const std::string& path);
  ~RegularFile();
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;

  int fd() const noexcept { return fd_; }
  bool ok() const noexcept { return fd_ >= 0; }
  const std::string& problem() const noexcept { return problem_; }
  bool missing() const noexcept { return missing_; }

private:
  int fd_ = -1;
  std::string problem_;
  bool missing_ = false;
};

} // namespace journeysim
