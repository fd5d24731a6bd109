#pragma once
//! A thin RAII layer over the HDF5 C API: move-only handles that close
//! themselves, and free-function overloads in OpenMC's call shape
//! (`write_dataset(group, name, values)`) backed by the `H5Type<T>` trait.
//!
//! Every failure becomes one `OutputError` line — what we were doing, the
//! file and object, and HDF5's innermost message — and HDF5's own error
//! printing is switched off around each call. `<hdf5.h>` stays in h5.cpp.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace journeysim::h5 {

//! An HDF5 identifier (`hid_t`, 64-bit since HDF5 1.10; h5.cpp checks).
using Id = std::int64_t;

// clang-format off
//! Element types we store (mapped to the native HDF5 types in h5.cpp).
enum class Type : std::uint8_t {
  Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float32, Float64
};

//! Type trait: `H5Type<T>::value` is the element type for T.
template <class T> struct H5Type;
template <> struct H5Type<std::int8_t>   { static constexpr Type value = Type::Int8; };
template <> struct H5Type<std::uint8_t>  { static constexpr Type value = Type::UInt8; };
template <> struct H5Type<std::int16_t>  { static constexpr Type value = Type::Int16; };
template <> struct H5Type<std::uint16_t> { static constexpr Type value = Type::UInt16; };
template <> struct H5Type<std::int32_t>  { static constexpr Type value = Type::Int32; };
template <> struct H5Type<std::uint32_t> { static constexpr Type value = Type::UInt32; };
template <> struct H5Type<std::int64_t>  { static constexpr Type value = Type::Int64; };
template <> struct H5Type<std::uint64_t> { static constexpr Type value = Type::UInt64; };
template <> struct H5Type<float>         { static constexpr Type value = Type::Float32; };
template <> struct H5Type<double>        { static constexpr Type value = Type::Float64; };

template <class T> concept Storable = requires { H5Type<T>::value; };

//! What kind of object a handle owns (selects the H5?close function).
enum class Kind : std::uint8_t { File, Group, Dataset, Dataspace, Datatype, Attribute, PropertyList };
// clang-format on

namespace detail {
void close(Kind kind, Id id) noexcept;
} // namespace detail

//! A move-only owner of one HDF5 identifier; the destructor closes it.
template <Kind K>
class Handle {
public:
  Handle() noexcept = default;
  explicit Handle(Id id) noexcept : id_(id) {}
  ~Handle() { reset(); }

  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(other.release()) {}
  Handle& operator=(Handle&& other) noexcept
  {
    if (this != &other) {
      reset();
      id_ = other.release();
    }
    return *this;
  }

  //! Close now (errors are ignored: closing happens on cleanup paths).
  void reset() noexcept
  {
    if (id_ >= 0)
      detail::close(K, id_);
    id_ = -1;
  }
  Id release() noexcept
  {
    const Id id = id_;
    id_ = -1;
    return id;
  }

  Id id() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

private:
  Id id_ = -1;
};

using File = Handle<Kind::File>;
using Group = Handle<Kind::Group>;
using Dataset = Handle<Kind::Dataset>;
using Dataspace = Handle<Kind::Dataspace>;
using Datatype = Handle<Kind::Datatype>;
using Attribute = Handle<Kind::Attribute>;
using PropertyList = Handle<Kind::PropertyList>;

//! A non-owning view of a file, group or dataset: where links and
//! attributes live.
class Object {
public:
  Object(const File& f) noexcept : id_(f.id()) {}    // NOLINT: implicit by design
  Object(const Group& g) noexcept : id_(g.id()) {}   // NOLINT
  Object(const Dataset& d) noexcept : id_(d.id()) {} // NOLINT
  Id id() const noexcept { return id_; }

private:
  Id id_;
};

// ---------------------------------------------------------------- files, groups

