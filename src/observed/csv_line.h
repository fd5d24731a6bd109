#pragma once
//! Private to src/observed: one CSV record split into fields (RFC 4180 quotes:
//! "a,b" and "" inside quotes; a record whose quoted field holds line breaks
//! is joined by the reader first, see ends_inside_quotes).

#include <string>
#include <string_view>
#include <vector>

namespace journeysim::detail {

//! Splits `line` (without its line break; a trailing '\r' is dropped) into
//! `fields`, reusing their storage. Returns false for an unbalanced quote.
//! `columns`, if given, gets each field's 1-based starting column.
inline bool split_csv_line(std::string_view line, std::vector<std::string>& fields,
                           std::vector<int>* columns = nullptr)
{
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  std::size_t n = 0;
  auto next = [&](std::size_t at) -> std::string& {
    if (fields.size() <= n)
      fields.emplace_back();
    if (columns) {
      columns->resize(n + 1);
      (*columns)[n] = static_cast<int>(at) + 1;
    }
    fields[n].clear();
    return fields[n++];
  };
  std::size_t i = 0;
  for (;;) {
    std::string& f = next(i);
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size())
          return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f += line[i++];
      }
      if (i < line.size() && line[i] != ',')
        return false;
    } else {
      const std::size_t comma = line.find(',', i);
      f.assign(line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i));
      i = comma == std::string_view::npos ? line.size() : comma;
    }
    if (i >= line.size())
      break;
    ++i; // the comma
  }
  fields.resize(n);
  return true;
}

//! Whether `line` ends inside a quoted field that opened at a field's start,
//! every field before it well formed: the record goes on on the next line
//! (RFC 4180 allows line breaks in quotes; Shopify's order notes have them).
//! A stray quote inside an unquoted field is not an opening one.
inline bool ends_inside_quotes(std::string_view line)
{
  if (line.find('"') == std::string_view::npos)
    return false;
  std::size_t i = 0;
  for (;;) {
    if (i < line.size() && line[i] == '"') {
      for (++i;; ++i) {
        if (i >= line.size())
          return true;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            ++i;
            continue;
          }
          ++i;
          break;
        }
      }
      if (i < line.size() && line[i] != ',')
        return false;
    } else {
      i = line.find(',', i);
      if (i == std::string_view::npos)
        return false;
    }
    if (i >= line.size())
      return false;
    ++i; // the comma
  }
}

//! Without a leading UTF-8 byte-order mark, which Excel's "CSV UTF-8" writes
//! before the first line.
inline std::string_view without_utf8_bom(std::string_view s)
{
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (s.substr(0, bom.size()) == bom)
    s.remove_prefix(bom.size());
  return s;
}

//! Without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace journeysim::detail
