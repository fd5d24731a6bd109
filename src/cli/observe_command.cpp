// journeysim observe: a clickstream export → the observed funnel (docs/CALIBRATION.md).

#include "cli_util.h"
#include "commands.h"

#include "journeysim/error.h"
#include "journeysim/results/text_output.h"
#include "journeysim/observed/clickstream.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace journeysim::cli {

int observe_command(const std::vector<std::string>& args, const StopRequest& stop)
{
  po::options_description visible(
    "usage: journeysim observe EVENTS.csv --map EVENT=STAGE,... -o observed.csv [options]\n\n"
    "Reads a clickstream export (one row per event; default layout: the REES46 e-commerce\n"
    "data, event_time,event_type,product_id,category_id,category_code,brand,price,user_id,\n"
    "user_session) and writes the observed funnel: how many customers reached each stage\n"
    "(a customer reached a stage when they have an event of it or of a later stage), per\n"
    "segment with --by, plus metric rows (docs/CALIBRATION.md). EVENTS.csv may be - (stdin).\n\noptions");
  visible.add_options()
    ("help,h", "show this help")
    ("map", po::value<std::string>(), "event types → scenario stages, in funnel order: view=interest,cart=intent,purchase=purchase")
    ("output,o", po::value<std::string>(), "observed-funnel file to write (CSV)")
    ("user-column", po::value<std::string>()->default_value("user_id"), "column identifying the customer")
    ("time-column", po::value<std::string>()->default_value("event_time"), "event time column ('' for none)")
    ("type-column", po::value<std::string>()->default_value("event_type"), "event type column")
    ("price-column", po::value<std::string>()->default_value("price"), "price column (order value of purchase events)")
    ("by", po::value<std::string>(), "segment column (e.g. device): a funnel per segment, fitted per persona")
    ("segment", po::value<std::vector<std::string>>()->composing(), "VALUE=PERSONA: name a segment after a persona (repeatable, or comma-separated)")
    ("cart-event", po::value<std::string>()->default_value("cart"), "event type of adding to the cart")
    ("purchase-event", po::value<std::string>()->default_value("purchase"), "event type of a purchase")
    ("force,f", po::bool_switch(), "replace an existing output file")
    ("quiet,q", po::bool_switch(), "print nothing but errors and bad rows");
  po::options_description all;
  all.add(visible).add_options()("events", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("events", 1);
  const auto vm = parse_args(args, all, pos);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (!vm.count("events"))
    throw InputError("journeysim observe: missing EVENTS.csv (see 'journeysim observe --help')");
  if (!vm.count("map"))
    throw InputError("journeysim observe: --map EVENT=STAGE,... is required (e.g. --map view=interest,cart=intent,purchase=purchase)");
  if (!vm.count("output"))
    throw InputError("journeysim observe: -o observed.csv is required");

  ClickstreamOptions o;
  o.map = parse_event_map(vm["map"].as<std::string>());
  o.user_column = vm["user-column"].as<std::string>();
  o.time_column = vm["time-column"].as<std::string>();
  o.type_column = vm["type-column"].as<std::string>();
  o.price_column = vm["price-column"].as<std::string>();
  o.cart_event = vm["cart-event"].as<std::string>();
  o.purchase_event = vm["purchase-event"].as<std::string>();
  if (vm.count("by"))
    o.segment_column = vm["by"].as<std::string>();
  if (vm.count("segment")) {
    if (o.segment_column.empty())
      throw InputError("--segment needs --by COLUMN");
    for (const auto& spec : vm["segment"].as<std::vector<std::string>>())
      for (const auto& [value, persona] : parse_event_map(spec, "--segment"))
        if (!o.segment_names.emplace(value, persona).second) // as --map: one persona per value
          throw InputError("--segment: '" + value + "' is given twice");
  }
  o.cancel = &stop.requested;
  const bool quiet = vm["quiet"].as<bool>();
  o.progress = [&](std::uint64_t rows) {
    if (!quiet)
      std::cerr << "\r" << thousands(static_cast<std::int64_t>(rows)) << " rows" << std::flush;
  };

  const std::string events = vm["events"].as<std::string>();
  const std::string output = vm["output"].as<std::string>();
  const OutputTarget text_output{"--output", OutputKind::ObservedFunnel, vm["force"].as<bool>(),
                                {{events, "the event file"}}};
  check_output_target(output, text_output);
  ClickstreamResult r;
  if (events == "-") {
    r = read_clickstream(std::cin, "stdin", o);
  } else {
    std::ifstream in(events, std::ios::binary);
    if (!in)
      throw InputError(events + ": cannot open");
    r = read_clickstream(in, events, o);
  }
  if (!quiet && r.rows >= (1u << 20))
    std::cerr << "\n";

  // The whole command, as typed (each word quoted for a shell where it needs it): the file can be made again.
  std::string command = "journeysim observe";
  for (const std::string& a : args) {
    const bool plain = !a.empty() && a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                         "0123456789_./=,:@%+-") == std::string::npos;
    std::string quoted = "'";
    for (char ch : a)
      quoted += ch == '\'' ? std::string("'\\''")
                : static_cast<unsigned char>(ch) < 0x20 ? std::string("?") // one comment line, whatever was typed
                                                         : std::string(1, ch);
    command += " " + (plain ? a : quoted + "'");
  }
  // What was read and left out, in the file too: a --quiet run's output still says it.
  std::string counts = std::to_string(r.rows) + " rows, " + std::to_string(r.bad_rows) + " bad rows skipped, " +
                       std::to_string(r.users) + " customers";
  if (r.unpriced_purchases > 0)
    counts += ", " + std::to_string(r.unpriced_purchases) + " purchases without a value";
  if (r.duplicate_purchases > 0)
    counts += ", " + std::to_string(r.duplicate_purchases) + " duplicate purchases dropped";
  r.funnel.comments = {"observed funnel: " + command, counts};
  std::ostringstream text;
  write_observed_funnel(text, r.funnel);
  write_text_output(output, text.str(), text_output);

  if (r.bad_rows > 0) {
    std::cerr << "journeysim observe: " << thousands(static_cast<std::int64_t>(r.bad_rows)) << " bad row(s) of "
              << thousands(static_cast<std::int64_t>(r.rows)) << " skipped and counted; the first:\n";
    for (const auto& b : r.first_bad_rows)
      std::cerr << "  " << events << ":" << b.line << ": " << printable(clip(b.reason, 300)) << "\n";
  }
  if (!quiet) {
    if (!r.ignored_event_types.empty()) {
      std::cout << "event types not in --map (ignored):";
      for (const auto& [type, n] : r.ignored_event_types)
        std::cout << " " << printable(clip(type, 100)) << " (" << thousands(static_cast<std::int64_t>(n)) << ")";
      std::cout << "\n";
    }
    // The metrics these events give, left out without a word otherwise (GA4 names them add_to_cart, purchase).
    const auto mapped = [&](const std::string& event) {
      return std::any_of(o.map.begin(), o.map.end(), [&](const auto& m) { return m.first == event; });
    };
    if (!mapped(o.cart_event))
      std::cout << "note: the cart event '" << o.cart_event << "' is not in --map: no cart_abandon_rate (name your "
                << "export's with --cart-event, e.g. --cart-event add_to_cart)\n";
    if (!mapped(o.purchase_event))
      std::cout << "note: the purchase event '" << o.purchase_event << "' is not in --map: no cart_abandon_rate, "
                << "repeat_purchase_rate, order value or time to first purchase (name your export's with "
                << "--purchase-event, e.g. --purchase-event order)\n";
    if (r.unpriced_purchases > 0)
      std::cout << "note: " << thousands(static_cast<std::int64_t>(r.unpriced_purchases)) << " purchase(s) had no "
                << "usable value (empty, not a number, negative or above 1e12; the first, " << events << ":"
                << r.first_unpriced.line << ": " << printable(clip(r.first_unpriced.reason, 300)) << "): kept in the funnel and the repeat "
                << "and cart-abandonment rates, left out of the order value (order_value_mean, order_value_sd and "
                << "their count, purchases)\n";
    if (r.duplicate_purchases > 0)
      std::cout << "note: " << thousands(static_cast<std::int64_t>(r.duplicate_purchases)) << " duplicate "
                << "purchase(s) dropped (a customer's purchase row repeated field for field; the first, " << events
                << ":" << r.first_duplicate_line << "): an export's repeated rows, which would inflate purchases "
                << "and repeat_purchase_rate\n";
    std::cout << thousands(static_cast<std::int64_t>(r.users)) << " customers; observed funnel written to " << output
              << "\n";
    for (const auto& s : r.funnel.stages)
      std::cout << "  " << (s.persona.empty() ? "" : printable(clip(s.persona, 100)) + " / ") << s.stage << ": "
                << thousands(s.reached) << "\n";
    for (const auto& m : r.funnel.metrics)
      std::cout << "  " << (m.persona.empty() ? "" : printable(clip(m.persona, 100)) + " / ") << m.name << " = " << fixed(m.value, 4) << "\n";
  }
  return 0;
}

} // namespace journeysim::cli
