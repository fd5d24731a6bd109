#include "journeysim/results/h5.h"

#include "journeysim/error.h"
#include "journeysim/util/quote.h"

#include <hdf5.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <type_traits>
#include <utility>

namespace journeysim::h5 {

static_assert(std::is_same_v<Id, hid_t>, "h5::Id must be hid_t (HDF5 >= 1.10)");

namespace {

//! Silences HDF5's automatic error printing for one call site and restores
//! whatever was installed before: we report errors ourselves, as exceptions.
class Silence {
public:
  Silence() noexcept
  {
    if (H5Eget_auto2(H5E_DEFAULT, &func_, &data_) < 0) {
      func_ = nullptr;
      data_ = nullptr;
    }
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Silence() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  Silence(const Silence&) = delete;
  Silence& operator=(const Silence&) = delete;

private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

herr_t collect_innermost(unsigned, const H5E_error2_t* err, void* data)
{
  // Walking downward (API call first), the last description is the innermost.
  if (err->desc && *err->desc)
    *static_cast<std::string*>(data) = err->desc;
  return 0;
}

//! The innermost message of HDF5's current error stack, on one line. The
//! low-level drivers say "…: name = 'x', errno = 2, error message = 'No such
//! file or directory', flags = …": keep "… (No such file or directory)".
std::string hdf5_message()
{
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_innermost, &desc);
  H5Eclear2(H5E_DEFAULT);
  static constexpr std::string_view tag = "error message = '";
  if (const auto at = desc.find(tag); at != std::string::npos) {
    const auto begin = at + tag.size();
    const auto end = desc.find('\'', begin);
    std::string reason = desc.substr(begin, end == std::string::npos ? end : end - begin);
    desc = desc.substr(0, desc.find(':')) + " (" + reason + ")";
  }
  std::replace(desc.begin(), desc.end(), '\n', ' ');
  return desc;
}

//! Throws OutputError("<what>: <HDF5's message>") if `r` is negative. `what`
//! is built only on failure, after the HDF5 message has been read (building
//! it calls HDF5, which would clear the error stack).
template <class R, class What>
R check(R r, What&& what)
{
  if (r < 0) {
    const std::string cause = hdf5_message();
    std::string msg = std::forward<What>(what)();
    if (!cause.empty())
      msg += ": " + cause;
    throw OutputError(msg);
  }
  return r;
}

std::string file_of(hid_t id)
{
  const Silence silence;
  const ssize_t n = H5Fget_name(id, nullptr, 0);
  if (n < 0) {
    H5Eclear2(H5E_DEFAULT);
    return "?";
  }
  std::string s(static_cast<std::size_t>(n) + 1, '\0');
  H5Fget_name(id, s.data(), s.size());
  s.resize(static_cast<std::size_t>(n));
  return s;
}

std::string path_of(hid_t id)
{
  const Silence silence;
  const ssize_t n = H5Iget_name(id, nullptr, 0);
  if (n <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "/";
  }
  std::string s(static_cast<std::size_t>(n) + 1, '\0');
  H5Iget_name(id, s.data(), s.size());
  s.resize(static_cast<std::size_t>(n));
  return s;
}

//! "'<path of loc>/<name>' in '<file>'" for messages.
std::string where(hid_t loc, const std::string& name = {})
{
  std::string path = path_of(loc);
  if (!name.empty())
    path = name.front() == '/' ? name : path == "/" ? "/" + name : path + "/" + name;
  return quote(path) + " in " + quote(file_of(loc));
}

hid_t memory_type(Type t)
{
  switch (t) {
  case Type::Int8: return H5T_NATIVE_INT8;
  case Type::UInt8: return H5T_NATIVE_UINT8;
  case Type::Int16: return H5T_NATIVE_INT16;
  case Type::UInt16: return H5T_NATIVE_UINT16;
  case Type::Int32: return H5T_NATIVE_INT32;
  case Type::UInt32: return H5T_NATIVE_UINT32;
  case Type::Int64: return H5T_NATIVE_INT64;
  case Type::UInt64: return H5T_NATIVE_UINT64;
  case Type::Float32: return H5T_NATIVE_FLOAT;
  case Type::Float64: return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_UINT8;
}

//! Stored types are fixed little-endian standard types, whatever the host.
hid_t file_type(Type t)
{
  switch (t) {
  case Type::Int8: return H5T_STD_I8LE;
  case Type::UInt8: return H5T_STD_U8LE;
  case Type::Int16: return H5T_STD_I16LE;
  case Type::UInt16: return H5T_STD_U16LE;
  case Type::Int32: return H5T_STD_I32LE;
  case Type::UInt32: return H5T_STD_U32LE;
  case Type::Int64: return H5T_STD_I64LE;
  case Type::UInt64: return H5T_STD_U64LE;
  case Type::Float32: return H5T_IEEE_F32LE;
  case Type::Float64: return H5T_IEEE_F64LE;
  }
  return H5T_STD_U8LE;
}

std::size_t type_size(Type t)
{
  switch (t) {
  case Type::Int8:
  case Type::UInt8: return 1;
  case Type::Int16:
  case Type::UInt16: return 2;
  case Type::Int32:
  case Type::UInt32:
  case Type::Float32: return 4;
  case Type::Int64:
  case Type::UInt64:
  case Type::Float64: return 8;
  }
  return 1;
}

//! Variable-length UTF-8 string (h5py reads it as str).
Datatype string_type()
{
  Datatype t(check(H5Tcopy(H5T_C_S1), [] { return std::string("cannot create string type"); }));
  check(H5Tset_size(t.id(), H5T_VARIABLE), [] { return std::string("cannot create string type"); });
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8),
        [] { return std::string("cannot create string type"); });
  return t;
}

//! Link / attribute creation properties: names are UTF-8.
PropertyList utf8_names(hid_t cls)
{
  PropertyList p(check(H5Pcreate(cls), [] { return std::string("cannot create property list"); }));
  check(H5Pset_char_encoding(p.id(), H5T_CSET_UTF8),
        [] { return std::string("cannot set name encoding"); });
  return p;
}

Dataspace simple_space(const std::vector<std::uint64_t>& dims,
                       const std::vector<std::uint64_t>& maxdims = {})
{
  std::vector<hsize_t> d(dims.begin(), dims.end());
  std::vector<hsize_t> m(maxdims.begin(), maxdims.end());
  return Dataspace(
      check(H5Screate_simple(static_cast<int>(d.size()), d.data(), m.empty() ? nullptr : m.data()),
            [] { return std::string("cannot create dataspace"); }));
}

void delete_attribute_if_exists(const Object& obj, const std::string& name)
{
  const htri_t e = check(H5Aexists(obj.id(), name.c_str()), [&] {
    return "cannot look up attribute " + quote(name) + " of " + where(obj.id());
  });
  if (e > 0)
    check(H5Adelete(obj.id(), name.c_str()),
          [&] { return "cannot replace attribute " + quote(name) + " of " + where(obj.id()); });
}

void write_attribute_raw(const Object& obj, const std::string& name, hid_t stored, hid_t memory,
                         const Dataspace& space, const void* data)
{
  delete_attribute_if_exists(obj, name);
  const PropertyList acpl = utf8_names(H5P_ATTRIBUTE_CREATE);
  const auto what = [&] {
    return "cannot write attribute " + quote(name) + " of " + where(obj.id());
  };
  const Attribute a(
      check(H5Acreate2(obj.id(), name.c_str(), stored, space.id(), acpl.id(), H5P_DEFAULT), what));
  if (data) // an empty list has no buffer, and nothing to write (H5Awrite refuses a null one)
    check(H5Awrite(a.id(), memory, data), what);
}

Attribute open_attribute(const Object& obj, const std::string& name)
{
  return Attribute(check(H5Aopen(obj.id(), name.c_str(), H5P_DEFAULT), [&] {
    return "cannot open attribute " + quote(name) + " of " + where(obj.id());
  }));
}

template <class T>
T read_scalar_attribute(const Object& obj, const std::string& name, hid_t memory)
{
  const Silence silence;
  const Attribute a = open_attribute(obj, name);
  const auto what = [&] {
    return "cannot read attribute " + quote(name) + " of " + where(obj.id());
  };
  const Dataspace space(check(H5Aget_space(a.id()), what));
  if (check(H5Sget_simple_extent_npoints(space.id()), what) != 1)
    throw OutputError("attribute " + quote(name) + " of " + where(obj.id()) + " is not a scalar");
  T value{};
  check(H5Aread(a.id(), memory, &value), what);
  return value;
}

//! Frees HDF5-allocated variable-length strings when leaving scope.
class VlenStrings {
public:
  VlenStrings(std::size_t n, hid_t type, hid_t space)
      : ptrs_(n, nullptr), type_(type), space_(space)
  {
  }
  ~VlenStrings()
  {
    if (!ptrs_.empty())
      H5Dvlen_reclaim(type_, space_, H5P_DEFAULT, ptrs_.data());
  }
  VlenStrings(const VlenStrings&) = delete;
  VlenStrings& operator=(const VlenStrings&) = delete;
  char** data() { return ptrs_.data(); }
  std::vector<std::string> strings() const
  {
    std::vector<std::string> out;
    out.reserve(ptrs_.size());
    for (const char* p : ptrs_)
      out.emplace_back(p ? p : "");
    return out;
  }

private:
  std::vector<char*> ptrs_;
  hid_t type_, space_;
};

std::vector<std::string> read_string_attribute(const Object& obj, const std::string& name,
                                               bool scalar)
{
  const Silence silence;
  const Attribute a = open_attribute(obj, name);
  const auto what = [&] {
    return "cannot read attribute " + quote(name) + " of " + where(obj.id());
  };
  const Datatype stored(check(H5Aget_type(a.id()), what));
  if (H5Tget_class(stored.id()) != H5T_STRING || H5Tis_variable_str(stored.id()) <= 0)
    throw OutputError("attribute " + quote(name) + " of " + where(obj.id()) +
                      " is not a variable-length string");
  const Dataspace space(check(H5Aget_space(a.id()), what));
  const auto n = check(H5Sget_simple_extent_npoints(space.id()), what);
  if (scalar && n != 1)
    throw OutputError("attribute " + quote(name) + " of " + where(obj.id()) + " is not a scalar");
  const Datatype memory = string_type();
  VlenStrings buf(static_cast<std::size_t>(n), memory.id(), space.id());
  if (n > 0)
    check(H5Aread(a.id(), memory.id(), buf.data()), what);
  return buf.strings();
}

std::vector<const char*> c_strings(const std::vector<std::string>& values)
{
  std::vector<const char*> p;
  p.reserve(values.size());
  for (const auto& s : values)
    p.push_back(s.c_str());
  return p;
}

} // namespace

// ---------------------------------------------------------------- handles

void detail::close(Kind kind, Id id) noexcept
{
  const Silence silence;
  switch (kind) {
  case Kind::File: H5Fclose(id); break;
  case Kind::Group: H5Gclose(id); break;
  case Kind::Dataset: H5Dclose(id); break;
  case Kind::Dataspace: H5Sclose(id); break;
  case Kind::Datatype: H5Tclose(id); break;
  case Kind::Attribute: H5Aclose(id); break;
  case Kind::PropertyList: H5Pclose(id); break;
  }
}

std::string file_name(const Object& obj)
{
  return file_of(obj.id());
}

std::string object_path(const Object& obj)
{
  return path_of(obj.id());
}

// ---------------------------------------------------------------- files, groups

namespace {
//! Keep dirty metadata in the cache until a flush (no evictions, so no
//! half-updated structures reach the disk between flushes). Evictions may
//! be off only with automatic resizing off too.
void metadata_at_flush_only(hid_t fapl, const std::string& path)
{
  const auto what = [&] { return "cannot configure the metadata cache for " + quote(path); };
  H5AC_cache_config_t config{};
  config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  check(H5Pget_mdc_config(fapl, &config), what);
  config.evictions_enabled = false;
  config.incr_mode = H5C_incr__off;
  config.flash_incr_mode = H5C_flash_incr__off;
  config.decr_mode = H5C_decr__off;
  check(H5Pset_mdc_config(fapl, &config), what);
}
} // namespace

File create_file(const std::string& path, bool exclusive, bool metadata_at_flush)
{
  const Silence silence;
  const auto what = [&] { return "cannot create results file " + quote(path); };
  // The 1.10 format indexes the chunks of growing datasets with extensible
  // arrays, whose memory stays flat; the default (1.8) format's B-trees grow
  // the metadata cache with the population (+16 MiB at 10^8 agents).
  const PropertyList fapl(check(H5Pcreate(H5P_FILE_ACCESS), what));
  check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V110, H5F_LIBVER_V110), what);
  if (metadata_at_flush)
    metadata_at_flush_only(fapl.id(), path);
  return File(check(
      H5Fcreate(path.c_str(), exclusive ? H5F_ACC_EXCL : H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), what));
}

