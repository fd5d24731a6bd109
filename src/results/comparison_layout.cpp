#include "comparison_layout.h"

#include "journeysim/error.h"

#include <algorithm>

namespace journeysim::layout {

void write_comparison_table(const h5::Object& group, const std::vector<analysis::ComparisonRow>& rows,
                            bool with_group)
{
  std::vector<std::string> groups, metric, method;
  std::vector<double> baseline, variant, difference, ci_low, ci_high, p_value;
  for (const auto& r : rows) {
    groups.push_back(r.group);
    metric.push_back(r.metric);
    method.push_back(r.estimate.method);
    baseline.push_back(r.estimate.baseline);
    variant.push_back(r.estimate.variant);
    difference.push_back(r.estimate.difference);
    ci_low.push_back(r.estimate.ci_low);
    ci_high.push_back(r.estimate.ci_high);
    p_value.push_back(r.estimate.p_value);
  }
  if (with_group)
    h5::write_dataset(group, "group", groups);
  h5::write_dataset(group, "metric", metric);
  h5::write_dataset(group, "baseline", baseline);
  h5::write_dataset(group, "variant", variant);
  h5::write_dataset(group, "difference", difference);
  h5::write_dataset(group, "ci_low", ci_low);
  h5::write_dataset(group, "ci_high", ci_high);
  h5::write_dataset(group, "p_value", p_value);
  h5::write_dataset(group, "method", method);
}

void write_comparison(const h5::Object& root, const std::string& name,
                      const analysis::ComparisonTables& t)
{
  const h5::Group g = h5::create_group(root, name);
  write_comparison_table(g, t.summary, false);
  const std::vector<analysis::ComparisonRow>* parts[] = {&t.by_persona, &t.by_stage, &t.by_phase,
                                                         &t.by_touchpoint};
  for (std::size_t i = 0; i < 4; ++i)
    write_comparison_table(h5::create_group(g, BREAKDOWNS[i]), *parts[i], true);
}

std::vector<analysis::ComparisonRow> read_comparison_table(const h5::Object& group)
{
  // Lengths are checked before anything is read: a tampered file could
  // declare billions of rows. A real table has a row per metric and group.
  constexpr std::uint64_t max_rows = 1u << 20;
  std::uint64_t length = 0;
  for (const char* c : {"metric", "group", "method", "baseline", "variant", "difference", "ci_low", "ci_high",
                        "p_value"}) {
    if (!h5::exists(group, c))
      continue;
    const auto d = h5::dims(h5::open_dataset(group, c));
    if (d.size() != 1 || d[0] > max_rows || (length && d[0] != length))
      throw OutputError("comparison table " + h5::object_path(group) + ": column '" + c +
                        "' is not 1-D or does not match the others");
    length = d[0];
  }
  const auto metric = h5::read_strings(group, "metric");
  const std::size_t n = metric.size();
  std::vector<std::string> groups(n), method(n);
  if (h5::exists(group, "group"))
    groups = h5::read_strings(group, "group");
  if (h5::exists(group, "method"))
    method = h5::read_strings(group, "method");
  const char* names[] = {"baseline", "variant", "difference", "ci_low", "ci_high", "p_value"};
  std::vector<std::vector<double>> cols;
  for (const char* c : names)
    cols.push_back(h5::read_dataset<double>(group, c));
  for (const auto& c : cols)
    if (c.size() != n)
      throw OutputError("comparison table " + h5::object_path(group) + ": columns of different lengths");
  if (groups.size() != n || method.size() != n)
    throw OutputError("comparison table " + h5::object_path(group) + ": columns of different lengths");
  // Names are printed as they are: journeysim writes short ones without
  // control characters, so others (an escape sequence for the terminal, a
  // 5 MB "metric") are damage, not labels.
  const auto plain = [](const std::string& s, std::size_t longest) {
    return s.size() <= longest && std::none_of(s.begin(), s.end(), [](char c) {
             return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
           });
  };
  for (std::size_t i = 0; i < n; ++i)
    if (!plain(metric[i], 256) || !plain(groups[i], 256) || !plain(method[i], 4096))
      throw OutputError("comparison table " + h5::object_path(group) + ": row " + std::to_string(i) +
                        " has a metric, group or method name with control characters or far too long");
  std::vector<analysis::ComparisonRow> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& r = rows[i];
    r.group = groups[i];
    r.metric = metric[i];
    r.estimate.method = method[i];
    r.estimate.baseline = cols[0][i];
    r.estimate.variant = cols[1][i];
    r.estimate.difference = cols[2][i];
    r.estimate.ci_low = cols[3][i];
    r.estimate.ci_high = cols[4][i];
    r.estimate.p_value = cols[5][i];
  }
  return rows;
}

} // namespace journeysim::layout
