#pragma once
//! A clickstream export (one row per event) turned into the observed funnel,
//! streaming: memory grows with the number of customers, not of events.
//! Layout defaults to the public REES46 e-commerce behaviour data:
//! event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session
//! Definitions: docs/CALIBRATION.md, "From a clickstream".

#include "journeysim/observed/observed_funnel.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace journeysim {

struct ClickstreamOptions {
  //! event type → stage, in funnel order (`--map view=interest,cart=intent,...`)
  std::vector<std::pair<std::string, std::string>> map;
  std::string user_column = "user_id";
  std::string time_column = "event_time";
  std::string type_column = "event_type";
  std::string price_column = "price";
  std::string segment_column; //!< "" = no segments (`--by`)
  //! segment value → persona name (`--segment mobile=gen_z_mobile`); values not listed keep their own name
  std::map<std::string, std::string> segment_names;
  std::string cart_event = "cart";
  std::string purchase_event = "purchase";
  std::size_t bad_rows_shown = 5;
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(std::uint64_t rows_read)> progress; //!< every 2^20 rows
};

struct BadRow {
  std::uint64_t line = 0;
  std::string reason;
};

struct ClickstreamResult {
  ObservedFunnel funnel;
  std::uint64_t rows = 0;      //!< data rows read (bad ones included)
  std::uint64_t bad_rows = 0;
  std::vector<BadRow> first_bad_rows;
  std::uint64_t users = 0;     //!< distinct customers with a mapped event
  //! Purchases kept, but left out of the order value: their price is empty, not a number, negative or above 1e12.
  std::uint64_t unpriced_purchases = 0;
  BadRow first_unpriced; //!< its line, and the price column's name and text as the reason
  //! Purchases dropped as repeats of an earlier one of the same customer with the same time and price
  //! (as written; only with a time column): an export's duplicated rows.
  std::uint64_t duplicate_purchases = 0;
  std::uint64_t first_duplicate_line = 0;
  std::map<std::string, std::uint64_t> ignored_event_types; //!< types not in the map, with their row counts
};

//! Parse `--map view=interest,cart=intent`.
//! @throws InputError On a malformed item, an empty name or an event type given twice.
std::vector<std::pair<std::string, std::string>> parse_event_map(const std::string& text,
                                                                 const std::string& option = "--map");

//! Read the events. `name` is used in messages.
//! @throws InputError If a named column is missing (listing the columns present),
//!         or the file has no header or no mapped event.
//! @throws Cancelled  If options.cancel was set.
ClickstreamResult read_clickstream(std::istream& in, const std::string& name, const ClickstreamOptions& options);

//! "2019-10-01 00:00:00 UTC", "2019-10-01T00:00:00Z", "2019-10-01 00:00:00+00:00",
//! "2019-10-01 00:00:00 +0000", "2019-10-01", or epoch seconds, milliseconds or
//! microseconds (10, 13 or 16 digits, years 2000-2099) → seconds since
//! 1970-01-01 UTC. False if it is none of these.
bool parse_event_time(std::string_view text, std::int64_t& seconds);

} // namespace journeysim