//! Create a file; `exclusive` fails if it exists (H5F_ACC_EXCL), otherwise
//! it is truncated.
//! @throws OutputError If the file cannot be created.
//! With `metadata_at_flush`, HDF5 writes metadata only when flush() or
//! close() asks (no evictions between), so a process killed between two
//! flushes leaves the file as the last flush did (sweeps, docs/SAFETY.md).
File create_file(const std::string& path, bool exclusive = true, bool metadata_at_flush = false);
//! @throws OutputError If the file cannot be opened.
File open_file(const std::string& path, bool writable = false);
//! Reopen a file create_file() made, to write more in the same format.
//! @throws OutputError If the file cannot be opened.
File reopen_for_writing(const std::string& path);
//! Open with a file-access property list (e.g. parallel HDF5's MPI-IO driver).
//! @throws OutputError If the file cannot be opened.
File open_file(const std::string& path, bool writable, const PropertyList& access);
//! Open a file to append to it, metadata written at flush only (as
//! create_file(…, metadata_at_flush = true)). A file whose writer was killed
//! keeps HDF5 1.10's "open for write" superblock flag, and HDF5 refuses to
//! open it again; this clears the flag (as h5clear -s does), so call it only
//! for a file no process writes (the caller holds its LiveLock).
//! @throws OutputError If the file cannot be opened.
File open_for_append(const std::string& path);
//! A writer killed inside a flush can also leave the superblock recording a
//! longer file than reached the disk, which HDF5 refuses to open: pads the
//! file with zeros to the recorded length (what was never written is then
//! found unreadable, object by object, instead of the whole file). Only for a
//! superblock of version 2 or 3 (what create_file() writes) and a gap of at
//! most 64 MiB; otherwise leaves the file alone.
//! @return true if the file was padded.
bool pad_to_recorded_length(const std::string& path);
//! A writer killed inside a flush can leave objects past the end of the
//! allocation the superblock records (they reached the file, the superblock
//! did not): extends it to the file's size, as `h5clear --increment` would,
//! so they can be read.
//! @throws OutputError If HDF5 refuses.
void extend_allocation_to_file_size(const File& file);
//! Visits every object of the file, loading each object header (whose
//! checksums HDF5 verifies): a file damaged by a failed write is found here,
//! not halfway through appending to it.
//! @throws OutputError Naming the first object that cannot be read.
void verify_objects(const File& file);
//! Write everything buffered for the file to disk.
//! @throws OutputError On failure.
void flush(const File& file);
//! Close the file now, reporting failure (the destructor cannot).
//! @throws OutputError If closing fails (e.g. the final write hit a full disk).
void close(File& file);
//! Objects (groups, datasets, …) of this file still open, not counting the file.
std::size_t open_objects(const File& file);

//! @throws OutputError If the group exists or cannot be created.
Group create_group(const Object& loc, const std::string& name);
//! @throws OutputError If there is no such group.
Group open_group(const Object& loc, const std::string& name);
//! @throws OutputError If there is no such dataset.
Dataset open_dataset(const Object& loc, const std::string& name);
//! True if `name` (a path relative to loc, each part checked) exists.
//! @throws OutputError If loc is invalid.
bool exists(const Object& loc, const std::string& name);

//! Remove a link (and the object, once nothing links to it).
//! @throws OutputError If there is no such link.
void unlink(const Object& loc, const std::string& name);
//! Hard link: `dst_name` in `dst` becomes another name of the object at
//! `src_name` in `src` (the data is stored once).
//! @throws OutputError If the link cannot be created.
void link(const Object& src, const std::string& src_name, const Object& dst,
          const std::string& dst_name);
//! Copy the object `name` of `src` — everything under it, every value read
//! — to `name` in `dst` (another file's group, say).
//! @throws OutputError If any part of it cannot be read or written.
void copy_object(const Object& src, const Object& dst, const std::string& name);

//! File name, and the object's path inside its file (for messages).
std::string file_name(const Object& obj);
std::string object_path(const Object& obj);

// ---------------------------------------------------------------- attributes
// Scalars are stored as 0-d attributes; strings as variable-length UTF-8.
// Writing an existing attribute replaces its value.

//! @throws OutputError On any HDF5 failure (the same for every overload).
void write_attribute(const Object& obj, const std::string& name, std::int64_t value);
void write_attribute(const Object& obj, const std::string& name, std::uint64_t value);
void write_attribute(const Object& obj, const std::string& name, double value);
void write_attribute(const Object& obj, const std::string& name, std::string_view value);
//! A 1-D array of strings.
void write_attribute(const Object& obj, const std::string& name,
                     const std::vector<std::string>& values);

inline void write_attribute(const Object& obj, const std::string& name, const char* value)
{
  write_attribute(obj, name, std::string_view(value));
}
inline void write_attribute(const Object& obj, const std::string& name, const std::string& value)
{
  write_attribute(obj, name, std::string_view(value));
}
//! Any other integer: stored as int64 (signed) or uint64 (unsigned).
// clang-format off
template <std::integral T>
  requires(!std::same_as<T, bool>)
void write_attribute(const Object& obj, const std::string& name, T value)
// clang-format on
{
  if constexpr (std::is_signed_v<T>)
    write_attribute(obj, name, static_cast<std::int64_t>(value));
  else
    write_attribute(obj, name, static_cast<std::uint64_t>(value));
}

