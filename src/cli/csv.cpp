#include "csv.h"
#include "json.h"

#include "journeysim/error.h"

#include <cmath>
#include <cstdio>

namespace po = boost::program_options;

namespace journeysim::cli {

void add_csv_options(po::options_description& options)
{
  options.add_options()
    ("csv-sep", po::value<std::string>(), "CSV field separator: , (default) ; | or tab")
    ("decimal-comma", po::bool_switch(), "CSV numbers with a decimal comma (and ';' between fields unless "
                                         "--csv-sep says otherwise): what a Polish or German Excel opens");
}

CsvStyle csv_style(const po::variables_map& vm)
{
  CsvStyle style;
  style.decimal_comma = vm.count("decimal-comma") && vm["decimal-comma"].as<bool>();
  if (style.decimal_comma)
    style.separator = ';';
  if (vm.count("csv-sep")) {
    const std::string s = vm["csv-sep"].as<std::string>();
    if (s == "tab" || s == "\\t" || s == "\t")
      style.separator = '\t';
    else if (s == "," || s == ";" || s == "|")
      style.separator = s[0];
    else
      throw InputError("--csv-sep: expected , ; | or tab, got '" + s + "'");
  }
  if (style.decimal_comma && style.separator == ',')
    throw InputError("--csv-sep ',' with --decimal-comma: numbers would be split in two; use ';'");
  return style;
}

void begin_csv(std::ostream& out, const CsvStyle& style)
{
  if (!style.is_default())
    out << "\xEF\xBB\xBF";
}

std::string csv_text(const std::string& s, const CsvStyle& style)
{
  if (s.find_first_of(std::string(1, style.separator) + "\"\n\r") == std::string::npos)
    return s;
  std::string q = "\"";
  for (char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csv_number(double x, const CsvStyle& style)
{
  std::string s = exact_number(x);
  if (style.decimal_comma)
    for (char& c : s)
      if (c == '.')
        c = ',';
  return s;
}

} // namespace journeysim::cli
