// journeysim — command-line front end. A thin layer over journeysim_core:
// parse arguments, call the library, map typed errors to exit codes
// (0 ok, 1 runtime failure, 2 bad input or usage, 130/143 interrupted).

#include "cli_util.h"
#include "commands.h"

#include "journeysim/error.h"
#include "journeysim/parallel/ranks.h"

#include <boost/program_options/errors.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

// The only process-wide state: a signal handler can reach nothing else.
journeysim::cli::StopRequest g_stop;

//! An error message as one line on the terminal: the names it quotes come
//! from input (a CSV header, a results file) and may hold escape sequences
//! or megabytes.
std::string one_line(const std::string& message)
{
  return journeysim::cli::printable(journeysim::cli::clip(message, 2000));
}

extern "C" void on_signal(int sig)
{
  g_stop.signal.store(sig);
  g_stop.requested.store(true);
}

//! Ends the process after a runtime failure without atexit handlers: after
//! a failed write (disk full, EFBIG) HDF5 1.10 cannot close the file, and its
//! own atexit clean-up then crashes on it (SIGSEGV in H5F__close_cb). By now
//! our temporary files are removed and the message is printed.
[[noreturn]] void exit_after_failure(int code)
{
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

const char* USAGE = R"(journeysim — simulate customer journeys with agent-based personas

usage: journeysim <command> [options]

commands:
  run SCENARIO.yaml       simulate every variant of a scenario into an HDF5 results file
  validate SCENARIO.yaml  check a scenario and print its outline
  sweep SCENARIO.yaml     run a parameter grid × replications into one HDF5 file
  compare RESULTS.h5      each variant vs the baseline: paired differences, 95 % CIs, p-values,
                          and the size of a real A/B test that would confirm each lift
  summary SWEEP.h5        a sweep's table (mean and 95 % CI per grid point); the cheapest or
                          best setting with --target / --minimize / --maximize
  optimize SCENARIO.yaml  the best setting of chosen levers for a metric, under constraints,
                          with the runner-ups that are not significantly worse
  report FILE.h5          write a self-contained HTML report of a run, a sweep or an optimisation
  observe EVENTS.csv      turn a clickstream export into an observed funnel (CSV)
  calibrate SCENARIO.yaml fit free parameters of a scenario to an observed funnel

Run 'journeysim <command> --help' for a command's options.
Exit codes: 0 ok, 1 runtime failure, 2 bad input or usage, 130/143 interrupted.
)";

} // namespace

int main(int argc, char** argv)
{
  // One rank unless started by mpirun/srun in a JOURNEYSIM_USE_MPI build.
  const journeysim::parallel::Ranks ranks(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << USAGE;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "journeysim " << JOURNEYSIM_VERSION << "\n";
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());

  // Commands that poll g_stop stop cleanly on Ctrl-C (their partial files
  // removed); the others (validate, compare, summary, report) only read
  // until they write one page at the end: the default action ends them at
  // once, instead of a handler they would never look at.
  const bool polls = command == "run" || command == "sweep" || command == "optimize" || command == "observe" ||
                     command == "calibrate";
  // (Explicitly: a shell starts a background job with SIGINT ignored.)
  std::signal(SIGINT, polls ? on_signal : SIG_DFL);
  std::signal(SIGTERM, polls ? on_signal : SIG_DFL);
  // A write past `ulimit -f` then fails with EFBIG, reported like a full
  // disk, instead of killing the process with a core dump (SIGXFSZ).
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    if (command == "run")
      return journeysim::cli::run_command(args, g_stop, &ranks);
    if (command == "validate")
      return journeysim::cli::validate_command(args);
    if (command == "sweep")
      return journeysim::cli::sweep_command(args, g_stop, &ranks);
    if (command == "compare")
      return journeysim::cli::compare_command(args);
    if (command == "optimize")
      return journeysim::cli::optimize_command(args, g_stop);
    if (command == "summary")
      return journeysim::cli::summary_command(args);
    if (command == "report")
      return journeysim::cli::report_command(args);
    if (command == "observe")
      return journeysim::cli::observe_command(args, g_stop);
    if (command == "calibrate")
      return journeysim::cli::calibrate_command(args, g_stop);
    std::cerr << "journeysim: unknown command '" << command << "' (try 'journeysim --help')\n";
    return 2;
  } catch (const journeysim::Cancelled&) {
    const int sig = g_stop.signal.load();
    std::cerr << "journeysim: interrupted; no results file was written (the partial file was removed)\n";
    return 128 + (sig ? sig : SIGINT);
  } catch (const journeysim::InputError& e) {
    // Under mpirun every rank reads the same input and finds the same error: one says it.
    if (ranks.root())
      std::cerr << one_line(e.what()) << "\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    // Boost quotes the offending argument whole: keep a 100 KB one off the terminal.
    if (ranks.root())
      std::cerr << "journeysim " << command << ": " << one_line(journeysim::cli::clip(e.what(), 300)) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "journeysim: out of memory\n";
    exit_after_failure(1);
  } catch (const std::exception& e) {
    std::cerr << "journeysim: " << one_line(e.what()) << "\n";
    exit_after_failure(1);
  }
}
