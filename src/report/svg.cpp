#include "svg.h"

#include <cmath>
#include <cstdio>

namespace journeysim::report {

std::string escape(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string fixed(double x, int digits)
{
  if (!std::isfinite(x))
    return std::isnan(x) ? "—" : (x > 0 ? "∞" : "−∞");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  std::string s = buf;
  if (s[0] == '-' && s.find_first_not_of("0.", 1) == std::string::npos)
    s.erase(0, 1); // no "-0.00"
  if (s[0] == '-')
    return std::string("−").append(s, 1, std::string::npos);
  return s;
}

std::string grouped(double x)
{
  if (!std::isfinite(x))
    return fixed(x, 0);
  if (std::fabs(x) >= 1e15) { // beyond what a 64-bit count holds exactly: no separators
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", x);
    return buf;
  }
  const bool negative = x < 0;
  std::string digits = std::to_string(static_cast<long long>(std::llround(std::fabs(x))));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return (negative ? "−" : "") + out;
}

std::string percent(double fraction, int digits)
{
  return std::isfinite(fraction) ? fixed(100 * fraction, digits) + " %" : fixed(fraction, digits); // "—", not "— %"
}

std::string signed_fixed(double x, int digits)
{
  const std::string s = fixed(x, digits);
  if (std::isfinite(x) && x > 0 && s.find_first_not_of("0.") != std::string::npos)
    return std::string("+").append(s);
  return s;
}

std::vector<double> nice_ticks(double lo, double hi, int target)
{
  if (!(hi > lo))
    hi = lo + 1;
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  // From the tick at or below lo to the one at or above hi: the axis covers the data.
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  std::vector<double> ticks;
  for (double i = first; i <= last + 0.5; ++i)
    ticks.push_back(std::fabs(i) < 0.5 ? 0.0 : i * step);
  return ticks;
}

std::string coord(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

Svg::Svg(double width, double height, std::string_view title)
{
  body_ = "<svg viewBox=\"0 0 " + coord(width) + " " + coord(height) +
          "\" width=\"" + coord(width) + "\" role=\"img\" aria-label=\"" + escape(title) + "\">\n<title>" +
          escape(title) + "</title>\n";
}

Svg& Svg::rect(double x, double y, double w, double h, std::string_view fill, std::string_view extra)
{
  body_ += "<rect x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" width=\"" + coord(std::max(0.0, w)) +
           "\" height=\"" + coord(std::max(0.0, h)) + "\" fill=\"" + std::string(fill) + "\" " +
           std::string(extra) + "/>\n";
  return *this;
}

Svg& Svg::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width,
               std::string_view extra)
{
  body_ += "<line x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" + coord(x2) + "\" y2=\"" + coord(y2) +
           "\" stroke=\"" + std::string(stroke) + "\" stroke-width=\"" + coord(width) + "\" " + std::string(extra) +
           "/>\n";
  return *this;
}

Svg& Svg::circle(double cx, double cy, double r, std::string_view fill, std::string_view extra)
{
  body_ += "<circle cx=\"" + coord(cx) + "\" cy=\"" + coord(cy) + "\" r=\"" + coord(r) + "\" fill=\"" +
           std::string(fill) + "\" " + std::string(extra) + "/>\n";
  return *this;
}

Svg& Svg::polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke, double width,
                   std::string_view extra)
{
  std::string piece;
  const auto flush = [&] {
    if (!piece.empty())
      body_ += "<polyline fill=\"none\" stroke=\"" + std::string(stroke) + "\" stroke-width=\"" + coord(width) +
               "\" stroke-linejoin=\"round\" points=\"" + piece + "\" " + std::string(extra) + "/>\n";
    piece.clear();
  };
  for (const auto& [x, y] : points) {
    if (!std::isfinite(y)) {
      flush();
      continue;
    }
    if (!piece.empty())
      piece += ' ';
    piece.append(coord(x)).append(",").append(coord(y));
  }
  flush();
  return *this;
}

Svg& Svg::polygon(const std::vector<std::pair<double, double>>& points, std::string_view fill,
                  std::string_view extra)
{
  std::string pts;
  for (const auto& [x, y] : points)
    if (std::isfinite(x) && std::isfinite(y))
      pts.append(pts.empty() ? "" : " ").append(coord(x)).append(",").append(coord(y));
  if (!pts.empty())
    body_ += "<polygon fill=\"" + std::string(fill) + "\" points=\"" + pts + "\" " + std::string(extra) + "/>\n";
  return *this;
}

Svg& Svg::text(double x, double y, std::string_view content, std::string_view anchor, std::string_view cls,
               std::string_view extra)
{
  body_ += "<text x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" text-anchor=\"" + std::string(anchor) + "\"";
  if (!cls.empty())
    body_.append(" class=\"").append(cls).append("\"");
  body_.append(" ").append(extra).append(">").append(escape(content)).append("</text>\n");
  return *this;
}

Svg& Svg::open_group(std::string_view tooltip, std::string_view extra)
{
  body_ += "<g " + std::string(extra) + ">";
  if (!tooltip.empty())
    body_ += "<title>" + escape(tooltip) + "</title>";
  body_ += "\n";
  return *this;
}

Svg& Svg::close_group()
{
  body_ += "</g>\n";
  return *this;
}

} // namespace journeysim::report
