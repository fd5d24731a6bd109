#include "journeysim/observed/clickstream.h"

#include "csv_line.h"

#include "journeysim/error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <string_view>
#include <unordered_map>

namespace journeysim {

namespace {

constexpr std::int64_t NEVER = std::numeric_limits<std::int64_t>::max();

//! One customer, as far as the funnel needs: the furthest stage reached and
//! the times of the first event and the first purchase.
struct Customer {
  int furthest = -1; //!< index into the funnel's stages
  int segment = -1;  //!< index into the segment values
  std::uint32_t purchases = 0;
  std::int64_t first_event = NEVER;
  std::int64_t first_purchase = NEVER;
  //! A key per distinct purchase (with a time column): a few per customer, not one per row.
  std::vector<std::uint64_t> purchase_keys;
};

//! An event type of --map: its stage, and how many of its rows there were and were bad.
struct MappedType {
  int stage = 0; //!< index into the funnel's stages
  std::uint64_t rows = 0, bad = 0;
  BadRow first_bad;
};

std::string joined(const std::vector<std::string>& names)
{
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

//! Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

//! Mean and sum of squared deviations, updated one value at a time (Welford):
//! no sum of squares to overflow or to cancel against n·mean².
struct RunningMoments {
  std::uint64_t n = 0;
  double mean = 0.0, squared_deviations = 0.0;
  void add(double x)
  {
    ++n;
    const double delta = x - mean;
    mean += delta / static_cast<double>(n);
    squared_deviations += delta * (x - mean);
  }
  double sd() const { return n > 1 ? std::sqrt(squared_deviations / static_cast<double>(n - 1)) : 0.0; }
};

//! Above this a price is a mistake (a concatenated number, an id in the price column).
constexpr double LARGEST_PRICE = 1e12;

//! A purchase's value: a number from 0 to LARGEST_PRICE. Not one (empty, "n/a",
//! a refund's negative amount, 1e308) is no value, which the order value's
//! statistics leave out (a huge one would also overflow them).
bool parse_price(std::string_view text, double& price)
{
  const std::string_view p = detail::trim(text);
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), price);
  return !p.empty() && ec == std::errc() && end == p.data() + p.size() && std::isfinite(price) && price >= 0 &&
         price <= LARGEST_PRICE;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out)
{
  if (at + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

//! A zone after a time: none, "UTC", "Z", "+HH:MM" or "+HHMM" (Shopify's) →
//! its offset east of UTC in seconds. Real offsets run from -12:00 to +14:00.
bool parse_zone(std::string_view zone, int& offset)
{
  offset = 0;
  if (zone.empty() || zone == "UTC" || zone == "Z")
    return true;
  const bool colon = zone.size() == 6 && zone[3] == ':';
  if ((zone[0] != '+' && zone[0] != '-') || (zone.size() != 5 && !colon))
    return false;
  int oh = 0, om = 0;
  if (!digits(zone, 1, 2, oh) || !digits(zone, colon ? 4 : 3, 2, om) || om > 59 || oh * 60 + om > 14 * 60)
    return false;
  offset = (zone[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  return true;
}

//! A whole number since 1970-01-01 UTC, its unit told by its length: 10
//! digits seconds, 13 milliseconds, 16 microseconds (GA4's event_timestamp).
//! Other lengths, or a time outside the years 2000-2099, are not an epoch
//! time (an order number, a price in cents).
bool parse_epoch(std::string_view s, std::int64_t& seconds)
{
  std::int64_t per_second = 0;
  switch (s.size()) {
  case 10: per_second = 1; break;
  case 13: per_second = 1000; break;
  case 16: per_second = 1000000; break;
  default: return false;
  }
  std::int64_t n = 0; // at most 16 digits: no overflow
  for (const char ch : s) {
    if (ch < '0' || ch > '9')
      return false;
    n = n * 10 + (ch - '0');
  }
  constexpr std::int64_t YEAR_2000 = 946684800, YEAR_2100 = 4102444800;
  n /= per_second; // fractions of a second: ignored, as in a date-time
  if (n < YEAR_2000 || n >= YEAR_2100)
    return false;
  seconds = n;
  return true;
}

//! A few bad rows are skipped; most rows of a mapped type bad (a time format
//! not read, say) would undercount its stage while looking like a funnel.
//! @throws InputError Naming the first such type in --map order.
void refuse_mostly_bad_type(const std::unordered_map<std::string, MappedType>& types, const ClickstreamOptions& o,
                            const std::string& name)
{
  for (const auto& [event, stage] : o.map) {
    const MappedType& t = types.at(event);
    if (t.bad * 2 > t.rows)
      throw InputError(name + ": " + std::to_string(t.bad) + " of the " + std::to_string(t.rows) + " '" + event +
                       "' rows are bad (the first, " + name + ":" + std::to_string(t.first_bad.line) + ": " +
                       t.first_bad.reason + "): a funnel would leave most of them out");
  }
}

//! A purchase row's every field, hashed: an export's repeated row has the
//! same key, while two products of one order (REES46: one row each, the
//! order's time, maybe one price) differ in another field. Two different
//! rows of one customer share a key with a chance of about 2^-64 per pair.
std::uint64_t purchase_key(const std::vector<std::string>& fields)
{
  std::uint64_t key = 0;
  for (const std::string& f : fields) {
    const std::uint64_t h = std::hash<std::string_view>{}(detail::trim(f));
    key ^= h + 0x9e3779b97f4a7c15ULL + (key << 6) + (key >> 2); // boost::hash_combine's mix
  }
  return key;
}

//! False if the customer already has this purchase: an export's duplicated row.
bool remember_purchase(Customer& c, std::uint64_t key)
{
  if (std::find(c.purchase_keys.begin(), c.purchase_keys.end(), key) != c.purchase_keys.end())
    return false;
  c.purchase_keys.push_back(key);
  return true;
}

//! Type-7 quantile (linear between order statistics) of sorted values.
double quantile(const std::vector<double>& sorted, double q)
{
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

} // namespace

bool parse_event_time(std::string_view s, std::int64_t& seconds)
{
  s = detail::trim(s);
  if (parse_epoch(s, seconds))
    return true;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
    return false;
  std::size_t i = 10;
  if (i < s.size()) {
    if ((s[i] != ' ' && s[i] != 'T') || !digits(s, i + 1, 2, h) || s.size() < i + 9 || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, mi) || s[i + 6] != ':' || !digits(s, i + 7, 2, se) || h > 23 || mi > 59 || se > 60)
      return false;
    i += 9;
    if (i < s.size() && s[i] == '.') { // fractions of a second: ignored
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9')
        ++i;
    }
    int offset = 0;
    if (!parse_zone(detail::trim(s.substr(i)), offset))
      return false;
    seconds = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
              mi * 60 + se - offset;
    return true;
  }
  seconds = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400;
  return true;
}

std::vector<std::pair<std::string, std::string>> parse_event_map(const std::string& text, const std::string& option)
{
  const bool segments = option != "--map";
  std::vector<std::pair<std::string, std::string>> map;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw InputError(segments ? option + ": '" + item + "' is not VALUE=PERSONA (e.g. " + option +
                                    " mobile=gen_z_mobile,unknown=gen_x_desktop; unknown: customers with no value)"
                                : option + ": '" + item + "' is not EVENT_TYPE=STAGE (e.g. " + option +
                                    " view=interest,cart=intent,purchase=purchase)");
    std::string event(detail::trim(std::string_view(item).substr(0, eq)));
    std::string stage(detail::trim(std::string_view(item).substr(eq + 1)));
    for (const auto& [e, s] : map)
      if (e == event)
        throw InputError(option + ": " + (segments ? "value '" : "event type '") + event + "' is mapped twice");
    map.emplace_back(std::move(event), std::move(stage));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return map;
}

ClickstreamResult read_clickstream(std::istream& in, const std::string& name, const ClickstreamOptions& o)
{
  if (o.map.empty())
    throw InputError("--map: at least one EVENT_TYPE=STAGE is needed");
  // Stages in funnel order (first appearance in the map), and each event type's stage.
  std::vector<std::string> stages;
  std::unordered_map<std::string, MappedType> mapped_types;
  for (const auto& [event, stage] : o.map) {
    auto it = std::find(stages.begin(), stages.end(), stage);
    if (it == stages.end())
      it = stages.insert(stages.end(), stage);
    mapped_types[event].stage = static_cast<int>(it - stages.begin());
  }

  std::string line;
  std::vector<std::string> fields;
  if (!std::getline(in, line))
    throw InputError(name + ": empty file (expected a header line such as "
                            "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session)");
  std::vector<std::string> header;
  if (!detail::split_csv_line(detail::without_utf8_bom(line), header))
    throw InputError(name + ":1:1: unbalanced quote in the header");
  for (auto& h : header)
    h = std::string(detail::trim(h));
  auto column = [&](const std::string& wanted, const char* option, bool needed) -> int {
    if (wanted.empty() && !needed)
      return -1;
    const auto it = std::find(header.begin(), header.end(), wanted);
    if (it == header.end())
      throw InputError(name + ":1:1: no column '" + wanted + "' (" + option + "); the columns are: " + joined(header));
    return static_cast<int>(it - header.begin());
  };
  const int user_col = column(o.user_column, "--user-column", true);
  const int type_col = column(o.type_column, "--type-column", true);
  const int time_col = column(o.time_column, "--time-column", false);
  const bool purchases_mapped = mapped_types.count(o.purchase_event) > 0;
  const int price_col = purchases_mapped ? column(o.price_column, "--price-column", false) : -1;
  const int segment_col = column(o.segment_column, "--by", false);

  ClickstreamResult r;
  std::unordered_map<std::string, Customer> customers;
  std::vector<std::string> segments;
  std::unordered_map<std::string, int> segment_index;
  RunningMoments order_value;
  std::uint64_t line_no = 1, row_line = 1; // the last line read; the first line of the row
  auto bad = [&](const std::string& reason, MappedType* type = nullptr) {
    ++r.bad_rows;
    if (r.first_bad_rows.size() < o.bad_rows_shown)
      r.first_bad_rows.push_back({row_line, reason});
    if (type && type->bad++ == 0)
      type->first_bad = {row_line, reason};
  };
  // Lines read ahead for a quoted field that never closed: rows of their own.
  std::deque<std::string> pending;
  auto next_line = [&](std::string& out) -> bool {
    if (pending.empty())
      return static_cast<bool>(std::getline(in, out));
    out = std::move(pending.front());
    pending.pop_front();
    return true;
  };
  // A quoted field with line breaks: the lines up to its closing quote are
  // one row, if it closes within MAX_LINES lines and the row then has the
  // header's fields. Else the quote was a stray one (an unquoted 5" screen):
  // that row is bad and the lines after it are rows of their own.
  constexpr std::size_t MAX_LINES = 100;
  std::vector<std::string> ahead;
  auto join_quoted_lines = [&](std::string& row) {
    ahead.clear();
    std::string joined = row;
    for (std::string next; ahead.size() + 1 < MAX_LINES && next_line(next);) {
      ahead.push_back(next);
      // A line that is a whole row once its quotes are ignored is the next
      // row (a stray quote in the same column of two rows), not the field's
      // continuation (an order note's second line).
      std::string unquoted = next;
      unquoted.erase(std::remove(unquoted.begin(), unquoted.end(), '"'), unquoted.end());
      if (detail::split_csv_line(unquoted, fields) && fields.size() == header.size())
        break;
      if (!joined.empty() && joined.back() == '\r')
        joined.pop_back();
      joined += '\n';
      joined += next;
      if (!detail::ends_inside_quotes(joined)) {
        if (detail::split_csv_line(joined, fields) && fields.size() == header.size()) {
          row = std::move(joined);
          line_no += ahead.size();
          return;
        }
        break;
      }
    }
    pending.insert(pending.begin(), ahead.begin(), ahead.end());
  };
  // A customer's segment: the value on their first row (in file order) that
  // has one, whether or not its event type is mapped. Kept for every user
  // seen, and given to those who turn out to be customers at the end.
  std::unordered_map<std::string, std::string> first_value;
  auto note_segment = [&](const std::string& user, const std::vector<std::string>& row) {
    if (segment_col < 0 || detail::trim(user).empty())
      return;
    const std::string_view value = detail::trim(row[static_cast<std::size_t>(segment_col)]);
    if (!value.empty())
      first_value.try_emplace(user, value);
  };

  while (next_line(line)) {
    row_line = ++line_no;
    if (line.empty() || (line.size() == 1 && line[0] == '\r'))
      continue;
    if (detail::ends_inside_quotes(line))
      join_quoted_lines(line);
    ++r.rows;
    if ((r.rows & 0xFFFFF) == 0) {
      if (o.cancel && o.cancel->load())
        throw Cancelled();
      if (o.progress)
        o.progress(r.rows);
    }
    if (!detail::split_csv_line(line, fields)) {
      bad("unbalanced quote");
      continue;
    }
    if (fields.size() != header.size()) {
      bad("expected " + std::to_string(header.size()) + " fields, found " + std::to_string(fields.size()));
      continue;
    }
    const std::string& type = fields[type_col];
    const auto mapped = mapped_types.find(type);
    if (mapped == mapped_types.end()) {
      if (type.empty())
        bad("empty " + o.type_column);
      else {
        if (r.ignored_event_types.size() < 1000 || r.ignored_event_types.count(type))
          ++r.ignored_event_types[type];
        note_segment(fields[user_col], fields); // a session_start row often carries the device
      }
      continue;
    }
    MappedType& type_rows = mapped->second;
    ++type_rows.rows;
    const std::string& user = fields[user_col];
    if (detail::trim(user).empty()) {
      bad("empty " + o.user_column, &type_rows);
      continue;
    }
    std::int64_t when = 0;
    if (time_col >= 0 && !parse_event_time(fields[time_col], when)) {
      const std::string reason = "' is not a date-time such as 2019-10-01 00:00:00 UTC";
      bad(o.time_column + " '" + fields[time_col].substr(0, 40) + reason, &type_rows);
      continue;
    }
    const bool purchase = type == o.purchase_event;
    Customer& c = customers[user];
    c.furthest = std::max(c.furthest, type_rows.stage);
    if (time_col >= 0)
      c.first_event = std::min(c.first_event, when);
    // Stage reach is idempotent; a purchase's count is not, so a repeated one is dropped.
    const std::string_view price_text = price_col >= 0 ? fields[price_col] : std::string_view();
    const bool repeated = purchase && time_col >= 0 && !remember_purchase(c, purchase_key(fields));
    if (repeated && r.duplicate_purchases++ == 0)
      r.first_duplicate_line = row_line;
    if (purchase && !repeated) {
      ++c.purchases;
      // A purchase without a usable value still happened: it counts everywhere but in the order value.
      if (double price = 0.0; price_col >= 0 && parse_price(price_text, price))
        order_value.add(price);
      else if (price_col >= 0 && r.unpriced_purchases++ == 0)
        r.first_unpriced = {row_line, o.price_column + " '" + std::string(price_text.substr(0, 40)) + "'"};
      if (time_col >= 0)
        c.first_purchase = std::min(c.first_purchase, when);
    }
    note_segment(user, fields);
  }
  if (in.bad())
    throw InputError(name + ": read error after line " + std::to_string(line_no));
  refuse_mostly_bad_type(mapped_types, o, name);
  r.users = customers.size();
  if (customers.empty())
    throw InputError(name + ": no event of a mapped type (" + [&] {
      std::vector<std::string> types;
      for (const auto& [e, s] : o.map)
        types.push_back(e);
      return joined(types);
    }() + ") in " + std::to_string(r.rows) + " rows" +
                     (r.first_bad_rows.empty()
                          ? std::string()
                          : ", " + std::to_string(r.bad_rows) + " of them bad (the first, " + name + ":" +
                                std::to_string(r.first_bad_rows.front().line) + ": " +
                                r.first_bad_rows.front().reason + ")"));

  // The funnel: a customer has reached stage j when their furthest stage is j or later.
  const int cart_stage = mapped_types.count(o.cart_event) ? mapped_types.at(o.cart_event).stage : -1;
  const int purchase_stage = purchases_mapped ? mapped_types.at(o.purchase_event).stage : -1;
  auto add_group = [&](const std::string& persona, int segment) {
    std::vector<std::int64_t> reached(stages.size(), 0);
    std::int64_t buyers = 0, repeat_buyers = 0;
    std::vector<double> hours;
    for (const auto& [id, c] : customers) {
      if (segment >= 0 && c.segment != segment)
        continue;
      for (int j = 0; j <= c.furthest; ++j)
        ++reached[j];
      if (c.purchases > 0) {
        ++buyers;
        repeat_buyers += c.purchases > 1;
        if (c.first_purchase != NEVER)
          hours.push_back(static_cast<double>(c.first_purchase - c.first_event) / 3600.0);
      }
    }
    for (std::size_t j = 0; j < stages.size(); ++j)
      r.funnel.stages.push_back({persona, stages[j], reached[j], 0});
    auto metric = [&](const std::string& n, double v) { r.funnel.metrics.push_back({persona, n, v, 0}); };
    metric("customers", static_cast<double>(reached[0]));
    if (cart_stage >= 0 && purchase_stage > cart_stage && reached[cart_stage] > 0)
      metric("cart_abandon_rate",
             1.0 - static_cast<double>(reached[purchase_stage]) / static_cast<double>(reached[cart_stage]));
    if (buyers > 0)
      metric("repeat_purchase_rate", static_cast<double>(repeat_buyers) / static_cast<double>(buyers));
    if (!hours.empty()) {
      std::sort(hours.begin(), hours.end());
      for (const auto& [label, q] : {std::pair{"p25", 0.25}, {"p50", 0.5}, {"p75", 0.75}, {"p90", 0.9}})
        metric(std::string("hours_to_first_purchase_") + label, quantile(hours, q));
    }
  };
  add_group("", -2); // -2: every customer
  if (segment_col >= 0) {
    // Customers with no value in the segment column form the segment
    // "unknown"; --segment names it (unknown=PERSONA) as it names the others.
    for (auto& [id, c] : customers) {
      const auto v = first_value.find(id);
      const std::string value = v == first_value.end() ? std::string("unknown") : v->second;
      const auto named = o.segment_names.find(value);
      const std::string& persona = named != o.segment_names.end() ? named->second : value;
      auto [it, fresh] = segment_index.try_emplace(persona, static_cast<int>(segments.size()));
      if (fresh)
        segments.push_back(persona);
      c.segment = it->second;
    }
    std::vector<int> order(segments.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return segments[a] < segments[b]; });
    for (int s : order)
      add_group(segments[s], s);
  }
  if (order_value.n > 0 && price_col >= 0) {
    // purchases and order_value_sd: the count and spread that weigh order_value_mean in calibrate,
    // so purchases without a value are not in the count: they are not in the mean.
    r.funnel.metrics.push_back({"", "purchases", static_cast<double>(order_value.n), 0});
    r.funnel.metrics.push_back({"", "order_value_mean", order_value.mean, 0});
    if (order_value.n > 1)
      r.funnel.metrics.push_back({"", "order_value_sd", order_value.sd(), 0});
  }
  return r;
}

} // namespace journeysim
