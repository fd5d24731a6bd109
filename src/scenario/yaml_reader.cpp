#include "yaml_reader.h"

#include "journeysim/error.h"
#include "journeysim/util/nearest_name.h"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <unordered_map>

namespace journeysim::detail {

// ------------------------------------------------------------------- YNode

const YNode* YNode::find(std::string_view key) const
{
  const int i = find_index(key);
  return i < 0 ? nullptr : pairs[static_cast<std::size_t>(i)].second.get();
}

int YNode::find_index(std::string_view key) const
{
  for (std::size_t i = 0; i < pairs.size(); ++i)
    if (pairs[i].first->scalar == key)
      return static_cast<int>(i);
  return -1;
}

std::string YNode::describe() const
{
  switch (kind) {
  case Kind::Null:
    return "nothing";
  case Kind::Map:
    return "a map";
  case Kind::Sequence:
    return "a list";
  case Kind::Scalar:
    break;
  }
  std::string text = scalar.size() > 40 ? scalar.substr(0, 40) + "…" : scalar;
  if (is_plain())
    return "'" + text + "'";
  return "the string \"" + text + "\"";
}

// ----------------------------------------------------------------- Context

namespace {

//! A message quotes the user's text, which may be hostile: control
//! characters (from escapes such as "\0" or "\e") are shown as \xNN, so
//! nothing reaches the terminal raw, and a huge key or name is cut so the
//! error stays one readable line.
std::string printable(const std::string& message)
{
  constexpr std::size_t MAX_BYTES = 400;
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const auto c = static_cast<unsigned char>(message[i]);
    if (out.size() >= MAX_BYTES && (c & 0xC0u) != 0x80u) { // at a UTF-8 boundary
      out += "…";
      break;
    }
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

} // namespace

void Context::fail(const Mark& at, const std::string& message) const
{
  Mark m = at;
  if (span_begin >= 0 && (m.pos < span_begin || m.pos > span_end))
    m = fallback;
  const int line = m.line >= 0 ? m.line + 1 : 1;
  const int column = m.column >= 0 ? m.column + 1 : 1;
  throw ScenarioError(m.source ? std::string(m.source) : file, line, column, printable(prefix + message));
}

// ------------------------------------------------------------ text checks

namespace {

Mark mark_at(const std::string& text, std::size_t pos)
{
  int line = 0;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i)
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  return {static_cast<int>(pos), line, static_cast<int>(pos - line_start)};
}

std::string hex_byte(unsigned char c)
{
  static const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

//! Valid UTF-8 without control characters (tab, LF and CR allowed).
void check_text(const std::string& text, const Context& ctx)
{
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      // yaml-cpp does not take a lone CR as a line end: say so, not "illegal map value".
      if (c == '\r' && (i + 1 == n || s[i + 1] != '\n'))
        ctx.fail(mark_at(text, i), "line ends with a lone CR (old Mac format); save the file with LF or CRLF line ends");
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
        ctx.fail(mark_at(text, i), "control character " + hex_byte(c) +
                                       " is not allowed in a scenario file (is it a binary file?)");
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    }
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((s[i + k] & 0xC0u) != 0x80u)
        ok = false;
      else
        cp = (cp << 6) | (s[i + k] & 0x3Fu);
    }
    if (ok) {
      // Overlong forms, surrogates and values beyond U+10FFFF.
      if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
          (cp >= 0xD800 && cp <= 0xDFFF))
        ok = false;
    }
    if (!ok)
      ctx.fail(mark_at(text, i), "the file is not valid UTF-8 (byte " + hex_byte(c) + ")");
    i += len;
  }
}

Mark to_mark(const YAML::Mark& m)
{
  if (m.is_null())
    return {};
  return {m.pos, m.line, m.column};
}

//! Builds the tree straight from yaml-cpp's parse events, so that nesting
//! depth and size are checked as the parser goes: an alias shares the node
//! it refers to (no copy), and the node count includes every alias'
//! expansion, so an "alias bomb" is stopped at the alias that makes it
//! explode, in linear time.
class Builder : public YAML::EventHandler {
public:
  explicit Builder(const Context& ctx) : ctx_(ctx) {}

  std::vector<NodePtr> docs;
  Mark second_doc;

