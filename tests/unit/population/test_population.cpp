#include "journeysim/population/population.h"
#include "journeysim/population/quantile_table.h"
#include "journeysim/population/quantile_tables.h"
#include "journeysim/scenario/loader.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

using namespace journeysim;

namespace {
const char* TEXT = R"(
name: pop
stages: [{name: a}, {name: b, purchase: true}]
personas:
  - name: young
    share: 3
    attributes:
      age: {normal: [22, 3], min: 16, max: 30}
      generation: {choice: {Z: 0.75, millennial: 0.25}}
      patience: {beta: [2, 6]}
  - name: old
    share: 1
    attributes:
      age: {uniform: [50, 70]}
      generation: {choice: {X: 1}}
touchpoints: [{name: t, channel: c, stages: [a], reach: 0.1, advance: 0.1}]
)";
}

TEST_CASE("personas follow their shares and attributes their distributions", "[population]")
{
  const Scenario s = parse_scenario(TEXT, "pop.yaml");
  const Population pop(s.baseline(), 5);
  REQUIRE(pop.columns().size() == 3);
  const int age = pop.column_index("age"), gen = pop.column_index("generation"),
            patience = pop.column_index("patience");
  REQUIRE(age >= 0);
  REQUIRE(pop.columns()[static_cast<std::size_t>(gen)].choice);
  CHECK(pop.columns()[static_cast<std::size_t>(gen)].labels == std::vector<std::string>{"Z", "millennial", "X"});

  AgentColumns a;
  const std::size_t n = 100000;
  pop.generate(0, n, a);
  double young = 0, age_young = 0, z = 0, patience_sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float ag = a.column(static_cast<std::size_t>(age))[i];
    const float g = a.column(static_cast<std::size_t>(gen))[i];
    if (a.persona[i] == 0) {
      young += 1;
      age_young += ag;
      REQUIRE(ag >= 16.0f);
      REQUIRE(ag <= 30.0f);
      z += g == 0.0f;
      patience_sum += a.patience[i];
    } else {
      REQUIRE(ag >= 50.0f);
      REQUIRE(g == 2.0f);                                           // 'X'
      REQUIRE(std::isnan(a.column(static_cast<std::size_t>(patience))[i])); // not set for 'old'
      REQUIRE(a.patience[i] == 0.5f);                              // engine default
    }
  }
  CHECK(std::abs(young / n - 0.75) < 4.5 * std::sqrt(0.75 * 0.25 / n));
  CHECK(std::abs(age_young / young - 22.0) < 0.05); // clipping at 16/30 is symmetric
  CHECK(std::abs(z / young - 0.75) < 4.5 * std::sqrt(0.75 * 0.25 / young));
  CHECK(std::abs(patience_sum / young - 0.25) < 0.003); // beta(2, 6) mean
}

TEST_CASE("an agent depends only on (seed, index), not on the block it is made in", "[population]")
{
  const Scenario s = parse_scenario(TEXT, "pop.yaml");
  const Population pop(s.baseline(), 5);
  AgentColumns whole, part;
  pop.generate(0, 5000, whole);
  pop.generate(1234, 100, part);
  for (std::size_t i = 0; i < 100; ++i) {
    CHECK(part.persona[i] == whole.persona[1234 + i]);
    for (std::size_t c = 0; c < pop.columns().size(); ++c) {
      const float x = part.column(c)[i], y = whole.column(c)[1234 + i];
      CHECK((x == y || (std::isnan(x) && std::isnan(y))));
    }
  }
  const Population other(s.baseline(), 6);
  AgentColumns b;
  other.generate(0, 5000, b);
  CHECK(b.persona != whole.persona);
}

TEST_CASE("fill() draws each agent's persona and attributes from its own streams, under every stream", "[population]")
{
  // Whatever order or grouping fill() uses, each agent must get the words
  // its own streams give. Streams 1 and 2: a beta(8, 2) needs 10 words
  // (three blocks); stream 3: word 0 of the attribute's block through the
  // distribution's quantile table (a normal and a beta here), the other
  // kinds as before.
  std::string text = TEXT;
  text.replace(text.find("patience: {beta: [2, 6]}"), 24, "patience: {beta: [8, 2]}");
  for (const char* stream : {"1", "2", "3"}) {
    const Scenario s = parse_scenario("random_stream: " + std::string(stream) + "\n" + text, "pop.yaml");
    const Population pop(s.baseline(), 5);
    std::map<const Distribution*, QuantileTable> tables;
    for (const auto& persona : s.baseline().personas)
      for (const auto& attribute : persona.attributes)
        if (QuantileTable::tabulates(attribute.distribution) && QuantileTable(attribute.distribution).covers())
          tables.emplace(&attribute.distribution, QuantileTable(attribute.distribution));
    AgentColumns all;
    pop.prepare(1000, 37, all);
    pop.fill(all, 3, 37);
    for (std::size_t i = 3; i < 37; ++i) {
      const std::uint64_t agent = 1000 + i;
      REQUIRE(all.persona[i] == pop.persona_of(agent));
      const auto& persona = s.baseline().personas[all.persona[i]];
      for (const auto& attribute : persona.attributes) {
        const std::size_t c = static_cast<std::size_t>(pop.column_index(attribute.name));
        rng::StreamEngine eng(5, agent, rng::Purpose::Attribute, rng::name_hash(attribute.name), 0,
                              s.baseline().random_stream);
        double x = attribute.distribution.sample(eng);
        if (s.baseline().random_stream == rng::Stream::v3 && tables.count(&attribute.distribution))
          x = tables.at(&attribute.distribution)(
            rng::block(5, agent, rng::Purpose::Attribute, rng::name_hash(attribute.name), 0, rng::Stream::v3)[0]);
        if (attribute.distribution.is_choice())
          CHECK(all.column(c)[i] == static_cast<float>(
                  std::find(pop.columns()[c].labels.begin(), pop.columns()[c].labels.end(),
                            attribute.distribution.labels[static_cast<std::size_t>(x)]) -
                  pop.columns()[c].labels.begin()));
        else
          CHECK(all.column(c)[i] == static_cast<float>(x));
      }
    }
  }
}