File open_file(const std::string& path, bool writable)
{
  const Silence silence;
  return File(check(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT),
                    [&] { return "cannot open results file " + quote(path); }));
}

File reopen_for_writing(const std::string& path)
{
  const Silence silence;
  const auto what = [&] { return "cannot open results file " + quote(path); };
  const PropertyList fapl(check(H5Pcreate(H5P_FILE_ACCESS), what));
  check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V110, H5F_LIBVER_V110), what);
  return File(check(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.id()), what));
}

File open_file(const std::string& path, bool writable, const PropertyList& access)
{
  const Silence silence;
  return File(check(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, access.id()),
                    [&] { return "cannot open results file " + quote(path); }));
}

File open_for_append(const std::string& path)
{
  const Silence silence;
  const auto what = [&] { return "cannot open " + quote(path) + " to continue it"; };
  const PropertyList fapl(check(H5Pcreate(H5P_FILE_ACCESS), what));
  check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V110, H5F_LIBVER_V110), what);
  // The library's own (private) file-access property behind `h5clear -s`.
  hbool_t clear = true;
  check(H5Pset(fapl.id(), "clear_status_flags", &clear), what);
  metadata_at_flush_only(fapl.id(), path);
  return File(check(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.id()), what));
}

bool pad_to_recorded_length(const std::string& path)
{
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return false;
  // Superblock v2/v3: signature (8), version, sizes of offsets and lengths,
  // flags, base address (8), extension address (8), end-of-file address (8).
  std::array<unsigned char, 36> head{};
  struct stat st {};
  bool padded = false;
  if (::pread(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()) && ::fstat(fd, &st) == 0 &&
      std::memcmp(head.data(), "\x89HDF\r\n\x1a\n", 8) == 0 && (head[8] == 2 || head[8] == 3) && head[9] == 8) {
    std::uint64_t recorded = 0;
    for (int i = 7; i >= 0; --i)
      recorded = recorded << 8 | head[28 + static_cast<std::size_t>(i)];
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (recorded > size && recorded - size <= (std::uint64_t{64} << 20))
      padded = ::ftruncate(fd, static_cast<off_t>(recorded)) == 0;
  }
  ::close(fd);
  return padded;
}

