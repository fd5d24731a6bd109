#include "journeysim/error.h"
#include "journeysim/scenario/loader.h"
#include "journeysim/util/nearest_name.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

using namespace journeysim;
using Catch::Matchers::Contains;

namespace {

std::string data(const std::string& rel) { return std::string(JOURNEYSIM_TEST_DATA) + "/" + rel; }

std::string slurp(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Touchpoint* find_tp(const Model& m, const std::string& name)
{
  for (const auto& t : m.touchpoints)
    if (t.name == name)
      return &t;
  return nullptr;
}

const Persona* find_persona(const Model& m, const std::string& name)
{
  for (const auto& p : m.personas)
    if (p.name == name)
      return &p;
  return nullptr;
}

const Attribute* find_attr(const Persona& p, const std::string& name)
{
  for (const auto& a : p.attributes)
    if (a.name == name)
      return &a;
  return nullptr;
}

const Model& variant(const Scenario& s, const std::string& name)
{
  const int i = s.variant_index(name);
  REQUIRE(i >= 0);
  return s.variants[static_cast<std::size_t>(i)];
}

// A small valid scenario to build inline cases on.
const std::string SMALL = R"(name: small
stages:
  - {name: awareness, dropout: 0.02}
  - {name: interest, dropout: 0.03}
  - {name: intent, phase: purchase, dropout: 0.05}
  - {name: purchase, phase: purchase, purchase: true}
personas:
  - name: p1
    share: 3
    attributes: {age: {uniform: [18, 60]}, patience: 0.4}
    affinity: {email: 2}
  - name: p2
    share: 1
touchpoints:
  - {name: ads, channel: social, stages: [interest, awareness], reach: 0.1, advance: 0.2}
  - {name: mail, channel: email, stages: [interest], reach: 0.2, advance: 0.1}
  - name: checkout
    channel: website
    stages: [intent]
    reach: 0.3
    checkout: {steps: 4, step_abandon: 0.1}
)";

// What a parse error says, for assertions.
std::string error_of(const std::string& text)
{
  try {
    (void)parse_scenario(text, "inline.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("the SCENARIO.md example loads with every value", "[scenario][loader]")
{
  const std::string path = data("good/scenario_md_example.yaml");
  const Scenario s = load_scenario(path);

  CHECK(s.path == path);
  CHECK(s.source == slurp(path));
  CHECK(s.name == "checkout-what-if");
  CHECK(s.description == "Would a 2-step checkout beat remarketing to cart abandoners?");
  CHECK(s.horizon_days == 90);
  CHECK(s.population == 200000);
  CHECK(s.seed == 7);

  REQUIRE(s.variants.size() == 5);
  const Model& b = s.baseline();
  CHECK(b.name == "baseline");
  CHECK(b.overrides.empty());
  CHECK(b.mood_effect == 0.5);

  // Stages.
  REQUIRE(b.stages.size() == 7);
  CHECK(b.stages[0].name == "awareness");
  CHECK(b.stages[0].phase == Phase::PrePurchase);
  CHECK(b.stages[0].dropout == 0.020);
  CHECK(b.stages[3].phase == Phase::Purchase);
  CHECK(b.stages[4].purchase);
  CHECK(b.stages[5].purchase);
  CHECK_FALSE(b.stages[6].purchase);
  CHECK(b.stages[6].phase == Phase::PostPurchase);
  CHECK(b.stages[6].purchase_rate == 0.01);
  CHECK(b.stage_index("intent") == 3);
  CHECK(b.stage_index("nope") == -1);
  CHECK(b.first_purchase_stage() == 4);

  // Personas.
  REQUIRE(b.personas.size() == 2);
  const Persona& z = b.personas[0];
  CHECK(z.name == "gen_z_mobile");
  CHECK(z.description == "16-30, shops on the phone, follows social media");
  CHECK(z.share == 0.45);
  CHECK(z.mood == 0.1);
  REQUIRE(z.attributes.size() == 5);
  const Attribute* age = find_attr(z, "age");
  REQUIRE(age);
  CHECK(age->distribution.kind == Distribution::Kind::Normal);
  CHECK(age->distribution.a == 22);
  CHECK(age->distribution.b == 3);
  CHECK(age->distribution.min == 16);
  CHECK(age->distribution.max == 30);
  const Attribute* gen = find_attr(z, "generation");
  REQUIRE(gen);
  CHECK(gen->distribution.is_choice());
  CHECK(gen->distribution.labels == std::vector<std::string>{"Z", "millennial"});
  CHECK(gen->distribution.weights == std::vector<double>{0.9, 0.1});
  CHECK(find_attr(z, "tech_savvy")->distribution.kind == Distribution::Kind::Beta);
  const Attribute* price = find_attr(z, "price_sensitivity");
  CHECK(price->distribution.kind == Distribution::Kind::Uniform);
  CHECK(price->distribution.a == 0.4);
  CHECK(price->distribution.b == 0.9);
  CHECK(z.affinity_for("social") == 1.8);
  CHECK(z.affinity_for("phone") == 0.2);
  CHECK(z.affinity_for("video") == 1.0); // not listed
  CHECK(z.basket.kind == Distribution::Kind::Lognormal);
  CHECK(z.basket.a == 3.4);
  CHECK(z.basket.b == 0.5);
  const Persona& x = b.personas[1];
  CHECK(x.name == "gen_x_desktop");
  CHECK(x.mood == 0.0);
  CHECK(x.share == 0.55);
  const Attribute* patience = find_attr(x, "patience");
  REQUIRE(patience);
  CHECK(patience->distribution.kind == Distribution::Kind::Fixed);
  CHECK(patience->distribution.a == 0.6);

  // Touchpoints.
  REQUIRE(b.touchpoints.size() == 7);
  CHECK(b.touchpoints[0].name == "instagram_ads");
  CHECK(b.touchpoints[0].channel == "social");
  CHECK(b.touchpoints[0].cost == 0.01);
  CHECK(b.touchpoints[0].emotion == 0.02);
  CHECK(b.touchpoints[1].stages == std::vector<int>{0, 1});
  CHECK(b.touchpoints[2].kind == TouchKind::SuccessPoint);
  CHECK(b.touchpoints[3].kind == TouchKind::PainPoint);
  CHECK(b.touchpoints[3].emotion == -0.10);
  const Touchpoint* co = find_tp(b, "checkout");
  REQUIRE(co);
  REQUIRE(co->checkout);
  CHECK(co->checkout->steps == 5);
  CHECK(co->checkout->step_abandon == 0.08);
  CHECK(co->kind == TouchKind::MomentOfTruth);
  CHECK(co->advance == 0.0);
  CHECK(co->stages == std::vector<int>{3});
  CHECK(co->reach == 0.30);
  CHECK_FALSE(b.touchpoints[0].checkout);

  // Variants.
  const Model& simple = variant(s, "simplified_checkout");
  CHECK(simple.description == "2-step checkout instead of 5");
  CHECK(find_tp(simple, "checkout")->checkout->steps == 2);
  CHECK(find_tp(simple, "checkout")->checkout->step_abandon == 0.08);
  CHECK(co->checkout->steps == 5); // the baseline is untouched
  CHECK_THAT(simple.overrides, Contains("touchpoints.checkout.checkout.steps: 2"));
  CHECK(simple.touchpoints.size() == 7);
  CHECK(simple.stages.size() == 7);
  CHECK(simple.personas.size() == 2);

  const Model& remarketing = variant(s, "cart_remarketing");
  REQUIRE(remarketing.touchpoints.size() == 8);
  const Touchpoint& added = remarketing.touchpoints.back();
  CHECK(added.name == "cart_remarketing");
  CHECK(added.channel == "paid_ads");
  CHECK(added.target.cart_abandoned);
  CHECK(added.stages == std::vector<int>{3});
  CHECK(added.cost == 0.30);
  CHECK_FALSE(find_tp(b, "cart_remarketing"));

  const Model& discount = variant(s, "cart_discount");
  const Touchpoint* code = find_tp(discount, "cart_discount_code");
  REQUIRE(code);
  CHECK(code->target.min_days_in_stage == 3);
  CHECK_FALSE(code->target.cart_abandoned);
  CHECK(code->discount == 0.10);

  const Model& no_insta = variant(s, "no_instagram");
  CHECK(no_insta.touchpoints.size() == 6);
  CHECK_FALSE(find_tp(no_insta, "instagram_ads"));
  CHECK(no_insta.touchpoints[0].name == "search_results");
  CHECK_THAT(no_insta.overrides, Contains("instagram_ads"));
  CHECK(s.variant_index("nope") == -1);
}

TEST_CASE("bench_large loads", "[scenario][loader]")
{
  const Scenario s = load_scenario(data("good/bench_large.yaml"));
  CHECK(s.name == "bench-large");
  CHECK(s.horizon_days == 365);
  CHECK(s.population == 1000000);
  CHECK(s.seed == 2026);
  CHECK_THAT(s.description, Contains("Reference load for performance work"));
  REQUIRE(s.variants.size() == 3);
  const Model& b = s.baseline();
  CHECK(b.stages.size() == 7);
  CHECK(b.personas.size() == 4);
  CHECK(b.touchpoints.size() == 18);
  CHECK(find_persona(b, "bargain_hunter")->share == 0.15);
  CHECK(find_tp(b, "flash_sale")->discount == 0.15);
  CHECK(find_tp(b, "discount_code")->stages == std::vector<int>{4, 5});
  CHECK(find_tp(b, "checkout")->checkout->steps == 5);
  CHECK(find_tp(variant(s, "simplified_checkout"), "checkout")->checkout->steps == 2);
  CHECK(variant(s, "cart_remarketing").touchpoints.size() == 19);
}

TEST_CASE("the small test scenario with variants loads", "[scenario][loader]")
{
  const Scenario s = load_scenario(data("good/small_with_variants.yaml"));
  CHECK(s.variants.size() == 3);
}

TEST_CASE("defaults", "[scenario][loader]")
{
  const Scenario s = parse_scenario(SMALL, "inline.yaml");
  CHECK(s.path == "inline.yaml");
  CHECK(s.source == SMALL);
  CHECK(s.description.empty());
  CHECK(s.horizon_days == 90);
  CHECK(s.population == 10000);
  CHECK(s.seed == 1);
  REQUIRE(s.variants.size() == 1);
  const Model& b = s.baseline();
  CHECK(b.name == "baseline");
  CHECK(b.mood_effect == 0.5);
  CHECK(b.stages[0].phase == Phase::PrePurchase);
  CHECK_FALSE(b.stages[0].purchase);
  CHECK(b.stages[0].purchase_rate == 0.0);
  CHECK(b.personas[1].mood == 0.0);
  CHECK(b.personas[1].attributes.empty());
  CHECK(b.personas[1].basket.kind == Distribution::Kind::Fixed);
  CHECK(b.personas[1].basket.a == 0.0);
  CHECK(b.personas[0].share == 3); // stored as given
  const Touchpoint& ads = b.touchpoints[0];
  CHECK(ads.stages == std::vector<int>{0, 1}); // ascending, whatever the order written
  CHECK(ads.emotion == 0.0);
  CHECK(ads.cost == 0.0);
  CHECK(ads.discount == 0.0);
  CHECK(ads.kind == TouchKind::Neutral);
  CHECK_FALSE(ads.target.cart_abandoned);
  CHECK(ads.target.min_days_in_stage == 0);
  CHECK(ads.target.ranges.empty());
  CHECK(b.touchpoints[2].advance == 0.0);
}

TEST_CASE("YAML number forms", "[scenario][loader]")
{
  std::string text = SMALL;
  text.replace(text.find("reach: 0.1"), 10, "reach: .5");
  text.replace(text.find("advance: 0.2"), 12, "advance: +0.2");
  text.replace(text.find("dropout: 0.02"), 13, "dropout: 1e-3");
  text.replace(text.find("dropout: 0.03"), 13, "dropout: 1e-400");
  text += "population: 1e6\nseed: 18446744073709551615\nhorizon_days: 30.0\nmood_effect: 0\n";
  const Scenario s = parse_scenario(text, "inline.yaml");
  const Model& b = s.baseline();
  CHECK(b.touchpoints[0].reach == 0.5);
  CHECK(b.touchpoints[0].advance == 0.2);
  CHECK(b.stages[0].dropout == 0.001);
  CHECK(b.stages[1].dropout == 0.0);
  CHECK(s.population == 1000000);
  CHECK(s.seed == 18446744073709551615ull);
  CHECK(s.horizon_days == 30);
  CHECK(b.mood_effect == 0.0);
}

TEST_CASE("baseline name and descriptions", "[scenario][loader]")
{
  const Scenario s = parse_scenario(SMALL + "baseline: control\ndescription: d\n"
                                            "variants:\n  - {name: copy, description: same thing}\n",
                                    "inline.yaml");
  REQUIRE(s.variants.size() == 2);
  CHECK(s.baseline().name == "control");
  CHECK(s.baseline().description.empty());
  CHECK(s.description == "d");
  CHECK(s.variants[1].name == "copy");
  CHECK(s.variants[1].description == "same thing");
  CHECK(s.variants[1].touchpoints.size() == 3);
  CHECK_THAT(s.variants[1].overrides, Contains("copy"));
  CHECK(s.variant_index("control") == 0);
  CHECK(s.variant_index("copy") == 1);
}

TEST_CASE("variant bases chain, in any order", "[scenario][loader][variants]")
{
  const Scenario s = parse_scenario(SMALL + R"(variants:
  - name: both
    base: short
    set: {touchpoints.ads.reach: 0.5}
  - name: short
    set: {touchpoints.checkout.checkout.steps: 2}
  - name: from_baseline
    base: baseline
    set: {touchpoints.ads.reach: 0.7}
)",
                                    "inline.yaml");
  REQUIRE(s.variants.size() == 4);
  CHECK(s.variants[1].name == "both"); // file order kept
  const Model& both = variant(s, "both");
  CHECK(find_tp(both, "checkout")->checkout->steps == 2);
  CHECK(find_tp(both, "ads")->reach == 0.5);
  const Model& shorter = variant(s, "short");
  CHECK(find_tp(shorter, "checkout")->checkout->steps == 2);
  CHECK(find_tp(shorter, "ads")->reach == 0.1);
  CHECK(find_tp(variant(s, "from_baseline"), "ads")->reach == 0.7);
  CHECK(find_tp(variant(s, "from_baseline"), "checkout")->checkout->steps == 4);
  CHECK(find_tp(s.baseline(), "checkout")->checkout->steps == 4);
}

TEST_CASE("a variant applies remove, then add, then set", "[scenario][loader][variants]")
{
  const Scenario s = parse_scenario(SMALL + R"(variants:
  - name: swap
    set: {touchpoints.ads.reach: 0.5, touchpoints.ads.target.min_days_in_stage: 2}
    add:
      touchpoints:
        - {name: ads, channel: paid_ads, stages: [awareness], reach: 0.05, advance: 0.3}
    remove: {touchpoints: [ads]}
)",
                                    "inline.yaml");
  const Model& v = variant(s, "swap");
  REQUIRE(v.touchpoints.size() == 3);
  CHECK(v.touchpoints[0].name == "mail");
  CHECK(v.touchpoints[2].name == "ads"); // added at the end
  CHECK(v.touchpoints[2].channel == "paid_ads");
  CHECK(v.touchpoints[2].reach == 0.5); // set after add
  CHECK(v.touchpoints[2].advance == 0.3);
  CHECK(v.touchpoints[2].target.min_days_in_stage == 2);
  CHECK(s.baseline().touchpoints[0].channel == "social");
  CHECK(s.baseline().touchpoints[0].reach == 0.1);
}

TEST_CASE("set paths reach every settable kind of value", "[scenario][loader][variants]")
{
  const Scenario s = parse_scenario(SMALL + R"(variants:
  - name: many
    set:
      mood_effect: 0.25
      stages.intent.dropout: 0.5
      stages.awareness.phase: post_purchase
      personas.p1.share: 1
      personas.p1.mood: -0.5
      personas.p1.affinity.email: 0.5
      personas.p1.affinity.social: 3
      personas.p1.attributes.patience: {beta: [2, 3]}
      personas.p2.attributes.age: {uniform: [30, 40]}
      personas.p2.basket: {lognormal: [3, 0.5]}
      touchpoints.mail.stages: [awareness, interest]
      touchpoints.mail.target: {age: {min: 40, max: 50}}
      touchpoints.ads.target.cart_abandoned: true
      touchpoints.ads.discount: 0.2
      touchpoints.ads.kind: pain_point
      touchpoints.checkout.checkout.step_abandon: 0.2
)",
                                    "inline.yaml");
  const Model& v = variant(s, "many");
  CHECK(v.mood_effect == 0.25);
  CHECK(v.stages[2].dropout == 0.5);
  CHECK(v.stages[0].phase == Phase::PostPurchase);
  const Persona& p1 = *find_persona(v, "p1");
  CHECK(p1.share == 1);
  CHECK(p1.mood == -0.5);
  CHECK(p1.affinity_for("email") == 0.5);
  CHECK(p1.affinity_for("social") == 3);
  CHECK(find_attr(p1, "patience")->distribution.kind == Distribution::Kind::Beta);
  CHECK(find_attr(p1, "age")->distribution.a == 18); // untouched sibling
  const Persona& p2 = *find_persona(v, "p2");
  REQUIRE(find_attr(p2, "age"));
  CHECK(find_attr(p2, "age")->distribution.a == 30);
  CHECK(p2.basket.kind == Distribution::Kind::Lognormal);
  const Touchpoint& mail = *find_tp(v, "mail");
  CHECK(mail.stages == std::vector<int>{0, 1});
  REQUIRE(mail.target.ranges.size() == 1);
  CHECK(mail.target.ranges[0].attribute == "age");
  CHECK(mail.target.ranges[0].min == 40);
  CHECK(mail.target.ranges[0].max == 50);
  const Touchpoint& ads = *find_tp(v, "ads");
  CHECK(ads.target.cart_abandoned);
  CHECK(ads.discount == 0.2);
  CHECK(ads.kind == TouchKind::PainPoint);
  CHECK(find_tp(v, "checkout")->checkout->step_abandon == 0.2);
  CHECK(find_tp(v, "checkout")->checkout->steps == 4);

  // The baseline is untouched.
  const Model& b = s.baseline();
  CHECK(b.mood_effect == 0.5);
  CHECK(b.stages[2].dropout == 0.05);
  CHECK(b.stages[0].phase == Phase::PrePurchase);
  CHECK(find_persona(b, "p1")->share == 3);
  CHECK(find_persona(b, "p1")->affinity_for("email") == 2);
  CHECK(find_persona(b, "p1")->affinity_for("social") == 1);
  CHECK(find_attr(*find_persona(b, "p1"), "patience")->distribution.kind == Distribution::Kind::Fixed);
  CHECK(find_persona(b, "p2")->attributes.empty());
  CHECK(find_tp(b, "mail")->stages == std::vector<int>{1});
  CHECK(find_tp(b, "mail")->target.ranges.empty());
  CHECK_FALSE(find_tp(b, "ads")->target.cart_abandoned);
  CHECK(find_tp(b, "checkout")->checkout->step_abandon == 0.1);
}

TEST_CASE("targeting by attribute range", "[scenario][loader]")
{
  std::string text = SMALL;
  text.replace(text.find("reach: 0.2"), 10, "reach: 0.2, target: {age: {min: 40}, patience: {max: 0.3}}");
  const Scenario s = parse_scenario(text, "inline.yaml");
  const Touchpoint& mail = s.baseline().touchpoints[1];
  REQUIRE(mail.target.ranges.size() == 2);
  CHECK(mail.target.ranges[0].attribute == "age");
  CHECK(mail.target.ranges[0].min == 40);
  CHECK(mail.target.ranges[0].max >= 1e300);
  CHECK(mail.target.ranges[1].attribute == "patience");
  CHECK(mail.target.ranges[1].max == 0.3);
}

TEST_CASE("a variant may use a channel only variants use in affinities", "[scenario][loader][variants]")
{
  std::string text = SMALL;
  text.replace(text.find("affinity: {email: 2}"), 20, "affinity: {email: 2, sms: 0.5}");
  const std::string with_variant = text + R"(variants:
  - name: texting
    add: {touchpoints: [{name: sms_blast, channel: sms, stages: [interest], reach: 0.1, advance: 0.1}]}
)";
  const Scenario s = parse_scenario(with_variant, "inline.yaml");
  CHECK(s.baseline().personas[0].affinity_for("sms") == 0.5);
  CHECK_THAT(error_of(text), Contains("unknown channel 'sms' in affinity"));
}

