#pragma once
//! CSV output of `compare` and `summary`, including the dialect a Polish (or
//! German, French, …) Excel opens correctly: `;` between fields and a decimal
//! comma (`--csv-sep ';' --decimal-comma`).

#include <boost/program_options.hpp>

#include <ostream>
#include <string>

namespace journeysim::cli {

struct CsvStyle {
  char separator = ',';
  bool decimal_comma = false;
  bool is_default() const { return separator == ',' && !decimal_comma; }
};

//! Adds --csv-sep and --decimal-comma to a command's options.
void add_csv_options(boost::program_options::options_description& options);
//! The style the options ask for. A decimal comma with the default separator
//! switches it to ';' (a ',' could not separate fields then).
//! @throws InputError For a separator that is not one character of , ; | or tab.
CsvStyle csv_style(const boost::program_options::variables_map& vm);

//! Starts a CSV document: a UTF-8 byte-order mark for a non-default style,
//! without which Excel reads UTF-8 text (—, →, names) in the legacy code page.
void begin_csv(std::ostream& out, const CsvStyle& style);
//! A text field, quoted when it holds the separator, a quote or a newline.
std::string csv_text(const std::string& s, const CsvStyle& style);
//! A number as exact_number writes it (with the style's decimal mark); empty for NaN/∞.
std::string csv_number(double x, const CsvStyle& style);

} // namespace journeysim::cli