  void OnDocumentStart(const YAML::Mark& mark) override
  {
    if (docs.size() == 1 && second_doc.pos < 0)
      second_doc = to_mark(mark);
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    auto n = start_node(mark);
    n->kind = YNode::Kind::Null;
    finish(n, anchor, total_ - 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      ctx_.fail(to_mark(mark), "an alias refers to the collection that contains it");
    total_ += it->second.second;
    if (total_ > MAX_NODES)
      too_large(to_mark(mark));
    attach(it->second.first);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override
  {
    auto n = start_node(mark);
    n->kind = YNode::Kind::Scalar;
    n->tag = tag;
    n->scalar = value;
    finish(n, anchor, total_ - 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override
  {
    open(mark, tag, anchor, YNode::Kind::Sequence);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override
  {
    open(mark, tag, anchor, YNode::Kind::Map);
  }
  void OnMapEnd() override { close(); }

private:
  struct Frame {
    std::shared_ptr<YNode> node;
    YAML::anchor_t anchor;
    long start; //!< node count before this node
    NodePtr key;
    std::unordered_map<std::string, int> keys; //!< key → line (0-based)
  };

  const Context& ctx_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::pair<NodePtr, long>> anchors_; //!< node, expanded size
  long total_ = 0;

  [[noreturn]] void too_large(const Mark& at) const
  {
    ctx_.fail(at, "scenario too large: more than " + std::to_string(MAX_NODES) +
                      " YAML nodes (each use of an alias counts)");
  }

  std::shared_ptr<YNode> start_node(const YAML::Mark& mark)
  {
    if (++total_ > MAX_NODES)
      too_large(to_mark(mark));
    auto n = std::make_shared<YNode>();
    n->mark = to_mark(mark);
    return n;
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YNode::Kind kind)
  {
    // A tag would be silently ignored on a list or map: refuse it instead.
    if (!tag.empty() && tag != "?" && tag != "!")
      ctx_.fail(to_mark(mark), "YAML tags such as '" + tag + "' are not used in scenario files");
    if (static_cast<int>(stack_.size()) >= MAX_NESTING)
      ctx_.fail(to_mark(mark), "nesting deeper than " + std::to_string(MAX_NESTING) + " levels");
    const long start = total_;
    auto n = start_node(mark);
    n->kind = kind;
    n->tag = tag;
    stack_.push_back(Frame{std::move(n), anchor, start, nullptr, {}});
  }

  void close()
  {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    finish(f.node, f.anchor, f.start);
  }

  void finish(const std::shared_ptr<YNode>& n, YAML::anchor_t anchor, long start)
  {
    if (anchor != YAML::NullAnchor)
      anchors_[anchor] = {n, total_ - start};
    attach(n);
  }

  void attach(NodePtr n)
  {
    if (stack_.empty()) {
      docs.push_back(std::move(n));
      return;
    }
    Frame& f = stack_.back();
    YNode& parent = *f.node;
    if (parent.kind == YNode::Kind::Sequence) {
      parent.items.push_back(std::move(n));
      return;
    }
    if (!f.key) {
      if (!n->is_scalar())
        ctx_.fail(*n, "expected a key name here, got " + n->describe());
      const auto [prev, inserted] = f.keys.emplace(n->scalar, n->mark.line);
      if (!inserted)
        ctx_.fail(*n, "duplicate key '" + n->scalar + "' (first at line " + std::to_string(prev->second + 1) + ")");
      f.key = std::move(n);
      return;
    }
    // An empty value is located by yaml-cpp at the next token: use the key.
    if (n->is_null() && n->mark.line != f.key->mark.line) {
      auto moved = std::make_shared<YNode>(*n);
      moved->mark = f.key->mark;
      n = std::move(moved);
    }
    parent.pairs.emplace_back(std::move(f.key), std::move(n));
    f.key = nullptr;
  }
};

} // namespace

NodePtr read_yaml(const std::string& text, const Context& ctx)
{
  if (text.size() > MAX_FILE_BYTES)
    ctx.fail(Mark{0, 0, 0}, "file too large: " + std::to_string(text.size()) +
                                " bytes (a scenario may have at most 4 MiB)");
  check_text(text, ctx);

  Builder builder(ctx);
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder))
      if (builder.docs.size() > 1)
        ctx.fail(builder.second_doc, "a scenario file holds one YAML document; a second one starts here");
  } catch (const YAML::Exception& e) {
    ctx.fail(to_mark(e.mark), "YAML syntax error: " + e.msg);
  }
  if (builder.docs.empty())
    return std::make_shared<YNode>(YNode{YNode::Kind::Null, Mark{0, 0, 0}, {}, {}, {}, {}});
  return builder.docs.front();
}

// -------------------------------------------------------------- emitting

namespace {

void emit(YAML::Emitter& out, const YNode& n)
{
  switch (n.kind) {
  case YNode::Kind::Null:
    out << YAML::Null;
    break;
  case YNode::Kind::Scalar:
    if (n.is_plain())
      out << n.scalar;
    else
      out << YAML::DoubleQuoted << n.scalar;
    break;
  case YNode::Kind::Sequence:
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& item : n.items)
      emit(out, *item);
    out << YAML::EndSeq;
    break;
  case YNode::Kind::Map:
    out << YAML::Flow << YAML::BeginMap;
    for (const auto& [k, v] : n.pairs) {
      out << YAML::Key;
      emit(out, *k);
      out << YAML::Value;
      emit(out, *v);
    }
    out << YAML::EndMap;
    break;
  }
}

void span(const YNode& n, std::pair<int, int>& s)
{
  if (n.mark.pos >= 0) {
    s.first = std::min(s.first, n.mark.pos);
    s.second = std::max(s.second, n.mark.pos);
  }
  for (const auto& item : n.items)
    span(*item, s);
  for (const auto& [k, v] : n.pairs) {
    span(*k, s);
    span(*v, s);
  }
}

} // namespace