TEST_CASE("engine attributes accept any distribution kept inside [0, 1]", "[scenario][loader]")
{
  std::string text = SMALL;
  text.replace(text.find("patience: 0.4"), 13,
               "patience: {normal: [0.5, 0.2], min: 0, max: 1}, tech_savvy: {uniform: [0, 1]}, "
               "price_sensitivity: {lognormal: [-1, 0.5], max: 1}");
  const Scenario s = parse_scenario(text, "inline.yaml");
  CHECK(s.baseline().personas[0].attributes.size() == 4);

  std::string bad = SMALL;
  bad.replace(bad.find("patience: 0.4"), 13, "price_sensitivity: {uniform: [0.5, 1.2]}");
  CHECK_THAT(error_of(bad), Contains("price_sensitivity must stay in [0, 1]"));
}

TEST_CASE("errors are located and name the path", "[scenario][loader][errors]")
{
  std::string text = SMALL;
  text.replace(text.find("reach: 0.3"), 10, "reach: 1.4");
  try {
    (void)parse_scenario(text, "inline.yaml");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(e.file() == "inline.yaml");
    CHECK(e.line() == 20);
    CHECK(e.column() == 12);
    CHECK(e.message() == "touchpoints[checkout].reach: expected a probability in [0, 1], got 1.4");
    CHECK(std::string(e.what()) ==
          "inline.yaml:20:12: touchpoints[checkout].reach: expected a probability in [0, 1], got 1.4");
  }
  // A ScenarioError is an InputError (exit code 2).
  CHECK_THROWS_AS(parse_scenario("name: [", "x.yaml"), InputError);
  CHECK_THROWS_AS(parse_scenario("- a\n- b\n", "x.yaml"), ScenarioError);
}

