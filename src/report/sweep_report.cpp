#include "journeysim/report/sweep_report.h"

#include "svg.h"

#include "journeysim/report/html_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

namespace journeysim::report {

namespace {

const char* const LINE_COLORS[] = {"#2563eb", "#ea580c", "#16a34a", "#dc2626", "#9333ea",
                                   "#0891b2", "#ca8a04", "#db2777", "#4d7c0f"};
constexpr std::size_t MAX_LINES = std::size(LINE_COLORS);

//! Rates and ROI are fractions the page shows in % (as compare and the run's report do).
bool is_rate(const std::string& metric) { return metric.find("rate") != std::string::npos || metric == "roi"; }

//! A metric's value as the page shows it: rates in %, others readably.
std::string shown(const std::string& metric, double x)
{
  if (!std::isfinite(x))
    return "—";
  if (is_rate(metric))
    return percent(x, metric == "roi" ? 1 : 3);
  const double a = std::fabs(x);
  if (a == 0)
    return "0";
  if (a >= 1000)
    return grouped(x);
  return fixed(x, a >= 100 ? 1 : a >= 1 ? 3 : 4);
}

//! Tick labels of a metric's axis.
std::string tick(const std::string& metric, double x)
{
  if (is_rate(metric))
    return percent(x, std::fabs(x) < 0.1 ? 2 : 1);
  return std::fabs(x) >= 1000 ? grouped(x) : fixed(x, std::fabs(x) >= 10 ? 0 : 2);
}

std::string value_text(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string short_path(const std::string& path)
{
  // touchpoints.checkout.checkout.steps → checkout.checkout.steps: the list name adds nothing.
  for (const char* list : {"touchpoints.", "stages.", "personas."})
    if (path.rfind(list, 0) == 0)
      return path.substr(std::string(list).size());
  return path;
}

// ---------------------------------------------------------------- sections

std::string identity(const SweepData& s)
{
  std::string h = "<header>\n<p class=\"kicker\">journeysim sweep report</p>\n<h1>" + escape(s.scenario_name) +
                  "</h1>\n";
  if (!s.scenario_description.empty())
    h += "<p class=\"lead\">" + escape(s.scenario_description) + "</p>\n";
  const auto item = [](const std::string& term, const std::string& value_html) {
    return "<div><dt>" + term + "</dt><dd>" + value_html + "</dd></div>";
  };
  std::string params;
  for (const auto& p : s.parameters)
    params += (params.empty() ? "" : "<br>") + std::string("<code>") + escape(p) + "</code>";
  h += "<dl class=\"identity\">";
  h += item("Grid points", std::to_string(s.points.size() / std::max<std::size_t>(1, s.variants.size())));
  h += item("Replications per point", std::to_string(s.replications));
  h += item("Customers per run", grouped(static_cast<double>(s.agents)));
  h += item("Swept parameters", params);
  h += item("Variants", escape(std::to_string(s.variants.size())));
  h += item("Horizon", std::to_string(s.horizon_days) + " days");
  h += item("Master seed", std::to_string(s.seed));
  h += item("Run date (UTC)", escape(s.created_utc));
  h += item("Sweep file", "<code>" + escape(s.path) + "</code>");
  h += "</dl>\n</header>\n";
  if (s.unsettled_runs > 0) // as compare and summary: not what the shop would see
    h += "<p class=\"caution\"><b>Caution:</b> the population feedback did not converge in " +
         std::to_string(s.unsettled_runs) + " of the sweep's runs: budgets' pacing and referrals are not settled "
         "there, so neither are their figures below. Sweep again with a larger <code>feedback.max_passes</code> or "
         "tolerance before deciding.</p>\n";
  return h;
}

std::string decision_section(const SweepData& s, const SweepReportOptions& o)
{
  if (!o.decision)
    return "";
  const Decision& d = *o.decision;
  std::string heading = d.chosen() + (d.has_target ? " that reaches the target" : "");
  heading[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(heading[0])));
  std::string h = "<section id=\"decision\">\n<h2>" + heading + "</h2>\n<p class=\"verdict\">" +
                  escape(o.decision_text) + "</p>\n";
  h += "<p class=\"lead\">A setting reaches the target when its whole 95 % confidence interval across "
       "replications does. " +
       std::string(d.objective.changes.empty()
                     ? ""
                     : "Change costs are one-off costs per unit a lever moves away from today's value, as the "
                       "scenario's change_costs or --change-cost state them (");
  if (!d.objective.changes.empty()) {
    for (std::size_t i = 0; i < d.objective.changes.size(); ++i) {
      const ChangeCost& c = d.objective.changes[i];
      h += (i ? "; " : "") + std::string("<code>") + escape(c.path) + "</code>: " + escape(shown("cost", c.per_unit)) +
           " per unit from " + escape(value_text(c.today));
    }
    h += ").";
  }
  h += " The ten best settings:</p>\n<div class=\"scroll\"><table class=\"compact\">\n<thead><tr><th>Rank</th>";
  for (const auto& p : s.parameters)
    h += "<th>" + escape(short_path(p)) + "</th>";
  if (d.has_target)
    h += "<th>" + escape(d.target.metric) + " [95 % CI]</th><th>Reaches target</th>";
  h += "<th>" + escape(d.objective.metric) + "</th><th>Change cost</th><th>Objective</th></tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < std::min<std::size_t>(10, d.options.size()); ++r) {
    const Option& opt = d.options[r];
    h += std::string("<tr") + (r == 0 && opt.reaches ? " class=\"best\"" : "") + "><td>" + std::to_string(r + 1) +
         "</td>";
    for (double v : opt.point->values)
      h += "<td>" + escape(value_text(v)) + "</td>";
    if (d.has_target) {
      const Band& b = opt.point->band(d.target.metric);
      h += "<td>" + escape(shown(d.target.metric, b.mean)) + " [" + escape(shown(d.target.metric, b.ci_low)) + ", " +
           escape(shown(d.target.metric, b.ci_high)) + "]</td><td>" + (opt.reaches ? "yes" : "no") + "</td>";
    }
    h += "<td>" + escape(shown(d.objective.metric, opt.metric)) + "</td><td>" + escape(shown("cost", opt.change_cost)) +
         "</td><td><b>" + escape(shown(d.objective.metric, opt.value)) + "</b></td></tr>\n";
  }
  return h + "</tbody></table></div>\n</section>\n";
}

//! One line of a response curve: the grid points that differ only in the
//! charted parameter (the same variant and the same values of the others).
struct Curve {
  std::string label;
  std::vector<const SweepPoint*> points; //!< sorted by the charted value
};

std::vector<Curve> curves_along(const SweepData& s, std::size_t param, const std::string& variant)
{
  std::map<std::pair<std::size_t, std::vector<double>>, Curve> by_key;
  std::vector<std::pair<std::size_t, std::vector<double>>> order;
  for (const SweepPoint& p : s.points) {
    if (p.variant != variant)
      continue;
    std::vector<double> others;
    std::string label;
    for (std::size_t i = 0; i < p.values.size(); ++i)
      if (i != param) {
        others.push_back(p.values[i]);
        label += (label.empty() ? "" : ", ") + short_path(s.parameters[i]) + " = " + value_text(p.values[i]);
      }
    const auto key = std::make_pair(std::size_t{0}, others);
    auto [it, fresh] = by_key.try_emplace(key);
    if (fresh) {
      it->second.label = label.empty() ? variant : label;
      order.push_back(key);
    }
    it->second.points.push_back(&p);
  }
  std::vector<Curve> curves;
  for (const auto& key : order) {
    Curve c = by_key[key];
    std::sort(c.points.begin(), c.points.end(),
              [&](const SweepPoint* a, const SweepPoint* b) { return a->values[param] < b->values[param]; });
    curves.push_back(std::move(c));
  }
  return curves;
}

std::string response_chart(const SweepData& s, std::size_t param, const std::string& metric,
                           const std::vector<Curve>& curves)
{
  const double W = 540, H = 330, left = 70, right = 16, top = 16, bottom = 46;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  const std::size_t shown_curves = std::min(curves.size(), MAX_LINES);
  for (std::size_t c = 0; c < shown_curves; ++c)
    for (const SweepPoint* p : curves[c].points) {
      const Band& b = p->band(metric);
      xlo = std::min(xlo, p->values[param]);
      xhi = std::max(xhi, p->values[param]);
      for (double y : {b.mean, b.ci_low, b.ci_high})
        if (std::isfinite(y)) {
          ylo = std::min(ylo, y);
          yhi = std::max(yhi, y);
        }
    }
  if (!std::isfinite(ylo))
    ylo = 0, yhi = 1;
  if (xhi <= xlo)
    xlo -= 0.5, xhi += 0.5;
  if (yhi <= ylo)
    ylo -= std::max(1e-9, std::fabs(ylo) * 0.05), yhi += std::max(1e-9, std::fabs(yhi) * 0.05);
  const auto yt = nice_ticks(ylo, yhi, 5);
  const auto xt = nice_ticks(xlo, xhi, 6);
  const Scale x{xt.front(), xt.back(), left, W - right};
  const Scale y{yt.front(), yt.back(), H - bottom, top};
  Svg svg(W, H, metric + " against " + s.parameters[param] + ", mean and 95 % CI across replications");
  for (double t : yt) {
    svg.line(left, y(t), W - right, y(t), "#eef0f3", 1);
    svg.text(left - 6, y(t) + 4, tick(metric, t), "end", "axis");
  }
  for (double t : xt) {
    svg.line(x(t), top, x(t), H - bottom, "#f3f4f6", 1);
    svg.text(x(t), H - bottom + 16, value_text(t), "middle", "axis");
  }
  svg.text((left + W - right) / 2, H - 8, short_path(s.parameters[param]), "middle", "label");
  for (std::size_t c = 0; c < shown_curves; ++c) {
    const std::string color = LINE_COLORS[c];
    std::vector<std::pair<double, double>> line, band;
    for (const SweepPoint* p : curves[c].points)
      line.emplace_back(x(p->values[param]), y(p->band(metric).mean));
    for (const SweepPoint* p : curves[c].points)
      band.emplace_back(x(p->values[param]), y(p->band(metric).ci_high));
    for (auto it = curves[c].points.rbegin(); it != curves[c].points.rend(); ++it)
      band.emplace_back(x((*it)->values[param]), y((*it)->band(metric).ci_low));
    svg.open_group(curves[c].label);
    svg.polygon(band, color, "fill-opacity=\"0.14\"");
    svg.polyline(line, color, 2);
    for (const SweepPoint* p : curves[c].points) {
      const Band& b = p->band(metric);
      svg.open_group(curves[c].label + "; " + short_path(s.parameters[param]) + " = " + value_text(p->values[param]) +
                     ": " + shown(metric, b.mean) + " [" + shown(metric, b.ci_low) + ", " + shown(metric, b.ci_high) + "]");
      svg.circle(x(p->values[param]), y(b.mean), 3.2, color);
      svg.close_group();
    }
    svg.close_group();
  }
  return "<figure><figcaption>" + escape(metric) + "</figcaption>" + svg.str() + "</figure>\n";
}

std::string curves_section(const SweepData& s, const std::vector<std::string>& metrics, const std::string& variant)
{
  std::string h = "<section id=\"curves\">\n<h2>Response curves with 95 % CI bands</h2>\n<p class=\"lead\">Each "
                  "metric against each swept parameter: the mean across the " +
                  std::to_string(s.replications) +
                  " replications of every grid point, and as a band its 95 % Student-t confidence interval. The "
                  "points of one replication share their customers, so curves are smoother than the bands "
                  "suggest." +
                  (s.variants.size() > 1 ? " Variant <b>" + escape(variant) +
                                             "</b>; the others with <code>--variant NAME</code>, every point of "
                                             "every variant in the table below."
                                         : std::string()) +
                  "</p>\n";
  for (std::size_t p = 0; p < s.parameters.size(); ++p) {
    const auto curves = curves_along(s, p, variant);
    h += "<h3><code>" + escape(s.parameters[p]) + "</code></h3>\n<div class=\"legend\">";
    for (std::size_t c = 0; c < std::min(curves.size(), MAX_LINES); ++c)
      h += "<span><i class=\"swatch line\" style=\"background:" + std::string(LINE_COLORS[c]) + "\"></i>" +
           escape(curves[c].label) + "</span>";
    h += "</div>\n";
    if (curves.size() > MAX_LINES)
      h += "<p class=\"note\">" + std::to_string(curves.size()) + " curves; the first " + std::to_string(MAX_LINES) +
           " are drawn (the table below has every point).</p>\n";
    h += "<div class=\"charts\">\n";
    for (const auto& m : metrics)
      h += response_chart(s, p, m, curves);
    h += "</div>\n";
  }
  return h + "</section>\n";
}

std::string heat_map_section(const SweepData& s, const std::string& metric, const std::string& variant,
                             const Option* best)
{
  if (s.parameters.size() != 2)
    return "";
  std::vector<double> rows, cols; // parameter 0 down, parameter 1 across
  std::map<std::pair<double, double>, const SweepPoint*> cell;
  double lo = INFINITY, hi = -INFINITY;
  for (const SweepPoint& p : s.points) {
    if (p.variant != variant)
      continue;
    rows.push_back(p.values[0]);
    cols.push_back(p.values[1]);
    cell[{p.values[0], p.values[1]}] = &p;
    const double m = p.band(metric).mean;
    if (std::isfinite(m))
      lo = std::min(lo, m), hi = std::max(hi, m);
  }
  for (auto* v : {&rows, &cols}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  std::reverse(rows.begin(), rows.end());
  const double cw = std::min(120.0, 900.0 / static_cast<double>(cols.size())), ch = 34, left = 150, top = 30;
  const double W = left + cw * static_cast<double>(cols.size()) + 20;
  const double H = top + ch * static_cast<double>(rows.size()) + 50;
  Svg svg(W, H, "Heat map of " + metric + " over the grid");
  for (std::size_t j = 0; j < cols.size(); ++j)
    svg.text(left + (static_cast<double>(j) + 0.5) * cw, top - 8, value_text(cols[j]), "middle", "axis");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double y0 = top + static_cast<double>(i) * ch;
    svg.text(left - 8, y0 + ch / 2 + 4, value_text(rows[i]), "end", "axis");
    for (std::size_t j = 0; j < cols.size(); ++j) {
      const auto it = cell.find({rows[i], cols[j]});
      if (it == cell.end())
        continue;
      const Band& b = it->second->band(metric);
      const double t = hi > lo && std::isfinite(b.mean) ? (b.mean - lo) / (hi - lo) : 0.5;
      // Light yellow → dark blue.
      char color[16];
      std::snprintf(color, sizeof color, "#%02x%02x%02x", static_cast<int>(255 - 225 * t),
                    static_cast<int>(250 - 170 * t), static_cast<int>(205 - 45 * t));
      const double x0 = left + static_cast<double>(j) * cw;
      const bool is_best = best && best->point == it->second;
      svg.open_group(short_path(s.parameters[0]) + " = " + value_text(rows[i]) + ", " + short_path(s.parameters[1]) +
                     " = " + value_text(cols[j]) + ": " + shown(metric, b.mean) + " [" + shown(metric, b.ci_low) +
                     ", " + shown(metric, b.ci_high) + "]");
      svg.rect(x0 + 1, y0 + 1, cw - 2, ch - 2, color,
               is_best ? "stroke=\"#dc2626\" stroke-width=\"3\"" : "");
      svg.text(x0 + cw / 2, y0 + ch / 2 + 4, shown(metric, b.mean), "middle", t > 0.55 ? "value light" : "value");
      svg.close_group();
    }
  }
  svg.text(left + cw * static_cast<double>(cols.size()) / 2, H - 14, short_path(s.parameters[1]) + " →", "middle",
           "label");
  svg.text(12, top - 8, "↓ " + short_path(s.parameters[0]), "start", "label");
  return "<section id=\"heatmap\">\n<h2>Heat map: " + escape(metric) + " over the grid</h2>\n<p class=\"lead\">Mean "
         "across replications at every grid point" +
         (s.variants.size() > 1 ? " (variant <b>" + escape(variant) + "</b>)" : std::string()) +
         (best ? "; outlined in red: the chosen setting" : "") + ". Hover a cell for its 95 % CI.</p>\n" + svg.str() +
         "</section>\n";
}

std::string points_table(const SweepData& s, const std::vector<std::string>& metrics)
{
  std::string h = "<section id=\"points\">\n<h2>Every grid point</h2>\n<p class=\"lead\">Mean across replications "
                  "[95 % CI]. Every metric of every point is also in <code>journeysim summary " +
                  escape(s.path) + " --format csv</code>.</p>\n<div class=\"scroll\"><table class=\"compact\">\n"
                  "<thead><tr><th>Point</th>";
  for (const auto& p : s.parameters)
    h += "<th>" + escape(short_path(p)) + "</th>";
  if (s.variants.size() > 1)
    h += "<th>Variant</th>";
  for (const auto& m : metrics)
    h += "<th>" + escape(m) + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (const SweepPoint& p : s.points) {
    h += "<tr><td>" + std::to_string(p.point) + "</td>";
    for (double v : p.values)
      h += "<td>" + escape(value_text(v)) + "</td>";
    if (s.variants.size() > 1)
      h += "<td>" + escape(p.variant) + "</td>";
    for (const auto& m : metrics) {
      const Band& b = p.band(m);
      h += "<td>" + escape(shown(m, b.mean)) + (std::isfinite(b.ci_low) ? " <small>[" + escape(shown(m, b.ci_low)) +
                                                                            ", " + escape(shown(m, b.ci_high)) + "]</small>"
                                                                      : std::string()) +
           "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</tbody></table></div>\n</section>\n";
}

const char* const EXTRA_CSS = R"(
.charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px 20px}
figure{margin:0}figcaption{font-weight:600;font-size:13px;color:#374151}
h3{font-size:15px;margin:16px 0 2px}
.verdict{font-size:16px;font-weight:600;background:#eff6ff;border-left:4px solid #2563eb;padding:10px 14px}
.caution{background:#fef2f2;border-left:4px solid #dc2626;padding:8px 14px}
tr.best td{background:#fef9c3}
svg .value.light{fill:#ffffff}
)";

} // namespace

std::string render_sweep_html(const SweepData& s, const SweepReportOptions& o)
{
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>journeysim sweep report — " +
                  escape(s.scenario_name) + "</title>\n<style>" + report_stylesheet() + EXTRA_CSS +
                  "</style>\n</head>\n<body>\n<main>\n";
  h += identity(s);
  h += "<nav>";
  if (o.decision)
    h += "<a href=\"#decision\">Decision</a>";
  h += "<a href=\"#curves\">Response curves</a>";
  if (s.parameters.size() == 2)
    h += "<a href=\"#heatmap\">Heat map</a>";
  h += "<a href=\"#points\">Every point</a></nav>\n";
  const std::string variant = o.variant.empty() ? s.variants.front() : o.variant;
  h += decision_section(s, o);
  h += curves_section(s, o.metrics, variant);
  const std::string heat_metric =
    o.decision && o.decision->has_target ? o.decision->target.metric : o.metrics.empty() ? "conversion_rate" : o.metrics.front();
  h += heat_map_section(s, heat_metric, variant, o.decision ? o.decision->best() : nullptr);
  h += points_table(s, o.metrics);
  h += "<footer>Made by <code>journeysim report</code> from <code>" + escape(s.path) +
       "</code>. Self-contained: no scripts, no network.</footer>\n</main>\n</body>\n</html>\n";
  return h;
}

} // namespace journeysim::report