void extend_allocation_to_file_size(const File& file)
{
  const Silence silence;
  check(H5Fincrement_filesize(file.id(), 0),
        [&] { return "cannot extend the allocation of " + quote(file_of(file.id())); });
}

void verify_objects(const File& file)
{
  const Silence silence;
  struct Visit {
    std::string last = "/";
  } visit;
  const auto op = [](hid_t, const char* name, const H5O_info_t*, void* data) -> herr_t {
    static_cast<Visit*>(data)->last = name;
    return 0;
  };
  check(H5Ovisit2(file.id(), H5_INDEX_NAME, H5_ITER_NATIVE, op, &visit, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS),
        [&] { return "cannot read " + quote(file_of(file.id())) + " (after object " + quote(visit.last) + ")"; });
}

void flush(const File& file)
{
  const Silence silence;
  check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL),
        [&] { return "cannot flush results file " + quote(file_name(file)); });
}

void close(File& file)
{
  const Silence silence;
  if (!file)
    return;
  const std::string name = file_of(file.id());
  const Id id = file.release();
  check(H5Fclose(id), [&] { return "cannot close results file " + quote(name); });
}

std::size_t open_objects(const File& file)
{
  const Silence silence;
  const ssize_t n = check(H5Fget_obj_count(file.id(), H5F_OBJ_ALL | H5F_OBJ_LOCAL),
                          [&] { return "cannot inspect " + quote(file_of(file.id())); });
  return n > 0 ? static_cast<std::size_t>(n - 1) : 0; // minus the file itself
}