TEST_CASE("draw_only: named columns and engine attributes as before, the others missing", "[population]")
{
  const Scenario s = parse_scenario(TEXT, "pop.yaml");
  const Population all(s.baseline(), 5);
  Population some(s.baseline(), 5);
  some.draw_only({"age"});
  AgentColumns a, b;
  all.generate(0, 2000, a);
  some.generate(0, 2000, b);
  const auto age = static_cast<std::size_t>(all.column_index("age"));
  const auto generation = static_cast<std::size_t>(all.column_index("generation"));
  const auto patience = static_cast<std::size_t>(all.column_index("patience"));
  for (std::size_t i = 0; i < 2000; ++i) {
    CHECK(b.persona[i] == a.persona[i]);
    CHECK(b.column(age)[i] == a.column(age)[i]);
    CHECK(b.column(generation)[i] == static_cast<float>(MISSING_CHOICE));
    const float x = a.column(patience)[i], y = b.column(patience)[i];
    CHECK((x == y || (std::isnan(x) && std::isnan(y))));
    CHECK(b.patience[i] == a.patience[i]);
  }
}

TEST_CASE("populations sharing quantile tables draw what each would alone", "[population]")
{
  const Scenario s = parse_scenario(TEXT, "pop.yaml"); // the default: tables for the normal and the beta
  REQUIRE(s.baseline().random_stream >= rng::Stream::v3);
  const auto shared = std::make_shared<QuantileTables>();
  const Population alone(s.baseline(), 5), first(s.baseline(), 5, shared), second(s.baseline(), 5, shared);
  AgentColumns a, b, c;
  alone.generate(0, 3000, a);
  first.generate(0, 3000, b);
  second.generate(0, 3000, c);
  REQUIRE(a.attributes.size() == b.attributes.size());
  for (std::size_t k = 0; k < a.attributes.size(); ++k) {
    const float x = a.attributes[k], y = b.attributes[k], z = c.attributes[k];
    REQUIRE((x == y || (std::isnan(x) && std::isnan(y))));
    REQUIRE((y == z || (std::isnan(y) && std::isnan(z))));
  }
}

TEST_CASE("under stream 3 a distribution no table covers is drawn as under stream 2", "[population]")
{
  std::string text = TEXT;
  text.replace(text.find("patience: {beta: [2, 6]}"), 24, "patience: {beta: [1000, 0.001]}");
  const Scenario three = parse_scenario(text, "pop.yaml");
  const Scenario two = parse_scenario("random_stream: 2\n" + text, "pop.yaml");
  const Population a(three.baseline(), 5), b(two.baseline(), 5);
  AgentColumns x, y;
  a.generate(0, 500, x);
  b.generate(0, 500, y);
  const auto patience = static_cast<std::size_t>(a.column_index("patience"));
  for (std::size_t i = 0; i < 500; ++i) {
    const float p = x.column(patience)[i], q = y.column(patience)[i];
    REQUIRE((p == q || (std::isnan(p) && std::isnan(q))));
  }
}

TEST_CASE("draw_only after a fill: a column drawn again gets its table", "[population]")
{
  const Scenario s = parse_scenario(TEXT, "pop.yaml"); // stream 3: age is a normal, drawn by its table
  const Population fresh(s.baseline(), 5);
  Population reused(s.baseline(), 5);
  reused.draw_only({});
  AgentColumns a, b;
  reused.generate(0, 1000, b); // tables for the engine attributes only
  reused.draw_only({"age"});
  reused.generate(0, 1000, b);
  fresh.generate(0, 1000, a);
  const auto age = static_cast<std::size_t>(fresh.column_index("age"));
  for (std::size_t i = 0; i < 1000; ++i)
    REQUIRE(a.column(age)[i] == b.column(age)[i]);
}
