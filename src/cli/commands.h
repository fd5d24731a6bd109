#pragma once
//! The CLI's commands. Each takes its own arguments (after the command name)
//! and returns an exit code; errors are thrown and mapped in main().

#include <atomic>
#include <string>
#include <vector>

namespace journeysim::parallel {
class Ranks;
}

namespace journeysim::cli {

//! Set by the SIGINT/SIGTERM handler; 0 while running normally.
struct StopRequest {
  std::atomic<bool> requested{false};
  std::atomic<int> signal{0};
};

//! `ranks`: the MPI ranks sharing the run (null or one: this process alone).
int run_command(const std::vector<std::string>& args, const StopRequest& stop,
                const parallel::Ranks* ranks = nullptr);
int validate_command(const std::vector<std::string>& args);
//! `ranks`: with several, a task farm (rank 0 hands out runs and writes).
int sweep_command(const std::vector<std::string>& args, const StopRequest& stop,
                  const parallel::Ranks* ranks = nullptr);
int report_command(const std::vector<std::string>& args);
int compare_command(const std::vector<std::string>& args);
int observe_command(const std::vector<std::string>& args, const StopRequest& stop);
int calibrate_command(const std::vector<std::string>& args, const StopRequest& stop);
int summary_command(const std::vector<std::string>& args);
int optimize_command(const std::vector<std::string>& args, const StopRequest& stop);

} // namespace journeysim::cli