TEST_CASE("variant errors are prefixed and point into the variant", "[scenario][loader][errors]")
{
  const std::string text = SMALL + "variants:\n  - name: v\n    set: {touchpoints.ads.reach: 2}\n";
  try {
    (void)parse_scenario(text, "inline.yaml");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(e.message() == "variant 'v': touchpoints[ads].reach: expected a probability in [0, 1], got 2");
    CHECK(e.line() == 24);
    CHECK(e.column() == 34);
  }
  // An error in the baseline's nodes caused by the variant is moved to the variant.
  const std::string empty = SMALL + "variants:\n  - name: v\n    remove: {touchpoints: [ads, mail, checkout]}\n";
  try {
    (void)parse_scenario(empty, "inline.yaml");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.message(), Contains("variant 'v': touchpoints: expected at least one touchpoint"));
    CHECK(e.line() == 23);
    CHECK(e.column() == 5);
  }
}

TEST_CASE("unreadable files", "[scenario][loader][errors]")
{
  try {
    (void)load_scenario(data("does/not/exist.yaml"));
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(e.line() == 1);
    CHECK(e.column() == 1);
    CHECK_THAT(e.message(), Contains("cannot read file"));
  }
  try {
    (void)load_scenario(data("good"));
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.message(), Contains("cannot read file"));
  }
}

