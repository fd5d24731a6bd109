#pragma once
//! Typed errors. Library code throws; only main() maps them to exit codes
//! (InputError → 2, everything else → 1).

#include <stdexcept>
#include <string>

namespace journeysim {

//! A mistake in what the user gave us: a scenario, an option, a results file
//! that is not ours. Exit code 2.
class InputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

//! A scenario mistake, located: "FILE:LINE:COLUMN: message" (1-based).
class ScenarioError : public InputError {
public:
  ScenarioError(std::string file, int line, int column, const std::string& message)
    : InputError(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
      file_(std::move(file)), line_(line), column_(column), message_(message)
  {
  }
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }
  const std::string& message() const noexcept { return message_; }

private:
  std::string file_;
  int line_;
  int column_;
  std::string message_;
};

//! Writing or reading a results file failed (disk full, permissions, HDF5).
//! Exit code 1.
class OutputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

//! The run was stopped by the user (Ctrl-C / SIGTERM).
class Cancelled : public std::runtime_error {
public:
  Cancelled() : std::runtime_error("interrupted") {}
};

} // namespace journeysim