std::string emit_flow(const YNode& node)
{
  YAML::Emitter out;
  out.SetSeqFormat(YAML::Flow);
  out.SetMapFormat(YAML::Flow);
  emit(out, node);
  return out.c_str();
}

std::pair<int, int> span_of(const YNode& node)
{
  std::pair<int, int> s{std::numeric_limits<int>::max(), -1};
  span(node, s);
  return s;
}

// --------------------------------------------------------------- numbers

bool parse_double(std::string_view t, double& out, bool& nonfinite)
{
  nonfinite = false;
  std::string_view body = t;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    nonfinite = true;
    out = negative ? -inf : inf;
    return true;
  }
  if (t == ".nan" || t == ".NaN" || t == ".NAN") {
    nonfinite = true;
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // from_chars also takes "inf", "nan", "infinity": YAML does not.
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.'))
    return false;
  double v = 0.0;
  const char* end = body.data() + body.size();
  const auto [ptr, ec] = std::from_chars(body.data(), end, v);
  if (ptr != end)
    return false;
  if (ec == std::errc::result_out_of_range) {
    // Too large (overflow) or too small (underflow to 0)?
    const auto e = body.find_first_of("eE");
    const bool underflow = e != std::string_view::npos
                             ? (e + 1 < body.size() && body[e + 1] == '-')
                             : body.substr(0, 2) == "0." || body[0] == '.';
    if (!underflow) {
      nonfinite = true;
      out = negative ? -inf : inf;
      return true;
    }
    v = 0.0;
  } else if (ec != std::errc{}) {
    return false;
  }
  out = negative ? -v : v;
  nonfinite = !std::isfinite(out);
  return true;
}