//! @throws OutputError If missing, or not convertible to the requested type.
std::int64_t read_attribute_int(const Object& obj, const std::string& name);
std::uint64_t read_attribute_uint(const Object& obj, const std::string& name);
double read_attribute_double(const Object& obj, const std::string& name);
std::string read_attribute_string(const Object& obj, const std::string& name);
std::vector<std::string> read_attribute_strings(const Object& obj, const std::string& name);
bool attribute_exists(const Object& obj, const std::string& name);

// ---------------------------------------------------------------- datasets

//! Untyped core of write_dataset: `count` elements of shape `dims`.
//! @throws OutputError If dims do not multiply to count, or on HDF5 failure.
Dataset write_dataset(const Object& loc, const std::string& name, Type type, const void* data,
                      std::size_t count, const std::vector<std::uint64_t>& dims);

//! A contiguous dataset of shape `dims` (default: 1-D of values.size()).
//! @throws OutputError If dims do not match values.size(), or on HDF5 failure.
template <Storable T>
Dataset write_dataset(const Object& loc, const std::string& name, const std::vector<T>& values,
                      std::vector<std::uint64_t> dims = {})
{
  if (dims.empty())
    dims.push_back(values.size());
  return write_dataset(loc, name, H5Type<T>::value, values.data(), values.size(), dims);
}

//! A 1-D dataset of variable-length UTF-8 strings.
//! @throws OutputError On failure.
Dataset write_dataset(const Object& loc, const std::string& name,
                      const std::vector<std::string>& values);

//! Shape of a dataset.
//! @throws OutputError On failure.
std::vector<std::uint64_t> dims(const Dataset& ds);

//! Whole dataset, converted to T by HDF5 (row-major for 2-D).
//! @throws OutputError On failure.
void read_dataset(const Dataset& ds, Type type, void* out);
template <Storable T>
std::vector<T> read_dataset(const Object& loc, const std::string& name)
{
  const Dataset ds = open_dataset(loc, name);
  std::size_t n = 1;
  for (auto d : dims(ds))
    n *= static_cast<std::size_t>(d);
  std::vector<T> out(n);
  if (n > 0)
    read_dataset(ds, H5Type<T>::value, out.data());
  return out;
}
//! @throws OutputError If not a 1-D string dataset.
std::vector<std::string> read_strings(const Object& loc, const std::string& name);

//! Rows [first, first + rows) of a 1-D [N] or 2-D [N, K] dataset, converted to
//! `type`, into `out` (rows · K elements): for streaming large columns.
//! @throws OutputError If the rows are out of range, or on HDF5 failure.
void read_rows(const Dataset& ds, std::uint64_t first, std::uint64_t rows, Type type, void* out);
template <Storable T>
void read_rows(const Dataset& ds, std::uint64_t first, std::uint64_t rows, std::vector<T>& out)
{
  const auto d = dims(ds);
  out.resize(static_cast<std::size_t>(rows * (d.size() > 1 ? d[1] : 1)));
  read_rows(ds, first, rows, H5Type<T>::value, out.data());
}

// ---------------------------------------------------------------- row datasets

//! The deflate level RowOptions::compress records in a dataset's filter
//! pipeline and HDF5's filter compresses with (zlib); the chunks journeysim
//! deflates itself use libdeflate at the same level. Readers ignore it.
inline constexpr int DEFLATE_LEVEL = 1;

struct RowOptions {
  std::uint64_t chunk_rows = 32768; //!< capped at the row count, and for wide rows at ~1 MiB
  bool compress = false;            //!< shuffle + deflate(DEFLATE_LEVEL)
  bool appendable = false;          //!< rows unlimited (maxdims), grown by append()
};

//! A chunked 1-D [N] or 2-D [N, K] dataset written a block of rows at a time.
//! Fixed size by default (readers see the final length from the start); with
//! `appendable` it starts at `rows` rows and grows by append().
//! An appendable table: a compound dataset, one record per row, whose
//! columns are int64, uint64, float64 or UTF-8 strings. pandas reads it in
//! one call: pd.DataFrame(h5py.File(path)["runs/index"][()]).
class Table {
public:
  enum class Column { Int64, UInt64, Float64, String };
  struct Field {
    std::string name;
    Column type;
  };
  using Value = std::variant<std::int64_t, std::uint64_t, double, std::string>;

  Table() = default;
  //! @throws OutputError If the dataset cannot be created.
  static Table create(const Object& loc, const std::string& name, std::vector<Field> fields);
  //! @throws OutputError If it does not exist or is not a table of such columns.
  static Table open(const Object& loc, const std::string& name);