TEST_CASE("too-large input is refused without reading it all", "[scenario][loader][errors]")
{
  const std::string big(17u * 1024u * 1024u, '#');
  try {
    (void)parse_scenario(big, "big.yaml");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.message(), Contains("file too large"));
  }
}

TEST_CASE("misspelt names get a suggestion", "[scenario][loader][errors]")
{
  const std::vector<std::string> stages = {"awareness", "interest", "consideration", "intent"};
  CHECK(did_you_mean("intrest", stages) == " — did you mean 'interest'?");
  CHECK(did_you_mean("awarness", stages) == " — did you mean 'awareness'?");
  CHECK(did_you_mean("Intent", stages) == " — did you mean 'intent'?");
  CHECK(did_you_mean("checkout", stages).empty());
  CHECK(nearest_name("considerashun", stages) == "consideration");

  CHECK_THAT(error_of(SMALL + "horizon_dasy: 3\n"), Contains("did you mean 'horizon_days'?"));
  std::string text = SMALL;
  text.replace(text.find("stages: [intent]"), 16, "stages: [intnet]");
  CHECK_THAT(error_of(text), Contains("unknown stage 'intnet' — did you mean 'intent'?"));
  CHECK_THAT(error_of(SMALL + "variants:\n  - {name: v, set: {personas.p11.share: 1}}\n"),
             Contains("set: no persona 'p11' — did you mean 'p1'?"));
  CHECK_THAT(error_of(SMALL + "variants:\n  - {name: v, base: vv}\n  - {name: w}\n"),
             Contains("base: no variant 'vv' — did you mean 'v'?"));
}

