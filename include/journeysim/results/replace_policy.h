#pragma once
//! What `--force` may replace (docs/SAFETY.md): only a regular file holding
//! journeysim output of the same kind as the one about to be written — never
//! a device, a directory, a symbolic link, a file of another kind, or a file
//! the command itself reads.

#include "journeysim/results/publish.h"

#include <string>
#include <vector>

namespace journeysim {

//! The kinds of file journeysim writes, each recognised by its content.
enum class OutputKind {
  Results,            //!< `run`: HDF5, format journeysim-results
  Sweep,              //!< `sweep`: HDF5, format journeysim-results, kind sweep
  Optimization,       //!< `optimize -o`: HDF5, kind optimize
  Report,             //!< `report`: HTML whose title starts "journeysim"
  CalibratedScenario, //!< `calibrate -o`: YAML beginning "# Calibrated by journeysim calibrate"
  ObservedFunnel,     //!< `observe -o`: CSV beginning "# observed funnel: journeysim observe"
  TouchPaths,         //!< `run --paths`: CSV beginning with the ChannelAttribution header
};

//! A file the command reads, which it must never replace.
struct CommandInput {
  std::string path;
  std::string what; //!< "the scenario", "the results file", … (for the message)
};

//! @return The identity of the file `target` to replace (exists = false if none).
//! @throws InputError "--force: will not replace 'T': it is …", naming why.
FileId check_replaceable(const std::string& target, OutputKind kind, const std::vector<CommandInput>& inputs);

//! An output a command is about to write, and what it may replace.
struct OutputTarget {
  std::string option; //!< how the user named it ("--output", "--paths"), for messages
  OutputKind kind;
  bool force = false;
  std::vector<CommandInput> inputs; //!< files the command reads: never replaced
};

//! Refuses, before any work, an output that could not be written: an
//! existing `target` without `force`, or with it one check_replaceable() refuses.
//! @return The identity of the file to replace (exists = false if none).
//! @throws InputError "OPTION: 'T' exists; use --force to replace it", or as check_replaceable().
FileId check_output_target(const std::string& target, const OutputTarget& o);

} // namespace journeysim
