#include "journeysim/results/replace_policy.h"

#include "journeysim/error.h"
#include "journeysim/results/h5.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace journeysim {

namespace fs = std::filesystem;

namespace {

const char* name_of(OutputKind kind)
{
  switch (kind) {
  case OutputKind::Results: return "a journeysim results file";
  case OutputKind::Sweep: return "a journeysim sweep file";
  case OutputKind::Optimization: return "a journeysim optimisation file";
  case OutputKind::Report: return "a journeysim HTML report";
  case OutputKind::CalibratedScenario: return "a scenario written by journeysim calibrate";
  case OutputKind::ObservedFunnel: return "an observed funnel written by journeysim observe";
  case OutputKind::TouchPaths: return "a touch-path file written by journeysim run --paths";
  }
  return "a journeysim file";
}

//! The HDF5 kinds: the root's `format` and `kind` attributes.
bool is_hdf5_of_kind(const std::string& path, OutputKind kind)
{
  try {
    const h5::File f = h5::open_file(path, false);
    const std::string format =
      h5::attribute_exists(f, "format") ? h5::read_attribute_string(f, "format") : std::string();
    const std::string k = h5::attribute_exists(f, "kind") ? h5::read_attribute_string(f, "kind") : std::string("run");
    if (format != "journeysim-results")
      return false;
    switch (kind) {
    case OutputKind::Results: return k == "run";
    case OutputKind::Sweep: return k == "sweep";
    case OutputKind::Optimization: return k == "optimize";
    default: return false;
    }
  } catch (const std::exception&) {
    return false; // not HDF5, truncated, unreadable
  }
}

//! The text kinds: how the file begins.
bool is_text_of_kind(const std::string& path, OutputKind kind)
{
  std::ifstream in(path, std::ios::binary);
  std::string head(1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const auto starts = [&](const char* s) { return head.rfind(s, 0) == 0; };
  switch (kind) {
  case OutputKind::Report: // the run, sweep and optimisation reports all title themselves so
    return starts("<!DOCTYPE html>") && head.find("<title>journeysim ") != std::string::npos;
  case OutputKind::CalibratedScenario: return starts("# Calibrated by journeysim calibrate");
  case OutputKind::ObservedFunnel: return starts("# observed funnel: journeysim observe");
  case OutputKind::TouchPaths: return starts("path;total_conversions;total_conversion_value;total_null\n");
  default: return false;
  }
}

} // namespace

FileId check_replaceable(const std::string& target, OutputKind kind, const std::vector<CommandInput>& inputs)
{
  const FileId id = file_id(target);
  if (!id.exists)
    return id;
  const std::string refuse = "--force: will not replace '" + target + "': ";
  std::error_code ec;
  for (const CommandInput& input : inputs)
    if (!input.path.empty() && fs::equivalent(target, input.path, ec))
      throw InputError(refuse + "it is " + input.what + " this command reads");
  const auto st = fs::symlink_status(target, ec);
  if (fs::is_symlink(st))
    throw InputError(refuse + "it is a symbolic link (give the file it points to)");
  if (fs::is_directory(st))
    throw InputError(refuse + "it is a directory");
  if (!fs::is_regular_file(st))
    throw InputError(refuse + "it is not a regular file (a device, FIFO or socket)");
  const bool hdf5 = kind == OutputKind::Results || kind == OutputKind::Sweep || kind == OutputKind::Optimization;
  if (!(hdf5 ? is_hdf5_of_kind(target, kind) : is_text_of_kind(target, kind)))
    throw InputError(refuse + "it is not " + name_of(kind) + " (--force replaces only those)");
  return id;
}

FileId check_output_target(const std::string& target, const OutputTarget& o)
{
  std::error_code ec;
  if (target.empty()) // else a temporary '.partial-PID' in the working directory, then a failed rename
    throw InputError(o.option + ": no file name given");
  if (fs::is_directory(target, ec))
    throw OutputError(o.option + ": '" + target + "' is a directory; give a file name"); // as run -o DIR
  if (!o.force && fs::exists(fs::symlink_status(target, ec)))
    throw InputError(o.option + ": '" + target + "' exists; use --force to replace it");
  return o.force ? check_replaceable(target, o.kind, o.inputs) : FileId{};
}

} // namespace journeysim
