#include "journeysim/report/optimize_report.h"

#include "svg.h"

#include "journeysim/report/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace journeysim::report {

namespace {

std::string num(double x)
{
  if (!std::isfinite(x))
    return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

//! The best row, if it meets the constraints: with none feasible, `best` is
//! only the reference of best − this (OUTPUT.md), not a choice.
bool chosen(const OptimizationData::Row& r) { return r.best && r.feasible; }

//! The objective against the lever (one lever only): every evaluation, the
//! best and the settings as good as it marked.
std::string lever_chart(const OptimizationData& d)
{
  if (d.levers.size() != 1)
    return "";
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (const auto& r : d.rows)
    if (std::isfinite(r.mean)) {
      xlo = std::min(xlo, r.x[0]), xhi = std::max(xhi, r.x[0]);
      ylo = std::min(ylo, r.mean), yhi = std::max(yhi, r.mean);
    }
  if (!std::isfinite(xlo))
    return "";
  if (xhi <= xlo)
    xlo -= 0.5, xhi += 0.5;
  if (yhi <= ylo)
    ylo -= std::max(1e-9, std::fabs(ylo) * 0.05), yhi += std::max(1e-9, std::fabs(yhi) * 0.05);
  const auto xt = nice_ticks(xlo, xhi, 6), yt = nice_ticks(ylo, yhi, 5);
  const double W = 1100, H = 360, left = 90, right = 20, top = 16, bottom = 46;
  const Scale x{xt.front(), xt.back(), left, W - right};
  const Scale y{yt.front(), yt.back(), H - bottom, top};
  Svg s(W, H, d.objective_label + " against " + d.levers[0] + " at every evaluated setting");
  for (double t : yt) {
    s.line(left, y(t), W - right, y(t), "#eef0f3", 1);
    s.text(left - 6, y(t) + 4, num(t), "end", "axis");
  }
  for (double t : xt)
    s.text(x(t), H - bottom + 16, num(t), "middle", "axis");
  s.text((left + W - right) / 2, H - 8, d.levers[0], "middle", "label");
  for (const auto& r : d.rows) {
    const bool best = chosen(r);
    const std::string color = best ? "#dc2626" : r.equivalent ? "#2563eb" : r.feasible ? "#9ca3af" : "#e5e7eb";
    s.open_group(d.levers[0] + " = " + num(r.x[0]) + ": " + d.objective_label + " " + num(r.mean) +
                 (best ? " (best)" : r.equivalent ? " (as good as the best)" : r.feasible ? "" : " (misses a constraint)"));
    s.circle(x(r.x[0]), y(r.mean), best ? 7 : 4.5, color, "stroke=\"#1f2937\" stroke-width=\"0.6\"");
    s.close_group();
  }
  return s.str();
}

} // namespace

std::string render_optimize_html(const OptimizationData& d)
{
  const auto& best = d.rows[static_cast<std::size_t>(std::clamp<std::int64_t>(d.best, 0, static_cast<std::int64_t>(d.rows.size()) - 1))];
  std::size_t equivalent = 0;
  for (const auto& r : d.rows)
    equivalent += r.equivalent && !r.best;
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>journeysim optimisation — " + escape(d.scenario_name) + "</title>\n<style>" +
                  report_stylesheet() +
                  ".verdict{font-size:16px;font-weight:600;background:#eff6ff;border-left:4px solid #2563eb;padding:10px 14px}"
                  "tr.best td{background:#fee2e2}tr.same td{background:#dbeafe}</style>\n</head>\n<body>\n<main>\n";
  h += "<header>\n<p class=\"kicker\">journeysim optimisation report</p>\n<h1>" + escape(d.scenario_name) +
       "</h1>\n<dl class=\"identity\">";
  const auto item = [](const std::string& t, const std::string& v) { return "<div><dt>" + t + "</dt><dd>" + v + "</dd></div>"; };
  std::string levers, constraints;
  for (const auto& l : d.levers)
    levers += (levers.empty() ? "" : "<br>") + std::string("<code>") + escape(l) + "</code>";
  for (const auto& c : d.constraints)
    constraints += (constraints.empty() ? "" : "<br>") + std::string("<code>") + escape(c) + "</code>";
  h += item("Objective", (d.maximize ? "maximise " : "minimise ") + std::string("<code>") + escape(d.objective) +
                           "</code>" + (d.objective_label == d.objective ? "" : " (" + escape(d.objective_label) + ")"));
  if (!d.change_costs.empty()) {
    std::string changes;
    for (const auto& c : d.change_costs) // PATH=AMOUNT@TODAY
      changes += (changes.empty() ? "" : "<br>") + std::string("<code>") + escape(c) + "</code>";
    h += item("Change costs (per unit moved from today)", changes);
  }
  h += item("Levers", levers);
  h += item("Constraints", constraints.empty() ? "none" : constraints);
  h += item("Method", escape(d.method));
  h += item("Customers per run", grouped(static_cast<double>(d.agents)));
  h += item("Variant", escape(d.variant));
  h += item("Run date (UTC)", escape(d.created_utc));
  h += item("File", "<code>" + escape(d.path) + "</code>");
  h += "</dl>\n</header>\n";

  std::string answer;
  if (!d.any_feasible) {
    answer = "No evaluated setting meets the constraints (best − this is measured from the first row, the best " +
             escape(d.objective) + " among them): widen the levers' ranges or relax the constraints.";
  } else {
    answer = "Best: ";
    for (std::size_t l = 0; l < d.levers.size(); ++l)
      answer += (l ? ", " : "") + escape(d.levers[l]) + " = " + num(best.x[l]);
    answer += " — " + escape(d.objective_label) + " " + num(best.mean) + " (mean of " + std::to_string(best.replications) +
              " replications). ";
    answer += d.rows.size() == 1 ? std::string("One setting only (each lever has one value): nothing to compare it "
                                               "with; give a lever more values.")
              : equivalent ? std::to_string(equivalent) + " other setting(s) are not significantly " +
                             (d.maximize ? "worse" : "costlier") +
                             " (paired 95 % CI of the difference includes 0): on this evidence they are as good "
                             "a choice — pick among them on what the model does not know."
                         : std::string("Every other setting is significantly ") + (d.maximize ? "worse." : "costlier.");
  }
  h += "<section id=\"answer\">\n<h2>The answer</h2>\n<p class=\"verdict\">" + answer + "</p>\n";
  if (const std::string chart = lever_chart(d); !chart.empty())
    h += "<p class=\"lead\">Every evaluated setting: red the best, blue those as good as it, grey the others "
         "that meet the constraints, light those that miss one.</p>\n" + chart;
  h += "</section>\n";

  // Every evaluation: the best, the equivalent ones, then by objective.
  std::vector<std::size_t> order(d.rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto &x = d.rows[a], &y = d.rows[b];
    if (x.best != y.best)
      return x.best;
    if (x.equivalent != y.equivalent)
      return x.equivalent;
    if (x.feasible != y.feasible)
      return x.feasible;
    return d.maximize ? x.mean > y.mean : x.mean < y.mean;
  });
  h += "<section id=\"evaluations\">\n<h2>Every evaluated setting</h2>\n<p class=\"lead\">Best − this: the paired "
       "difference of the objective over the replications both share (common random numbers), with its 95 % "
       "CI.</p>\n<div class=\"scroll\"><table class=\"compact\">\n<thead><tr><th></th>";
  for (const auto& l : d.levers)
    h += "<th>" + escape(l) + "</th>";
  h += "<th>Replications</th><th>" + escape(d.objective_label) + "</th><th>Best − this [95 % CI]</th>";
  for (const auto& m : d.constraint_metrics)
    h += "<th>" + escape(m) + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (std::size_t i : order) {
    const auto& r = d.rows[i];
    h += std::string("<tr") + (chosen(r) ? " class=\"best\"" : r.equivalent ? " class=\"same\"" : "") + "><td>" +
         (!r.feasible ? "misses a constraint" : r.best ? "best" : r.equivalent ? "≈ as good" : "") + "</td>";
    for (double x : r.x)
      h += "<td>" + num(x) + "</td>";
    h += "<td>" + std::to_string(r.replications) + "</td><td>" + num(r.mean) + "</td><td>" +
         (r.best ? std::string() : num(r.diff) + " [" + num(r.diff_low) + ", " + num(r.diff_high) + "]") + "</td>";
    for (double c : r.constraint_means)
      h += "<td>" + num(c) + "</td>";
    h += "</tr>\n";
  }
  h += "</tbody></table></div>\n</section>\n<footer>Made by <code>journeysim report</code> from <code>" +
       escape(d.path) + "</code>. Self-contained: no scripts, no network.</footer>\n</main>\n</body>\n</html>\n";
  return h;
}

} // namespace journeysim::report
