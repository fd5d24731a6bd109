#include "journeysim/calibration/free_parameter.h"

#include "journeysim/error.h"

#include <cmath>
#include <cstdlib>

namespace journeysim {

namespace {

double bound(const std::string& text, const std::string& spec)
{
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v))
    throw InputError("--free " + spec + ": '" + text + "' is not a number (expected PATH=LOW:HIGH, e.g. "
                     "touchpoints.social_ads.advance=0.05:0.5)");
  return v;
}

std::vector<std::string> split(const std::string& s, char sep)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos)
      return out;
    start = at + 1;
  }
}

} // namespace

FreeParameter parse_free_parameter(const std::string& spec)
{
  const std::size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("--free " + spec + ": expected PATH=LOW:HIGH (e.g. touchpoints.social_ads.advance=0.05:0.5)");
  FreeParameter p;
  p.path = spec.substr(0, eq);
  const auto ends = split(spec.substr(eq + 1), ':');
  if (ends.size() != 2)
    throw InputError("--free " + spec + ": expected PATH=LOW:HIGH (e.g. touchpoints.social_ads.advance=0.05:0.5)");
  p.low = bound(ends[0], spec);
  p.high = bound(ends[1], spec);
  if (!(p.low < p.high))
    throw InputError("--free " + spec + ": LOW must be less than HIGH");
  return p;
}

std::optional<double> current_value(const Model& m, const std::string& path)
{
  const auto seg = split(path, '.');
  if (seg.size() == 1 && seg[0] == "mood_effect")
    return m.mood_effect;
  if (seg.size() < 3)
    return std::nullopt;
  if (seg[0] == "stages" && seg.size() == 3)
    for (const auto& s : m.stages)
      if (s.name == seg[1]) {
        if (seg[2] == "dropout")
          return s.dropout;
        if (seg[2] == "purchase_rate")
          return s.purchase_rate;
      }
  if (seg[0] == "personas")
    for (const auto& p : m.personas)
      if (p.name == seg[1]) {
        if (seg.size() == 3 && seg[2] == "share")
          return p.share;
        if (seg.size() == 3 && seg[2] == "mood")
          return p.mood;
        if (seg.size() == 4 && seg[2] == "affinity")
          return p.affinity_for(seg[3]);
      }
  if (seg[0] == "touchpoints")
    for (const auto& t : m.touchpoints)
      if (t.name == seg[1]) {
        if (seg.size() == 3) {
          if (seg[2] == "reach")
            return t.reach;
          if (seg[2] == "advance")
            return t.advance;
          if (seg[2] == "emotion")
            return t.emotion;
          if (seg[2] == "cost")
            return t.cost;
          if (seg[2] == "discount")
            return t.discount;
        }
        if (seg.size() == 4 && seg[2] == "checkout" && t.checkout && seg[3] == "step_abandon")
          return t.checkout->step_abandon;
      }
  return std::nullopt;
}

} // namespace journeysim