Group create_group(const Object& loc, const std::string& name)
{
  const Silence silence;
  const PropertyList lcpl = utf8_names(H5P_LINK_CREATE);
  return Group(check(H5Gcreate2(loc.id(), name.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT),
                     [&] { return "cannot create group " + where(loc.id(), name); }));
}

Group open_group(const Object& loc, const std::string& name)
{
  const Silence silence;
  return Group(check(H5Gopen2(loc.id(), name.c_str(), H5P_DEFAULT),
                     [&] { return "cannot open group " + where(loc.id(), name); }));
}

Dataset open_dataset(const Object& loc, const std::string& name)
{
  const Silence silence;
  return Dataset(check(H5Dopen2(loc.id(), name.c_str(), H5P_DEFAULT),
                       [&] { return "cannot open dataset " + where(loc.id(), name); }));
}

bool exists(const Object& loc, const std::string& name)
{
  const Silence silence;
  // H5Lexists checks one link: walk the path so "a/b" works when "a" is missing.
  std::string prefix;
  std::size_t start = 0;
  if (!name.empty() && name.front() == '/') {
    prefix = "/";
    start = 1;
  }
  while (start <= name.size()) {
    const auto slash = name.find('/', start);
    const auto part =
        name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) {
      prefix += part;
      const htri_t e = check(H5Lexists(loc.id(), prefix.c_str(), H5P_DEFAULT),
                             [&] { return "cannot look up " + where(loc.id(), name); });
      if (e <= 0)
        return false;
      prefix += "/";
    }
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return true;
}

void unlink(const Object& loc, const std::string& name)
{
  const Silence silence;
  check(H5Ldelete(loc.id(), name.c_str(), H5P_DEFAULT), [&] { return "cannot remove " + where(loc.id(), name); });
}

void copy_object(const Object& src, const Object& dst, const std::string& name)
{
  const Silence silence;
  check(H5Ocopy(src.id(), name.c_str(), dst.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        [&] { return "cannot copy " + where(src.id(), name); });
}

void link(const Object& src, const std::string& src_name, const Object& dst,
          const std::string& dst_name)
{
  const Silence silence;
  const PropertyList lcpl = utf8_names(H5P_LINK_CREATE);
  check(H5Lcreate_hard(src.id(), src_name.c_str(), dst.id(), dst_name.c_str(), lcpl.id(),
                       H5P_DEFAULT),
        [&] {
          return "cannot link " + where(dst.id(), dst_name) + " to " + where(src.id(), src_name);
        });
}

// ---------------------------------------------------------------- attributes

void write_attribute(const Object& obj, const std::string& name, std::int64_t value)
{
  const Silence silence;
  const Dataspace space(
      check(H5Screate(H5S_SCALAR), [] { return std::string("cannot create dataspace"); }));
  write_attribute_raw(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, space, &value);
}

void write_attribute(const Object& obj, const std::string& name, std::uint64_t value)
{
  const Silence silence;
  const Dataspace space(
      check(H5Screate(H5S_SCALAR), [] { return std::string("cannot create dataspace"); }));
  write_attribute_raw(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, space, &value);
}

void write_attribute(const Object& obj, const std::string& name, double value)
{
  const Silence silence;
  const Dataspace space(
      check(H5Screate(H5S_SCALAR), [] { return std::string("cannot create dataspace"); }));
  write_attribute_raw(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space, &value);
}

void write_attribute(const Object& obj, const std::string& name, std::string_view value)
{
  const Silence silence;
  const Dataspace space(
      check(H5Screate(H5S_SCALAR), [] { return std::string("cannot create dataspace"); }));
  const Datatype type = string_type();
  const std::string s(value); // NUL-terminated copy
  const char* p = s.c_str();
  write_attribute_raw(obj, name, type.id(), type.id(), space, &p);
}

void write_attribute(const Object& obj, const std::string& name,
                     const std::vector<std::string>& values)
{
  const Silence silence;
  const Dataspace space = simple_space({values.size()});
  const Datatype type = string_type();
  const auto p = c_strings(values);
  write_attribute_raw(obj, name, type.id(), type.id(), space, p.data());
}

std::int64_t read_attribute_int(const Object& obj, const std::string& name)
{
  return read_scalar_attribute<std::int64_t>(obj, name, H5T_NATIVE_INT64);
}

std::uint64_t read_attribute_uint(const Object& obj, const std::string& name)
{
  return read_scalar_attribute<std::uint64_t>(obj, name, H5T_NATIVE_UINT64);
}

double read_attribute_double(const Object& obj, const std::string& name)
{
  return read_scalar_attribute<double>(obj, name, H5T_NATIVE_DOUBLE);
}

std::string read_attribute_string(const Object& obj, const std::string& name)
{
  return read_string_attribute(obj, name, true).front();
}

std::vector<std::string> read_attribute_strings(const Object& obj, const std::string& name)
{
  return read_string_attribute(obj, name, false);
}

bool attribute_exists(const Object& obj, const std::string& name)
{
  const Silence silence;
  return check(H5Aexists(obj.id(), name.c_str()), [&] {
           return "cannot look up attribute " + quote(name) + " of " + where(obj.id());
         }) > 0;
}

// ---------------------------------------------------------------- datasets

Dataset write_dataset(const Object& loc, const std::string& name, Type type, const void* data,
                      std::size_t count, const std::vector<std::uint64_t>& shape)
{
  const Silence silence;
  std::uint64_t n = 1;
  for (auto d : shape)
    n *= d;
  const auto what = [&] { return "cannot write dataset " + where(loc.id(), name); };
  if (n != count) {
    std::string s;
    for (auto d : shape)
      s += (s.empty() ? "" : ", ") + std::to_string(d);
    throw OutputError(what() + ": " + std::to_string(count) + " values do not fill shape [" + s +
                      "]");
  }
  const Dataspace space = simple_space(shape);
  const PropertyList lcpl = utf8_names(H5P_LINK_CREATE);
  Dataset ds(check(H5Dcreate2(loc.id(), name.c_str(), file_type(type), space.id(), lcpl.id(),
                              H5P_DEFAULT, H5P_DEFAULT),
                   what));
  if (n > 0)
    check(H5Dwrite(ds.id(), memory_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
  return ds;
}

Dataset write_dataset(const Object& loc, const std::string& name,
                      const std::vector<std::string>& values)
{
  const Silence silence;
  const auto what = [&] { return "cannot write dataset " + where(loc.id(), name); };
  const Dataspace space = simple_space({values.size()});
  const Datatype type = string_type();
  const PropertyList lcpl = utf8_names(H5P_LINK_CREATE);
  Dataset ds(check(H5Dcreate2(loc.id(), name.c_str(), type.id(), space.id(), lcpl.id(), H5P_DEFAULT,
                              H5P_DEFAULT),
                   what));
  if (!values.empty()) {
    const auto p = c_strings(values);
    check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), what);
  }
  return ds;
}

std::vector<std::uint64_t> dims(const Dataset& ds)
{
  const Silence silence;
  const auto what = [&] { return "cannot read the shape of " + where(ds.id()); };
  const Dataspace space(check(H5Dget_space(ds.id()), what));
  const int rank = check(H5Sget_simple_extent_ndims(space.id()), what);
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.id(), d.data(), nullptr), what);
  return {d.begin(), d.end()};
}