TEST_CASE("the loader never lets a raw exception out", "[scenario][loader][errors]")
{
  const char* nasty[] = {
    "",
    "~",
    "42",
    "[1, 2",
    "name: x\nstages: &s [*s]\n",
    "name: x\n? [a, b]\n: 1\n",
    "name: x\nstages: {a: 1}\n",
    "name: !!binary AAAA\nstages: []\n",
    "name: x\nstages:\n  - !!map {name: a, purchase: true}\npersonas: [{name: p, share: 1}]\n"
    "touchpoints: [{name: t, channel: c, stages: [a], reach: !!float 0.5}]\n",
    "\xEF\xBB\xBFname: x\n",
    "name: x\n\xC3\x28\n",
    "name: x\nseed: 99999999999999999999999\n",
    "name: x\nvariants: [{name: a, set: null}]\nstages: []\n",
  };
  for (const char* text : nasty) {
    INFO(text);
    try {
      (void)parse_scenario(text, "nasty.yaml");
    } catch (const ScenarioError& e) {
      CHECK(e.line() >= 1);
      CHECK(e.column() >= 1);
    } catch (...) {
      FAIL("a non-ScenarioError escaped");
    }
  }
}

TEST_CASE("names may use letters of any script, the check agrees with what run writes", "[scenario][loader]")
{
  const std::string text = R"(name: polski
stages:
  - {name: świadomość}
  - {name: zakup, phase: purchase, purchase: true}
personas:
  - {name: łowca_okazji, share: 1}
touchpoints:
  - {name: reklama_ß, channel: social, stages: [świadomość], reach: 0.5, advance: 0.5}
variants:
  - {name: tańsza_dostawa, set: {touchpoints.reklama_ß.reach: 0.9}}
)";
  const Scenario s = parse_scenario(text, "pl.yaml");
  CHECK(s.baseline().personas[0].name == "łowca_okazji");
  CHECK(s.variants[1].name == "tańsza_dostawa");
  CHECK_THROWS_WITH(parse_scenario(R"(name: x
stages: [{name: "a\u200Bb", purchase: true}]
personas: [{name: p, share: 1}]
touchpoints: [{name: t, channel: web, stages: [a], reach: 0.1}]
)", "zw.yaml"),
                    Contains("contains U+200B"));
  // 64 characters, counted as characters: 64 'ż' (128 bytes) are a name, 65 are not.
  const auto with_persona = [](const std::string& name) {
    return "name: x\nstages: [{name: a}, {name: b, purchase: true}]\npersonas: [{name: " + name +
           ", share: 1}]\ntouchpoints: [{name: t, channel: web, stages: [a], reach: 0.1}]\n";
  };
  std::string z64;
  for (int i = 0; i < 64; ++i)
    z64 += "ż";
  CHECK(parse_scenario(with_persona(z64), "pl.yaml").baseline().personas[0].name == z64);
  CHECK_THROWS_WITH(parse_scenario(with_persona(z64 + "ż"), "pl.yaml"), Contains("is longer than 64 characters"));
}
