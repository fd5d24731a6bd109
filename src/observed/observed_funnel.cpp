#include "journeysim/observed/observed_funnel.h"

#include "csv_line.h"

#include "journeysim/error.h"
#include "journeysim/util/nearest_name.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>

namespace journeysim {

namespace {

enum class Section { None, Stages, Metrics };

struct Header {
  Section section = Section::None;
  int persona = -1, name = -1, number = -1; //!< field index of each column
  std::size_t fields = 0;
};

//! The header a line is, if it is one: {stage, reached} or {metric, value},
//! each with an optional persona column, in any order.
Header header_of(const std::vector<std::string>& fields)
{
  Header h;
  h.fields = fields.size();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string f(detail::trim(fields[i]));
    std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!seen.insert(f).second)
      return {};
    const int at = static_cast<int>(i);
    if (f == "persona")
      h.persona = at;
    else if (f == "stage" || f == "metric")
      h.name = at;
    else if (f == "reached" || f == "value")
      h.number = at;
    else
      return {};
  }
  if (h.name < 0 || h.number < 0)
    return {};
  const bool stages = seen.count("stage") && seen.count("reached");
  const bool metrics = seen.count("metric") && seen.count("value");
  h.section = stages ? Section::Stages : metrics ? Section::Metrics : Section::None;
  return h;
}

const std::vector<std::string> METRICS = {"customers",
                                          "purchases",
                                          "cart_abandon_rate",
                                          "repeat_purchase_rate",
                                          "hours_to_first_purchase_p50",
                                          "order_value_mean",
                                          "order_value_sd"};

std::string short_number(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

//! Why a metric row's value is out of its range, or "".
std::string out_of_range(const std::string& name, double v)
{
  if (name == "cart_abandon_rate" || name == "repeat_purchase_rate")
    return v < 0 || v > 1 ? "is not a rate between 0 and 1" : "";
  if (name == "customers" || name == "purchases")
    return v < 0 || v != std::floor(v) || v > 9e15 ? "is not a whole number >= 0" : "";
  return v < 0 ? "is negative" : "";
}

} // namespace