void read_dataset(const Dataset& ds, Type type, void* out)
{
  const Silence silence;
  check(H5Dread(ds.id(), memory_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, out),
        [&] { return "cannot read dataset " + where(ds.id()); });
}

void read_rows(const Dataset& ds, std::uint64_t first, std::uint64_t rows, Type type, void* out)
{
  const Silence silence;
  const auto what = [&] { return "cannot read dataset " + where(ds.id()); };
  const Dataspace file_space(check(H5Dget_space(ds.id()), what));
  const int rank = check(H5Sget_simple_extent_ndims(file_space.id()), what);
  if (rank < 1 || rank > 2)
    throw OutputError(what() + ": expected a 1-D or 2-D dataset");
  std::array<hsize_t, 2> d{0, 1};
  check(H5Sget_simple_extent_dims(file_space.id(), d.data(), nullptr), what);
  if (first > d[0] || rows > d[0] - first)
    throw OutputError(what() + ": rows [" + std::to_string(first) + ", " +
                      std::to_string(first + rows) + ") outside [0, " + std::to_string(d[0]) + ")");
  if (rows == 0)
    return;
  std::array<hsize_t, 2> start{first, 0};
  std::array<hsize_t, 2> count{rows, d[1]};
  const Dataspace memory_space(check(H5Screate_simple(rank, count.data(), nullptr), what));
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        what);
  check(H5Dread(ds.id(), memory_type(type), memory_space.id(), file_space.id(), H5P_DEFAULT, out),
        what);
}

std::vector<std::string> read_strings(const Object& loc, const std::string& name)
{
  const Silence silence;
  const Dataset ds = open_dataset(loc, name);
  const auto what = [&] { return "cannot read dataset " + where(loc.id(), name); };
  const Datatype stored(check(H5Dget_type(ds.id()), what));
  if (H5Tget_class(stored.id()) != H5T_STRING || H5Tis_variable_str(stored.id()) <= 0)
    throw OutputError("dataset " + where(loc.id(), name) +
                      " is not a variable-length string dataset");
  const Dataspace space(check(H5Dget_space(ds.id()), what));
  if (check(H5Sget_simple_extent_ndims(space.id()), what) != 1)
    throw OutputError("dataset " + where(loc.id(), name) + " is not 1-D");
  const auto n = check(H5Sget_simple_extent_npoints(space.id()), what);
  const Datatype memory = string_type();
  VlenStrings buf(static_cast<std::size_t>(n), memory.id(), space.id());
  if (n > 0)
    check(H5Dread(ds.id(), memory.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), what);
  return buf.strings();
}

// ---------------------------------------------------------------- row datasets

