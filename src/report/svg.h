#pragma once
//! Building blocks of the report's inline SVG charts and HTML text: escaping,
//! number formatting, axis ticks and a small SVG writer. No JavaScript, no
//! external resources: the page renders offline.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace journeysim::report {

//! Text safe inside HTML/SVG elements and quoted attributes (& < > " ').
std::string escape(std::string_view text);

std::string fixed(double x, int digits);          //!< NaN → "—"
std::string grouped(double x);                    //!< 1234567 → "1,234,567" (rounded)
std::string percent(double fraction, int digits); //!< 0.1234 → "12.34 %"
std::string signed_fixed(double x, int digits);   //!< +0.52 / −0.10

//! About `target` round tick values, from one at or below lo to one at or above hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

//! A linear map from data [d0, d1] to pixels [r0, r1].
struct Scale {
  double d0 = 0, d1 = 1, r0 = 0, r1 = 1;
  double operator()(double v) const { return r0 + (v - d0) / (d1 - d0) * (r1 - r0); }
};

//! An <svg> element written shape by shape; sizes in CSS pixels, scaled to
//! the page width by its viewBox. Colours and classes are trusted (ours);
//! every text is escaped.
class Svg {
public:
  Svg(double width, double height, std::string_view title);

  Svg& rect(double x, double y, double w, double h, std::string_view fill, std::string_view extra = {});
  Svg& line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
            std::string_view extra = {});
  Svg& circle(double cx, double cy, double r, std::string_view fill, std::string_view extra = {});
  //! A polyline through the points (NaN y breaks it into pieces).
  Svg& polyline(const std::vector<std::pair<double, double>>& points, std::string_view stroke, double width,
                std::string_view extra = {});
  //! A filled polygon through the points (a CI band: the upper edge, then the lower one reversed).
  Svg& polygon(const std::vector<std::pair<double, double>>& points, std::string_view fill,
               std::string_view extra = {});
  //! anchor: start, middle or end; cls: a CSS class of the page.
  Svg& text(double x, double y, std::string_view content, std::string_view anchor = "start",
            std::string_view cls = {}, std::string_view extra = {});
  //! A hover tooltip for the next shapes: wrap them in <g><title>…</title> … </g>.
  Svg& open_group(std::string_view tooltip = {}, std::string_view extra = {});
  Svg& close_group();

  std::string str() const { return body_ + "</svg>\n"; }

private:
  std::string body_;
};

//! "12.5" with at most one decimal (coordinates).
std::string coord(double v);

} // namespace journeysim::report
