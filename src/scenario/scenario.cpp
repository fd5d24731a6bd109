#include "journeysim/scenario/scenario.h"

#include <algorithm>

namespace journeysim {

const char* to_string(Phase p) noexcept
{
  switch (p) {
  case Phase::PrePurchase:
    return "pre_purchase";
  case Phase::Purchase:
    return "purchase";
  case Phase::PostPurchase:
    return "post_purchase";
  }
  return "?";
}

const char* to_string(TouchKind k) noexcept
{
  switch (k) {
  case TouchKind::Neutral:
    return "neutral";
  case TouchKind::PainPoint:
    return "pain_point";
  case TouchKind::SuccessPoint:
    return "success_point";
  case TouchKind::MomentOfTruth:
    return "moment_of_truth";
  }
  return "?";
}

const char* to_string(Trigger t) noexcept
{
  switch (t) {
  case Trigger::Daily:
    return "daily";
  case Trigger::CartAbandoned:
    return "cart_abandoned";
  case Trigger::Purchase:
    return "purchase";
  case Trigger::Arrival:
    return "arrival";
  }
  return "?";
}

double Persona::affinity_for(const std::string& channel) const
{
  for (const auto& a : affinity)
    if (a.channel == channel)
      return a.weight;
  return 1.0;
}

int Model::stage_index(const std::string& stage_name) const
{
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (stages[i].name == stage_name)
      return static_cast<int>(i);
  return -1;
}

int Model::first_purchase_stage() const
{
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (stages[i].purchase)
      return static_cast<int>(i);
  return -1;
}

bool Model::needs_feedback() const
{
  return referrals.enabled ||
         std::any_of(touchpoints.begin(), touchpoints.end(), [](const Touchpoint& t) { return t.budget.has_value(); });
}

bool Model::uses_money() const
{
  return margin < 1.0 || clv_days > 0 || needs_feedback();
}

int Scenario::variant_index(const std::string& variant_name) const
{
  for (std::size_t i = 0; i < variants.size(); ++i)
    if (variants[i].name == variant_name)
      return static_cast<int>(i);
  return -1;
}

void Scenario::use_random_stream(rng::Stream stream)
{
  for (Model& m : variants)
    m.random_stream = stream;
}

} // namespace journeysim