RowDataset::RowDataset(const Object& loc, const std::string& name, Type type, std::uint64_t rows,
                       std::uint64_t cols, const RowOptions& options)
    : rows_(rows), cols_(cols), type_(type), appendable_(options.appendable)
{
  const Silence silence;
  const auto what = [&] { return "cannot create dataset " + where(loc.id(), name); };
  // Chunks of whole rows: at most chunk_rows, no more rows than the dataset
  // has, and for wide rows no more than ~1 MiB (HDF5's default chunk cache),
  // so blocks written piecemeal are assembled in the cache, not re-read.
  constexpr std::uint64_t max_chunk_bytes = 1u << 20;
  const std::uint64_t row_bytes = width() * type_size(type);
  std::uint64_t chunk = std::max<std::uint64_t>(1, options.chunk_rows);
  if (rows > 0 && !appendable_)
    chunk = std::min(chunk, rows);
  if (cols_ > 0)
    chunk = std::min(chunk, std::max<std::uint64_t>(1, max_chunk_bytes / row_bytes));
  chunk_rows_ = chunk;

  std::vector<std::uint64_t> shape{rows};
  std::vector<std::uint64_t> maxshape{appendable_ ? H5S_UNLIMITED : rows};
  std::vector<hsize_t> chunk_dims{chunk};
  if (cols_ > 0) {
    shape.push_back(cols_);
    maxshape.push_back(cols_);
    chunk_dims.push_back(std::max<std::uint64_t>(1, cols_));
  }
  const Dataspace space = simple_space(shape, maxshape);
  const PropertyList dcpl(check(H5Pcreate(H5P_DATASET_CREATE), what));
  check(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk_dims.size()), chunk_dims.data()), what);
  if (options.compress) {
    check(H5Pset_shuffle(dcpl.id()), what);
    check(H5Pset_deflate(dcpl.id(), DEFLATE_LEVEL), what);
  }
  raw_chunks_ = !options.compress && !appendable_;
  // Streaming writes: evict chunks that have been written in full first.
  const PropertyList dapl(check(H5Pcreate(H5P_DATASET_ACCESS), what));
  check(H5Pset_chunk_cache(dapl.id(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT,
                           H5D_CHUNK_CACHE_NBYTES_DEFAULT, 1.0),
        what);
  const PropertyList lcpl = utf8_names(H5P_LINK_CREATE);
  dataset_ = Dataset(check(H5Dcreate2(loc.id(), name.c_str(), file_type(type), space.id(),
                                      lcpl.id(), dcpl.id(), dapl.id()),
                           what));
  file_space_ = Dataspace(check(H5Dget_space(dataset_.id()), what));
}

void RowDataset::write_rows(std::uint64_t offset, Type type, const void* data, std::size_t elements)
{
  const Silence silence;
  const auto what = [&] { return "cannot write dataset " + where(dataset_.id()); };
  if (!dataset_)
    throw OutputError("cannot write rows: dataset not created");
  const std::uint64_t w = width();
  if (elements % w != 0)
    throw OutputError(what() + ": " + std::to_string(elements) + " values are not whole rows of " +
                      std::to_string(w));
  const std::uint64_t n = elements / w;
  if (offset > rows_ || n > rows_ - offset)
    throw OutputError(what() + ": rows [" + std::to_string(offset) + ", " +
                      std::to_string(offset + n) + ") outside [0, " + std::to_string(rows_) + ")");
  if (n == 0)
    return;
  if (!raw_chunks_ || transfer_ || type != type_) {
    write_selection(offset, n, type, data);
    return;
  }
  // Whole chunks of an unfiltered dataset go to the file as they are
  // (H5Dwrite_chunk): no chunk cache, no selection, one copy fewer. Rows
  // are written once, so no chunk is written both ways.
  const std::uint64_t end = offset + n, row_bytes = w * element_size();
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  std::uint64_t first = std::min(end, (offset + chunk_rows_ - 1) / chunk_rows_ * chunk_rows_);
  if (first > offset)
    write_selection(offset, first - offset, type, bytes);
  bytes += (first - offset) * row_bytes;
  for (; first + chunk_rows_ <= end; first += chunk_rows_, bytes += chunk_rows_ * row_bytes)
    write_chunk(first, bytes, chunk_rows_ * row_bytes);
  if (first < end)
    write_selection(first, end - first, type, bytes);
}