  //! @throws OutputError If the row does not match the fields, or HDF5 fails.
  void append(const std::vector<Value>& row);
  std::vector<std::vector<Value>> read() const;
  //! True if the chunk holding the table's end has only fill (zero) bytes
  //! past it: no rows left there by a writer killed between writing the
  //! chunk and recording the table's length.
  //! @throws OutputError If HDF5 fails.
  bool nothing_past_end() const;
  std::uint64_t rows() const noexcept { return rows_; }
  const std::vector<Field>& fields() const noexcept { return fields_; }

private:
  void build_type();
  Dataset dataset_;
  Datatype type_; //!< memory and file type (native, little-endian here)
  std::vector<Field> fields_;
  std::vector<std::size_t> offsets_;
  std::size_t row_bytes_ = 0;
  std::uint64_t rows_ = 0;
};

class RowDataset {
public:
  RowDataset() = default;
  //! @param cols  0 for a 1-D dataset, K for [N, K].
  //! @throws OutputError If the dataset cannot be created.
  RowDataset(const Object& loc, const std::string& name, Type type, std::uint64_t rows,
             std::uint64_t cols, const RowOptions& options = {});

  //! An existing dataset (1-D or 2-D, fixed size), to write rows into.
  //! @throws OutputError If it does not exist or is not such a dataset.
  static RowDataset open(const Object& loc, const std::string& name);

  //! Write with this dataset-transfer property list (e.g. collective MPI-IO)
  //! instead of the default; the caller keeps it open while writing.
  void use_transfer(Id transfer) noexcept { transfer_ = transfer; }
  //! Take part in a collective write without writing a row (a rank with no
  //! rows left while others still write).
  //! @throws OutputError On HDF5 failure.
  void write_none();

  template <Storable T>
  static RowDataset create(const Object& loc, const std::string& name, std::uint64_t rows,
                           std::uint64_t cols = 0, const RowOptions& options = {})
  {
    return RowDataset(loc, name, H5Type<T>::value, rows, cols, options);
  }

  //! Write rows [offset, offset + data.size() / width()).
  //! @throws OutputError If the rows do not fit, the type differs, or HDF5 fails.
  template <Storable T>
  void write_rows(std::uint64_t offset, std::span<const T> data)
  {
    write_rows(offset, H5Type<T>::value, data.data(), data.size());
  }
  template <Storable T>
  void write_rows(std::uint64_t offset, const std::vector<T>& data)
  {
    write_rows<T>(offset, std::span<const T>(data));
  }
  //! Grow by data.size() / width() rows and write them at the end.
  //! @throws OutputError If not appendable, or on HDF5 failure.
  template <Storable T>
  void append(std::span<const T> data)
  {
    append(H5Type<T>::value, data.data(), data.size());
  }
  template <Storable T>
  void append(const std::vector<T>& data)
  {
    append<T>(std::span<const T>(data));
  }

  void write_rows(std::uint64_t offset, Type type, const void* data, std::size_t elements);
  void append(Type type, const void* data, std::size_t elements);

  //! Store one whole chunk whose rows start at `first_row` (a multiple of
  //! chunk_rows()) as bytes already passed through every filter of the
  //! dataset (H5Dwrite_chunk): HDF5 neither filters nor caches them. Not
  //! for collective (MPI-IO) writes, which HDF5 1.10 cannot do this way.
  //! @throws OutputError If the row is not on the chunk grid, or on HDF5 failure.
  void write_chunk(std::uint64_t first_row, const void* bytes, std::size_t size);

  const Dataset& dataset() const noexcept { return dataset_; }
  std::uint64_t rows() const noexcept { return rows_; }
  std::uint64_t width() const noexcept { return cols_ ? cols_ : 1; } //!< elements per row
  std::uint64_t chunk_rows() const noexcept { return chunk_rows_; }
  Type type() const noexcept { return type_; }
  std::size_t element_size() const noexcept; //!< bytes of one element

private:
  Dataset dataset_;
  Dataspace file_space_;   //!< cached; replaced when the dataset grows
  Dataspace memory_space_; //!< cached for the last block length
  std::uint64_t memory_rows_ = 0;
  std::uint64_t rows_ = 0, cols_ = 0, chunk_rows_ = 0;
  Type type_ = Type::UInt8;
  bool appendable_ = false;
  bool raw_chunks_ = false; //!< fixed size, chunks of whole rows, no filter: whole chunks written directly
  Id transfer_ = 0; //!< 0: H5P_DEFAULT

  void write_selection(std::uint64_t offset, std::uint64_t n, Type type, const void* data);
};

} // namespace journeysim::h5