bool parse_int64(std::string_view t, std::int64_t& out)
{
  if (!t.empty() && t[0] == '+')
    t.remove_prefix(1);
  if (t.empty() || t[0] == '+')
    return false;
  const char* end = t.data() + t.size();
  const auto [ptr, ec] = std::from_chars(t.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

std::string fmt(double v)
{
  char buf[64];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, ptr) : std::string("?");
}

// ---------------------------------------------------------------- readers

std::string join_path(const std::string& path, std::string_view key)
{
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

namespace {
//! For an unknown key no name is close to: where it probably belongs.
std::string misplaced_key_hint(const std::string& key, const std::vector<std::string>& allowed)
{
  // `cost: 0,03` inside {…}: the comma ends the entry and "03" becomes a key.
  if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos)
    return " (a decimal comma? Inside {…} a comma separates entries: write numbers with a point, e.g. 0.03)";
  const bool checkout_key = key == "steps" || key == "step_abandon";
  if (checkout_key && std::find(allowed.begin(), allowed.end(), "checkout") != allowed.end())
    return " (it belongs to the checkout: write checkout: {" + key + ": …})";
  return {};
}
} // namespace

MapReader::MapReader(const Context& ctx, const YNode& node, std::string what, std::string path,
                     const std::vector<std::string>& allowed, bool null_ok)
  : ctx_(ctx), node_(node), what_(std::move(what)), path_(std::move(path))
{
  if (!(node.is_map() || (null_ok && node.is_null())))
    ctx.fail(node, (path_.empty() ? std::string() : path_ + ": ") + "expected a map (key: value, …) for " +
                       what_ + ", got " + node.describe());
  for (const auto& [k, v] : node.pairs)
    if (std::find(allowed.begin(), allowed.end(), k->scalar) == allowed.end()) {
      std::string hint = did_you_mean(k->scalar, allowed);
      if (hint.empty())
        hint = misplaced_key_hint(k->scalar, allowed);
      ctx.fail(*k, "unknown key '" + k->scalar + "' in " + what_ + hint);
    }
}

const YNode* MapReader::key_node(std::string_view key) const
{
  const int i = node_.find_index(key);
  return i < 0 ? nullptr : node_.pairs[static_cast<std::size_t>(i)].first.get();
}

const YNode& MapReader::require(std::string_view key) const
{
  const YNode* v = get(key);
  if (!v)
    ctx_.fail(node_, (path_.empty() ? std::string() : path_ + ": ") + "missing required key '" +
                         std::string(key) + "' in " + what_);
  return *v;
}

std::string MapReader::path(std::string_view key) const { return join_path(path_, key); }

namespace {

bool numeric_tag(const YNode& n)
{
  return n.tag == "?" || n.tag == "tag:yaml.org,2002:float" || n.tag == "tag:yaml.org,2002:int";
}

void expect_number_scalar(const Context& ctx, const YNode& n, const std::string& path, const std::string& what)
{
  if (!n.is_scalar() || !numeric_tag(n))
    ctx.fail(n, path + ": expected " + what + ", got " + n.describe());
}

} // namespace

double read_number(const Context& ctx, const YNode& n, const std::string& path)
{
  expect_number_scalar(ctx, n, path, "a number");
  double v = 0.0;
  bool nonfinite = false;
  if (!parse_double(n.scalar, v, nonfinite))
    ctx.fail(n, path + ": expected a number, got " + n.describe());
  if (nonfinite)
    ctx.fail(n, path + ": expected a finite number, got " + n.describe());
  return v;
}

double read_range(const Context& ctx, const YNode& n, const std::string& path, double lo, double hi,
                  const char* expected)
{
  const double v = read_number(ctx, n, path);
  if (!(v >= lo && v <= hi))
    ctx.fail(n, path + ": expected " + expected + ", got " + n.scalar);
  return v;
}

double read_probability(const Context& ctx, const YNode& n, const std::string& path)
{
  return read_range(ctx, n, path, 0.0, 1.0, "a probability in [0, 1]");
}

double read_nonnegative(const Context& ctx, const YNode& n, const std::string& path)
{
  return read_range(ctx, n, path, 0.0, std::numeric_limits<double>::max(), "a number ≥ 0");
}

std::int64_t read_integer(const Context& ctx, const YNode& n, const std::string& path, std::int64_t lo,
                          std::int64_t hi)
{
  const std::string expected = "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  expect_number_scalar(ctx, n, path, expected);
  std::int64_t v = 0;
  if (!parse_int64(n.scalar, v)) {
    double d = 0.0;
    bool nonfinite = false;
    if (!parse_double(n.scalar, d, nonfinite) || nonfinite || d != std::floor(d) || !(std::fabs(d) < 9.2e18))
      ctx.fail(n, path + ": expected " + expected + ", got " + n.describe());
    v = static_cast<std::int64_t>(d);
  }
  if (v < lo || v > hi)
    ctx.fail(n, path + ": expected " + expected + ", got " + n.scalar);
  return v;
}

std::uint64_t read_uint64(const Context& ctx, const YNode& n, const std::string& path, std::uint64_t lo,
                          std::uint64_t hi)
{
  const std::string expected = "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  expect_number_scalar(ctx, n, path, expected);
  std::string_view t = n.scalar;
  if (!t.empty() && t[0] == '+')
    t.remove_prefix(1);
  std::uint64_t v = 0;
  const char* end = t.data() + t.size();
  const auto [ptr, ec] = (t.empty() || t[0] == '-' || t[0] == '+')
                           ? std::from_chars_result{t.data(), std::errc::invalid_argument}
                           : std::from_chars(t.data(), end, v);
  if (ec != std::errc{} || ptr != end) {
    double d = 0.0;
    bool nonfinite = false;
    if (!parse_double(n.scalar, d, nonfinite) || nonfinite || d != std::floor(d) || d < 0.0 ||
        !(d < 1.8e19))
      ctx.fail(n, path + ": expected " + expected + ", got " + n.describe());
    v = static_cast<std::uint64_t>(d);
  }
  if (v < lo || v > hi)
    ctx.fail(n, path + ": expected " + expected + ", got " + n.scalar);
  return v;
}

bool read_bool(const Context& ctx, const YNode& n, const std::string& path)
{
  if (n.is_plain()) {
    static const char* yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static const char* no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
    for (const char* s : yes)
      if (n.scalar == s)
        return true;
    for (const char* s : no)
      if (n.scalar == s)
        return false;
  }
  ctx.fail(n, path + ": expected true or false, got " + n.describe());
}

std::string read_string(const Context& ctx, const YNode& n, const std::string& path)
{
  if (n.is_null())
    return {};
  if (!n.is_scalar())
    ctx.fail(n, path + ": expected a string, got " + n.describe());
  return n.scalar;
}

namespace {
std::string hex2(unsigned c)
{
  char b[8];
  std::snprintf(b, sizeof b, "%02X", c);
  return b;
}
std::string hex4(char32_t c)
{
  char b[16];
  std::snprintf(b, sizeof b, "%04X", static_cast<unsigned>(c));
  return b;
}
} // namespace

std::string name_problem(std::string_view name)
{
  if (name.empty())
    return "must not be empty";
  // Characters, not bytes: 33 Polish or 22 Chinese letters are short names.
  if (std::count_if(name.begin(), name.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }) > 64)
    return "is longer than 64 characters";
  // The text is valid UTF-8 (check_text). Letters of any script are fine
  // (HDF5 names are UTF-8: łowca_okazji); spaces, invisible characters,
  // control characters and '/' '.' are not.
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (!(std::isalnum(c) || c == '_' || c == '-'))
        return std::string("contains '") + (std::isprint(c) ? std::string(1, static_cast<char>(c)) : "\\x" + hex2(c)) +
               "': names may only use letters, digits, '_' and '-' (no dots: they separate the parts of a path)";
      ++i;
      continue;
    }
    const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t j = 1; j < len && i + j < name.size(); ++j)
      cp = (cp << 6) | (static_cast<unsigned char>(name[i + j]) & 0x3F);
    const bool invisible = cp <= 0xA0 || cp == 0xAD || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 ||
                           cp == 0xFEFF || (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0xE000 && cp <= 0xF8FF) ||
                           cp == 0x1680 || cp == 0x180E || (cp >= 0xE0000 && cp <= 0xE007F);
    if (invisible)
      return "contains U+" + hex4(cp) + " (a space, control or invisible character): names may only use letters, "
             "digits, '_' and '-'";
    i += len;
  }
  return {};
}

std::string read_name(const Context& ctx, const YNode& n, const std::string& path, const char* what)
{
  if (!n.is_scalar())
    ctx.fail(n, path + ": expected a " + what + ", got " + n.describe());
  const std::string problem = name_problem(n.scalar);
  if (!problem.empty())
    ctx.fail(n, path + ": " + what + " '" + n.scalar + "' " + problem);
  return n.scalar;
}

const std::vector<NodePtr>& read_seq(const Context& ctx, const YNode& n, const std::string& path, bool null_ok)
{
  static const std::vector<NodePtr> empty;
  if (null_ok && n.is_null())
    return empty;
  if (!n.is_seq())
    ctx.fail(n, path + ": expected a list, got " + n.describe());
  return n.items;
}

} // namespace journeysim::detail
