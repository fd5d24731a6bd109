#include "journeysim/population/population.h"

#include "journeysim/error.h"
#include "journeysim/population/quantile_tables.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

namespace journeysim {

namespace {
constexpr const char* PATIENCE = "patience";
constexpr const char* TECH_SAVVY = "tech_savvy";
constexpr const char* PRICE_SENSITIVITY = "price_sensitivity";
} // namespace

struct Population::Tables {
  std::shared_ptr<QuantileTables> source;
  std::once_flag built;
  std::vector<std::shared_ptr<const QuantileTable>> distinct;
  std::vector<std::vector<const QuantileTable*>> of; //!< [persona][column]; null: drawn otherwise
};

Population::~Population() = default;
Population::Population(Population&&) noexcept = default;

Population::Population(const Model& model, std::uint64_t seed, std::shared_ptr<QuantileTables> tables)
  : model_(&model), seed_(seed), tables_(std::make_unique<Tables>())
{
  tables_->source = tables ? std::move(tables) : std::make_shared<QuantileTables>();
  double total = 0.0;
  for (const auto& p : model.personas)
    total += p.share;
  double running = 0.0;
  for (const auto& p : model.personas) {
    running += p.share;
    cumulative_share_.push_back(running / total);
  }
  cumulative_share_.back() = 1.0;

  // Columns: the union of attribute names, in order of first appearance;
  // choice labels are the union of the personas' labels.
  for (const auto& p : model.personas) {
    for (const auto& a : p.attributes) {
      int c = column_index(a.name);
      if (c < 0) {
        columns_.push_back({a.name, a.distribution.is_choice(), {}});
        c = static_cast<int>(columns_.size()) - 1;
      }
      auto& col = columns_[static_cast<std::size_t>(c)];
      if (col.choice != a.distribution.is_choice())
        throw InputError("attribute '" + a.name + "' is a choice in one persona and a number in another");
      for (const auto& label : a.distribution.labels)
        if (std::find(col.labels.begin(), col.labels.end(), label) == col.labels.end())
          col.labels.push_back(label);
      if (col.labels.size() >= MISSING_CHOICE)
        throw InputError("attribute '" + a.name + "' has more than 254 labels");
    }
  }
  for (const auto& col : columns_)
    column_hash_.push_back(rng::name_hash(col.name));

  sources_.resize(model.personas.size());
  for (std::size_t p = 0; p < model.personas.size(); ++p) {
    const auto& persona = model.personas[p];
    for (const auto& col : columns_) {
      Source s;
      for (std::size_t a = 0; a < persona.attributes.size(); ++a) {
        if (persona.attributes[a].name != col.name)
          continue;
        s.attribute = static_cast<int>(a);
        for (const auto& label : persona.attributes[a].distribution.labels) {
          const auto it = std::find(col.labels.begin(), col.labels.end(), label);
          s.code_of_label.push_back(static_cast<std::uint8_t>(it - col.labels.begin()));
        }
      }
      sources_[p].push_back(std::move(s));
    }
  }
  drawn_.assign(columns_.size(), 1);
  patience_ = column_index(PATIENCE);
  tech_savvy_ = column_index(TECH_SAVVY);
  price_sensitivity_ = column_index(PRICE_SENSITIVITY);
}

int Population::column_index(const std::string& name) const
{
  for (std::size_t c = 0; c < columns_.size(); ++c)
    if (columns_[c].name == name)
      return static_cast<int>(c);
  return -1;
}

std::uint16_t Population::persona_of(std::uint64_t agent) const
{
  const auto b = rng::block(seed_, agent, rng::Purpose::Persona, 0, 0, model_->random_stream);
  // 53-bit uniform from two words: persona shares can be tiny.
  const double u = static_cast<double>((std::uint64_t{b[0]} << 21) ^ (b[1] >> 11)) * 0x1p-53;
  const auto it = std::upper_bound(cumulative_share_.begin(), cumulative_share_.end(), u);
  const auto p = std::min<std::ptrdiff_t>(it - cumulative_share_.begin(),
                                          static_cast<std::ptrdiff_t>(cumulative_share_.size()) - 1);
  return static_cast<std::uint16_t>(p);
}

const Distribution& Population::distribution(std::size_t persona, std::size_t column) const
{
  const auto a = static_cast<std::size_t>(sources_[persona][column].attribute);
  return model_->personas[persona].attributes[a].distribution;
}

const std::vector<std::vector<const QuantileTable*>>& Population::tables() const
{
  std::call_once(tables_->built, [&] {
    // The drawn columns' tables, built in parallel (the source shares equal
    // distributions); isolated so this thread takes no other agents' fill()
    // while it waits.
    Tables& t = *tables_;
    std::vector<std::pair<std::size_t, std::size_t>> wanted; // (persona, column)
    for (std::size_t p = 0; p < sources_.size(); ++p)
      for (std::size_t c = 0; c < columns_.size(); ++c)
        if (sources_[p][c].attribute >= 0 && drawn_[c] && QuantileTable::tabulates(distribution(p, c)))
          wanted.emplace_back(p, c);
    t.distinct.resize(wanted.size());
    tbb::this_task_arena::isolate([&] {
      tbb::parallel_for(std::size_t{0}, wanted.size(), [&](std::size_t k) {
        t.distinct[k] = t.source->get(distribution(wanted[k].first, wanted[k].second));
      });
    });
    t.of.assign(sources_.size(), std::vector<const QuantileTable*>(columns_.size(), nullptr));
    for (std::size_t k = 0; k < wanted.size(); ++k)
      if (t.distinct[k]->covers())
        t.of[wanted[k].first][wanted[k].second] = t.distinct[k].get();
  });
  return tables_->of;
}

void Population::draw_only(const std::vector<std::string>& names)
{
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const std::string& name = columns_[c].name;
    drawn_[c] = name == PATIENCE || name == TECH_SAVVY || name == PRICE_SENSITIVITY ||
                std::find(names.begin(), names.end(), name) != names.end();
  }
  // Other columns may be drawn now: their tables are looked up afresh on the
  // next fill() (the source keeps those already built).
  auto source = std::move(tables_->source);
  tables_ = std::make_unique<Tables>();
  tables_->source = std::move(source);
}