void RowDataset::write_selection(std::uint64_t offset, std::uint64_t n, Type type, const void* data)
{
  const auto what = [&] { return "cannot write dataset " + where(dataset_.id()); };
  std::array<hsize_t, 2> start{offset, 0};
  std::array<hsize_t, 2> count{n, cols_};
  const int rank = cols_ > 0 ? 2 : 1;
  if (!memory_space_ || memory_rows_ != n) {
    memory_space_ = Dataspace(check(H5Screate_simple(rank, count.data(), nullptr), what));
    memory_rows_ = n;
  }
  check(H5Sselect_hyperslab(file_space_.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        what);
  check(H5Dwrite(dataset_.id(), memory_type(type), memory_space_.id(), file_space_.id(),
                 transfer_ ? transfer_ : H5P_DEFAULT, data),
        what);
}

void RowDataset::write_chunk(std::uint64_t first_row, const void* bytes, std::size_t size)
{
  const Silence silence;
  const auto what = [&] { return "cannot write a chunk of dataset " + where(dataset_.id()); };
  if (!dataset_)
    throw OutputError("cannot write a chunk: dataset not created");
  if (chunk_rows_ == 0 || first_row % chunk_rows_ != 0 || first_row >= rows_)
    throw OutputError(what() + ": row " + std::to_string(first_row) + " does not start a chunk");
  const std::array<hsize_t, 2> offset{first_row, 0};
  check(H5Dwrite_chunk(dataset_.id(), H5P_DEFAULT, 0 /* every filter applied */, offset.data(), size, bytes),
        what);
}

std::size_t RowDataset::element_size() const noexcept
{
  return type_size(type_);
}

RowDataset RowDataset::open(const Object& loc, const std::string& name)
{
  const Silence silence;
  const auto what = [&] { return "cannot open dataset " + where(loc.id(), name); };
  RowDataset r;
  r.dataset_ = open_dataset(loc, name);
  r.file_space_ = Dataspace(check(H5Dget_space(r.dataset_.id()), what));
  std::array<hsize_t, 2> shape{0, 0};
  const int rank = H5Sget_simple_extent_ndims(r.file_space_.id());
  if (rank < 1 || rank > 2 || H5Sget_simple_extent_dims(r.file_space_.id(), shape.data(), nullptr) < 0)
    throw OutputError(what() + ": not a table of rows");
  r.rows_ = shape[0];
  r.cols_ = rank == 2 ? shape[1] : 0;
  const PropertyList dcpl(check(H5Dget_create_plist(r.dataset_.id()), what));
  std::array<hsize_t, 2> chunk{0, 0};
  const int chunk_rank = H5Pget_chunk(dcpl.id(), 2, chunk.data());
  if (chunk_rank >= 0)
    r.chunk_rows_ = chunk[0];
  // Its chunks can be written as they are if nothing filters them and each
  // holds whole rows.
  r.raw_chunks_ = chunk_rank == rank && r.chunk_rows_ > 0 && H5Pget_nfilters(dcpl.id()) == 0 &&
                  (rank == 1 || chunk[1] == r.cols_);
  const Datatype type(check(H5Dget_type(r.dataset_.id()), what));
  bool found = false;
  for (Type t : {Type::Int8, Type::UInt8, Type::Int16, Type::UInt16, Type::Int32, Type::UInt32, Type::Int64,
                 Type::UInt64, Type::Float32, Type::Float64})
    if (H5Tequal(type.id(), file_type(t)) > 0) {
      r.type_ = t;
      found = true;
      break;
    }
  if (!found)
    throw OutputError(what() + ": not a numeric column");
  return r;
}

void RowDataset::write_none()
{
  const Silence silence;
  const auto what = [&] { return "cannot write dataset " + where(dataset_.id()); };
  const hsize_t one = 1;
  const Dataspace memory(check(H5Screate_simple(1, &one, nullptr), what));
  check(H5Sselect_none(memory.id()), what);
  check(H5Sselect_none(file_space_.id()), what);
  check(H5Dwrite(dataset_.id(), memory_type(type_), memory.id(), file_space_.id(),
                 transfer_ ? transfer_ : H5P_DEFAULT, nullptr),
        what);
}

void RowDataset::append(Type type, const void* data, std::size_t elements)
{
  const Silence silence;
  const auto what = [&] { return "cannot extend dataset " + where(dataset_.id()); };
  if (!appendable_)
    throw OutputError(what() + ": not created appendable");
  const std::uint64_t n = elements / width();
  const std::uint64_t offset = rows_;
  std::array<hsize_t, 2> shape{rows_ + n, cols_};
  check(H5Dset_extent(dataset_.id(), shape.data()), what);
  rows_ += n;
  file_space_ = Dataspace(check(H5Dget_space(dataset_.id()), what));
  write_rows(offset, type, data, elements);
}

// ---------------------------------------------------------------- Table

void Table::build_type()
{
  const Silence silence;
  const auto what = [] { return std::string("cannot build a table type"); };
  offsets_.clear();
  row_bytes_ = 0;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    offsets_.push_back(row_bytes_);
    row_bytes_ += fields_[i].type == Column::String ? sizeof(char*) : 8;
  }
  type_ = Datatype(check(H5Tcreate(H5T_COMPOUND, row_bytes_), what));
  const Datatype text = string_type();
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    hid_t t = H5T_NATIVE_INT64;
    switch (fields_[i].type) {
    case Column::Int64: t = H5T_NATIVE_INT64; break;
    case Column::UInt64: t = H5T_NATIVE_UINT64; break;
    case Column::Float64: t = H5T_NATIVE_DOUBLE; break;
    case Column::String: t = text.id(); break;
    }
    check(H5Tinsert(type_.id(), fields_[i].name.c_str(), offsets_[i], t), what);
  }
}

Table Table::create(const Object& loc, const std::string& name, std::vector<Field> fields)
{
  const Silence silence;
  const auto what = [&] { return "cannot create table " + where(loc.id(), name); };
  Table t;
  t.fields_ = std::move(fields);
  t.build_type();
  const hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = 256;
  const Dataspace space(check(H5Screate_simple(1, &zero, &unlimited), what));
  const PropertyList dcpl(check(H5Pcreate(H5P_DATASET_CREATE), what));
  check(H5Pset_chunk(dcpl.id(), 1, &chunk), what);
  const PropertyList lcpl = utf8_names(H5P_LINK_CREATE);
  t.dataset_ = Dataset(check(
    H5Dcreate2(loc.id(), name.c_str(), t.type_.id(), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT), what));
  return t;
}

Table Table::open(const Object& loc, const std::string& name)
{
  const Silence silence;
  const auto what = [&] { return "cannot open table " + where(loc.id(), name); };
  Table t;
  t.dataset_ = open_dataset(loc, name);
  const Datatype stored(check(H5Dget_type(t.dataset_.id()), what));
  if (H5Tget_class(stored.id()) != H5T_COMPOUND)
    throw OutputError(what() + ": not a table");
  const int n = check(H5Tget_nmembers(stored.id()), what);
  for (int i = 0; i < n; ++i) {
    char* raw = H5Tget_member_name(stored.id(), static_cast<unsigned>(i));
    std::string field(raw ? raw : "");
    H5free_memory(raw);
    const Datatype member(check(H5Tget_member_type(stored.id(), static_cast<unsigned>(i)), what));
    const H5T_class_t cls = H5Tget_class(member.id());
    Column c;
    if (cls == H5T_STRING)
      c = Column::String;
    else if (cls == H5T_FLOAT)
      c = Column::Float64;
    else if (cls == H5T_INTEGER)
      c = H5Tget_sign(member.id()) == H5T_SGN_NONE ? Column::UInt64 : Column::Int64;
    else
      throw OutputError(what() + ": column '" + field + "' has an unsupported type");
    t.fields_.push_back({field, c});
  }
  t.build_type();
  t.rows_ = dims(t.dataset_).at(0);
  // Rows are written whole, chunk by chunk: a length far beyond what the
  // file stores is a tampered extent, which read() would allocate for.
  const std::size_t record = H5Tget_size(stored.id());
  hsize_t chunk_rows = 0;
  const PropertyList create(check(H5Dget_create_plist(t.dataset_.id()), what));
  if (H5Pget_layout(create.id()) == H5D_CHUNKED)
    check(H5Pget_chunk(create.id(), 1, &chunk_rows), what);
  const hsize_t stored_bytes = H5Dget_storage_size(t.dataset_.id());
  const bool filtered = H5Pget_nfilters(create.id()) > 0; // compressed (h5repack): stores fewer bytes than rows
  if (!filtered && record > 0 && t.rows_ > stored_bytes / record + chunk_rows)
    throw OutputError(what() + ": it declares " + std::to_string(t.rows_) + " rows but stores " +
                      std::to_string(stored_bytes) + " bytes: the file is damaged");
  return t;
}