double first_purchase_quantile_of(const std::string& metric)
{
  static const std::string prefix = "hours_to_first_purchase_p";
  if (metric.rfind(prefix, 0) != 0)
    return -1;
  const std::string digits = metric.substr(prefix.size());
  if (digits.empty() || digits.size() > 2 || digits.front() == '0' ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
    return -1;
  return std::stoi(digits) / 100.0;
}

ObservedFunnel parse_observed_funnel(const std::string& text, const std::string& path)
{
  ObservedFunnel f;
  f.path = path;
  auto fail = [&](int line, int column, const std::string& message) {
    throw InputError(path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
  };
  std::istringstream in(std::string(detail::without_utf8_bom(text)));
  std::string raw;
  std::vector<std::string> fields;
  std::vector<int> columns;
  Header header;
  std::set<std::pair<std::string, std::string>> seen_stages, seen_metrics;
  bool data_seen = false;
  for (int line = 1; std::getline(in, raw); ++line) {
    std::string_view t(raw);
    if (!t.empty() && t.back() == '\r')
      t.remove_suffix(1);
    t = detail::trim(t);
    if (t.empty())
      continue;
    if (t.front() == '#') {
      if (!data_seen && header.section == Section::None)
        f.comments.emplace_back(detail::trim(t.substr(1)));
      continue;
    }
    if (!detail::split_csv_line(raw, fields, &columns))
      fail(line, 1, "unbalanced quote");
    const Header h = header_of(fields);
    if (h.section != Section::None) {
      header = h;
      continue;
    }
    if (header.section == Section::None)
      fail(line, 1, "expected a header line first: stage,reached (optionally persona,stage,reached) "
                    "or metric,value");
    if (fields.size() != header.fields)
      fail(line, 1, "expected " + std::to_string(header.fields) + " fields, found " + std::to_string(fields.size()));
    data_seen = true;
    const std::string persona = header.persona >= 0 ? std::string(detail::trim(fields[header.persona])) : "";
    const std::string name(detail::trim(fields[header.name]));
    const std::string number(detail::trim(fields[header.number]));
    const int name_col = columns[header.name], number_col = columns[header.number];
    if (name.empty())
      fail(line, name_col, header.section == Section::Stages ? "empty stage name" : "empty metric name");
    char* end = nullptr;
    const double v = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0' || !std::isfinite(v))
      fail(line, number_col, "'" + number + "' is not a number");
    if (header.section == Section::Stages) {
      if (v < 0)
        fail(line, number_col, "negative count " + number + " for stage '" + name + "'");
      if (v != std::floor(v) || v > 9e15)
        fail(line, number_col, "'" + number + "' is not a whole number of customers");
      if (!seen_stages.insert({persona, name}).second)
        fail(line, name_col, "stage '" + name + "'" + (persona.empty() ? "" : " of persona '" + persona + "'") +
                               " appears twice");
      f.stages.push_back({persona, name, static_cast<std::int64_t>(v), line});
    } else {
      if (std::find(METRICS.begin(), METRICS.end(), name) == METRICS.end() && first_purchase_quantile_of(name) < 0)
        fail(line, name_col, "unknown metric '" + name + "'" + did_you_mean(name, METRICS) +
                               " (known: customers, purchases, cart_abandon_rate, repeat_purchase_rate, "
                               "hours_to_first_purchase_pNN with NN 1 to 99, order_value_mean, order_value_sd)");
      if (const std::string why = out_of_range(name, v); !why.empty())
        fail(line, number_col, name + " " + number + " " + why);
      if (!seen_metrics.insert({persona, name}).second)
        fail(line, name_col, "metric '" + name + "'" + (persona.empty() ? "" : " of persona '" + persona + "'") +
                               " appears twice");
      f.metrics.push_back({persona, name, v, line});
    }
  }
  // A later quantile of the same customers cannot be smaller than an earlier one.
  for (const auto& a : f.metrics)
    for (const auto& b : f.metrics) {
      const double qa = first_purchase_quantile_of(a.name), qb = first_purchase_quantile_of(b.name);
      if (qa >= 0 && qb > qa && a.persona == b.persona && b.value < a.value)
        fail(b.line, 1, b.name + " " + short_number(b.value) + " is below " + a.name + " " + short_number(a.value) +
                          ": quantiles cannot decrease");
    }
  if (f.stages.empty())
    throw InputError(path + ": no stage rows (expected a header stage,reached and one row per stage)");
  return f;
}

ObservedFunnel read_observed_funnel(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(path + ": cannot open the observed funnel");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (64u << 20))
    throw InputError(path + ": larger than 64 MB; an observed funnel is a few lines");
  return parse_observed_funnel(text.str(), path);
}

namespace {

std::string csv_field(const std::string& s)
{
  // A leading # would make the row a comment to the reader.
  if (s.find_first_of(",\"\n\r") == std::string::npos && (s.empty() || s.front() != '#'))
    return s;
  std::string q = "\"";
  for (char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

//! The shortest text that reads back to the same double.
std::string number_text(double v)
{
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

} // namespace

void write_observed_funnel(std::ostream& out, const ObservedFunnel& f)
{
  for (const auto& c : f.comments) {
    std::istringstream lines(c); // a comment with a line break stays all comment
    for (std::string line; std::getline(lines, line);)
      out << "# " << line << "\n";
  }
  const bool personas = std::any_of(f.stages.begin(), f.stages.end(), [](const auto& s) { return !s.persona.empty(); });
  out << (personas ? "persona,stage,reached\n" : "stage,reached\n");
  for (const auto& s : f.stages)
    out << (personas ? csv_field(s.persona) + "," : "") << csv_field(s.stage) << "," << s.reached << "\n";
  if (f.metrics.empty())
    return;
  const bool metric_personas =
    std::any_of(f.metrics.begin(), f.metrics.end(), [](const auto& m) { return !m.persona.empty(); });
  out << "\n" << (metric_personas ? "persona,metric,value\n" : "metric,value\n");
  for (const auto& m : f.metrics)
    out << (metric_personas ? csv_field(m.persona) + "," : "") << csv_field(m.name) << "," << number_text(m.value)
        << "\n";
}

} // namespace journeysim
