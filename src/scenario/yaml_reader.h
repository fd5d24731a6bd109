#pragma once
//! Private to the scenario loader: a small immutable YAML tree that keeps every
//! node's position in the file, plus strict readers for scalars and maps.
//!
//! yaml-cpp's own nodes are shared mutable handles, so the loader converts the
//! document once into this tree (checking nesting depth, size, duplicate keys
//! and key types on the way) and never mutates it afterwards: a variant's tree
//! is built by copying only the containers along the paths it changes.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace journeysim::detail {

//! 0-based position in the file, as yaml-cpp reports it (-1 when unknown).
struct Mark {
  int pos = -1;
  int line = -1;
  int column = -1;
  const char* source = nullptr; //!< where the text came from when not the file ("--set")
};

struct YNode;
using NodePtr = std::shared_ptr<const YNode>;

struct YNode {
  enum class Kind { Null, Scalar, Sequence, Map };

  Kind kind = Kind::Null;
  Mark mark;
  std::string scalar;
  std::string tag;      //!< "?" plain, "!" quoted, else an explicit tag
  std::vector<NodePtr> items;                     //!< sequence
  std::vector<std::pair<NodePtr, NodePtr>> pairs; //!< map; keys are scalars, unique

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_seq() const { return kind == Kind::Sequence; }
  bool is_map() const { return kind == Kind::Map; }
  bool is_plain() const { return kind == Kind::Scalar && tag == "?"; }

  //! Value for a key, or nullptr.
  const YNode* find(std::string_view key) const;
  //! Index of a key in `pairs`, or -1.
  int find_index(std::string_view key) const;

  //! "a map", "a list", "nothing", "'text'".
  std::string describe() const;
};

//! Limits against hostile input (docs/SAFETY.md), far above any real
//! scenario (a large one has a few thousand nodes) and low enough that the
//! worst case loads in well under a second and 100 MB.
inline constexpr std::size_t MAX_FILE_BYTES = 4u * 1024u * 1024u;
inline constexpr int MAX_NESTING = 64;
inline constexpr long MAX_NODES = 200'000;

//! How errors are reported: file, a message prefix ("variant 'x': ") and,
//! for a variant, the span of its own text — an error located outside it (in
//! the baseline's nodes) is moved to the variant, which caused it.
struct Context {
  std::string file;
  std::string prefix;
  int span_begin = -1; //!< pos range [begin, end] of the variant's nodes
  int span_end = -1;
  Mark fallback;

  [[noreturn]] void fail(const Mark& at, const std::string& message) const;
  [[noreturn]] void fail(const YNode& at, const std::string& message) const { fail(at.mark, message); }
};

//! Check size, UTF-8 and control characters, parse with yaml-cpp and convert.
//! Returns a Null node for an empty document.
//! @throws ScenarioError
NodePtr read_yaml(const std::string& text, const Context& ctx);

//! Re-emit a node as YAML (flow style).
std::string emit_flow(const YNode& node);

//! Smallest and largest `pos` of any node in a subtree.
std::pair<int, int> span_of(const YNode& node);

//! Plain-scalar number parsing (YAML forms such as .5, +1e-3; .inf/.nan are
//! recognised as non-finite). `nonfinite` is set for inf/nan/overflow.
bool parse_double(std::string_view text, double& out, bool& nonfinite);
bool parse_int64(std::string_view text, std::int64_t& out);

// ----------------------------------------------------------------- readers

//! A map whose keys were checked against an allowed list.
class MapReader {
public:
  //! @param what   e.g. "stage", "touchpoint", "the scenario" (for messages)
  //! @param path   e.g. "stages[awareness]" ("" at top level)
  //! Fails if `node` is not a map or has a key not in `allowed`
  //! (Null counts as an empty map when `null_ok`).
  MapReader(const Context& ctx, const YNode& node, std::string what, std::string path,
            const std::vector<std::string>& allowed, bool null_ok = false);

  const YNode& node() const { return node_; }
  const YNode* get(std::string_view key) const { return node_.find(key); }
  const YNode* key_node(std::string_view key) const;
  //! The value; fails at the map's mark when missing.
  const YNode& require(std::string_view key) const;
  //! "path.key" (or "key" at top level).
  std::string path(std::string_view key) const;
  const std::string& path() const { return path_; }

private:
  const Context& ctx_;
  const YNode& node_;
  std::string what_;
  std::string path_;
};

std::string join_path(const std::string& path, std::string_view key);

double read_number(const Context& ctx, const YNode& n, const std::string& path);
double read_range(const Context& ctx, const YNode& n, const std::string& path, double lo, double hi,
                  const char* expected);
double read_probability(const Context& ctx, const YNode& n, const std::string& path);
double read_nonnegative(const Context& ctx, const YNode& n, const std::string& path);
std::int64_t read_integer(const Context& ctx, const YNode& n, const std::string& path, std::int64_t lo,
                          std::int64_t hi);
std::uint64_t read_uint64(const Context& ctx, const YNode& n, const std::string& path, std::uint64_t lo,
                          std::uint64_t hi);
bool read_bool(const Context& ctx, const YNode& n, const std::string& path);
//! Any scalar as text; Null gives "".
std::string read_string(const Context& ctx, const YNode& n, const std::string& path);
//! A name: [A-Za-z0-9_-]+, at most 64 characters. `what` e.g. "stage name".
std::string read_name(const Context& ctx, const YNode& n, const std::string& path, const char* what);
//! Why a string is not a valid name, or "" if it is.
std::string name_problem(std::string_view name);
//! A sequence (Null counts as empty when `null_ok`).
const std::vector<NodePtr>& read_seq(const Context& ctx, const YNode& n, const std::string& path,
                                     bool null_ok = false);
//! Format a number the way a user would write it.
std::string fmt(double v);

} // namespace journeysim::detail