bool Table::nothing_past_end() const
{
  const Silence silence;
  const auto what = [&] { return "cannot read table " + where(dataset_.id()); };
  const PropertyList create(check(H5Dget_create_plist(dataset_.id()), what));
  hsize_t chunk_rows = 0;
  check(H5Pget_chunk(create.id(), 1, &chunk_rows), what);
  if (chunk_rows == 0 || rows_ % chunk_rows == 0)
    return true; // the end is a chunk boundary: no chunk holds anything past it
  const hsize_t offset = rows_ - rows_ % chunk_rows;
  hsize_t bytes = 0;
  if (H5Dget_chunk_storage_size(dataset_.id(), &offset, &bytes) < 0 || bytes == 0)
    return true; // not allocated
  if (H5Pget_nfilters(create.id()) != 0 || bytes % chunk_rows != 0)
    return false; // filtered: not checked here
  const hsize_t width = bytes / chunk_rows; // on disk (a string is 16 bytes there, a pointer in memory)
  std::vector<unsigned char> chunk(bytes);
  std::uint32_t filters = 0;
  check(H5Dread_chunk(dataset_.id(), H5P_DEFAULT, &offset, &filters, chunk.data()), what);
  const auto past = chunk.begin() + static_cast<std::ptrdiff_t>((rows_ - offset) * width);
  return std::all_of(past, chunk.end(), [](unsigned char b) { return b == 0; });
}

void Table::append(const std::vector<Value>& row)
{
  const Silence silence;
  const auto what = [&] { return "cannot append to table " + where(dataset_.id()); };
  if (row.size() != fields_.size())
    throw OutputError(what() + ": " + std::to_string(row.size()) + " values for " +
                      std::to_string(fields_.size()) + " columns");
  std::vector<unsigned char> buf(row_bytes_);
  for (std::size_t i = 0; i < row.size(); ++i) {
    unsigned char* at = buf.data() + offsets_[i];
    switch (fields_[i].type) {
    case Column::Int64: {
      const auto v = std::get<std::int64_t>(row[i]);
      std::memcpy(at, &v, 8);
      break;
    }
    case Column::UInt64: {
      const auto v = std::get<std::uint64_t>(row[i]);
      std::memcpy(at, &v, 8);
      break;
    }
    case Column::Float64: {
      const auto v = std::get<double>(row[i]);
      std::memcpy(at, &v, 8);
      break;
    }
    case Column::String: {
      const char* p = std::get<std::string>(row[i]).c_str();
      std::memcpy(at, &p, sizeof p);
      break;
    }
    }
  }
  const hsize_t size = rows_ + 1, start = rows_, one = 1;
  check(H5Dset_extent(dataset_.id(), &size), what);
  const Dataspace file(check(H5Dget_space(dataset_.id()), what));
  check(H5Sselect_hyperslab(file.id(), H5S_SELECT_SET, &start, nullptr, &one, nullptr), what);
  const Dataspace memory(check(H5Screate_simple(1, &one, nullptr), what));
  check(H5Dwrite(dataset_.id(), type_.id(), memory.id(), file.id(), H5P_DEFAULT, buf.data()), what);
  rows_ = size;
}

std::vector<std::vector<Table::Value>> Table::read() const
{
  const Silence silence;
  const auto what = [&] { return "cannot read table " + where(dataset_.id()); };
  std::vector<std::vector<Value>> out;
  if (rows_ == 0)
    return out;
  std::vector<unsigned char> buf(row_bytes_ * rows_);
  check(H5Dread(dataset_.id(), type_.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), what);
  for (std::uint64_t r = 0; r < rows_; ++r) {
    std::vector<Value> row;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const unsigned char* at = buf.data() + r * row_bytes_ + offsets_[i];
      switch (fields_[i].type) {
      case Column::Int64: {
        std::int64_t v;
        std::memcpy(&v, at, 8);
        row.emplace_back(v);
        break;
      }
      case Column::UInt64: {
        std::uint64_t v;
        std::memcpy(&v, at, 8);
        row.emplace_back(v);
        break;
      }
      case Column::Float64: {
        double v;
        std::memcpy(&v, at, 8);
        row.emplace_back(v);
        break;
      }
      case Column::String: {
        const char* p;
        std::memcpy(&p, at, sizeof p);
        row.emplace_back(std::string(p ? p : ""));
        break;
      }
      }
    }
    out.push_back(std::move(row));
  }
  const hsize_t n = rows_;
  const Dataspace space(check(H5Screate_simple(1, &n, nullptr), what));
  H5Dvlen_reclaim(type_.id(), space.id(), H5P_DEFAULT, buf.data());
  return out;
}

} // namespace journeysim::h5