void Population::generate(std::uint64_t first, std::size_t n, AgentColumns& out) const
{
  prepare(first, n, out);
  fill(out, 0, n);
}

void Population::prepare(std::uint64_t first, std::size_t n, AgentColumns& out) const
{
  out.first = first;
  out.size = n;
  out.id.resize(n);
  out.persona.resize(n);
  out.attributes.resize(n * columns_.size());
  out.patience.resize(n);
  out.tech_savvy.resize(n);
  out.price_sensitivity.resize(n);
}

void Population::fill(AgentColumns& out, std::size_t begin, std::size_t end) const
{
  const std::size_t n_cols = columns_.size();
  const std::size_t n = out.size;
  // Stream 3: a table, one word, per beta, normal or lognormal attribute.
  const auto* table_of = model_->random_stream >= rng::Stream::v3 ? &tables() : nullptr;
  for (std::size_t i = begin; i < end; ++i) {
    out.id[i] = out.first + i;
    out.persona[i] = persona_of(out.first + i);
  }
  // Column by column, RUN agents at a time: first the run's words, each
  // table step they read prefetched, then the values. The tables of a
  // population outgrow the L2 cache; looked up one agent after another each
  // lookup waits for its own miss, after the prefetches the misses overlap.
  constexpr std::size_t RUN = 256;
  std::uint32_t words[RUN];
  for (std::size_t c = 0; c < n_cols; ++c) {
    float* column = out.attributes.data() + c * n;
    const float missing = columns_[c].choice ? static_cast<float>(MISSING_CHOICE) : std::numeric_limits<float>::quiet_NaN();
    // Each attribute has its own stream: adding one never shifts another.
    auto table = [&](std::size_t i) -> const QuantileTable* {
      const std::size_t p = out.persona[i];
      return table_of && sources_[p][c].attribute >= 0 ? (*table_of)[p][c] : nullptr;
    };
    auto word = [&](std::size_t i) {
      return rng::block(seed_, out.first + i, rng::Purpose::Attribute, column_hash_[c], 0, model_->random_stream)[0];
    };
    for (std::size_t run = begin; run < end && drawn_[c]; run += RUN) {
      const std::size_t run_end = std::min(end, run + RUN);
      if (table_of)
        for (std::size_t i = run; i < run_end; ++i)
          if (const QuantileTable* t = table(i)) {
            words[i - run] = word(i);
            t->prefetch(words[i - run]);
          }
      for (std::size_t i = run; i < run_end; ++i) {
        const std::size_t p = out.persona[i];
        const Source& s = sources_[p][c];
        if (s.attribute < 0) {
          column[i] = missing;
          continue;
        }
        const Distribution& dist = distribution(p, c);
        double x;
        if (const QuantileTable* t = table(i)) {
          x = (*t)(words[i - run]);
        } else {
          rng::StreamEngine eng(seed_, out.first + i, rng::Purpose::Attribute, column_hash_[c], 0, model_->random_stream);
          x = dist.sample(eng);
        }
        column[i] = dist.is_choice() ? static_cast<float>(s.code_of_label[static_cast<std::size_t>(x)])
                                     : static_cast<float>(x);
      }
    }
    if (!drawn_[c])
      std::fill(column + begin, column + end, missing);
  }
  auto engine_attribute = [&](int c, std::vector<float>& into) {
    for (std::size_t i = begin; i < end; ++i) {
      const float v = c < 0 ? std::numeric_limits<float>::quiet_NaN() : out.attributes[static_cast<std::size_t>(c) * n + i];
      into[i] = std::isnan(v) ? 0.5f : v;
    }
  };
  engine_attribute(patience_, out.patience);
  engine_attribute(tech_savvy_, out.tech_savvy);
  engine_attribute(price_sensitivity_, out.price_sensitivity);
}

bool same_population(const Model& a, const Model& b)
{
  if (a.personas.size() != b.personas.size())
    return false;
  for (std::size_t p = 0; p < a.personas.size(); ++p) {
    const auto& x = a.personas[p];
    const auto& y = b.personas[p];
    if (x.name != y.name || x.share != y.share || x.attributes.size() != y.attributes.size())
      return false;
    for (std::size_t k = 0; k < x.attributes.size(); ++k) {
      const auto& d = x.attributes[k].distribution;
      const auto& e = y.attributes[k].distribution;
      if (x.attributes[k].name != y.attributes[k].name || d.kind != e.kind || d.a != e.a ||
          d.b != e.b || d.min != e.min || d.max != e.max || d.labels != e.labels ||
          d.weights != e.weights)
        return false;
    }
  }
  return true;
}

} // namespace journeysim
