#pragma once
//! Synthetic customers. Agent i's persona and attributes are a pure function
//! of (seed, i) and the persona templates (MODEL.md "Agents"), so any chunk
//! of agents can be generated anywhere, in any order.

#include "journeysim/scenario/scenario.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace journeysim {

//! One attribute column of the population (the union over personas).
struct AttributeColumn {
  std::string name;
  bool choice = false;
  std::vector<std::string> labels; //!< choice labels; codes index them
};

//! A block of consecutive agents, column by column.
struct AgentColumns {
  std::uint64_t first = 0; //!< id of the first agent
  std::size_t size = 0;
  std::vector<std::uint64_t> id;
  std::vector<std::uint16_t> persona;
  //! Every attribute column, column-major: value of column c for agent i at
  //! [c * size + i]. NaN where the persona lacks the attribute; for a choice,
  //! the label's code (255 when missing).
  std::vector<float> attributes;
  // The engine attributes, 0.5 (neutral) where the persona does not set them.
  std::vector<float> patience, tech_savvy, price_sensitivity;

  const float* column(std::size_t c) const { return attributes.data() + c * size; }
};

inline constexpr std::uint8_t MISSING_CHOICE = 255;

class QuantileTable;
class QuantileTables;

class Population {
public:
  //! @param tables  where stream 3's quantile tables come from (shared with
  //!                other runs); null: this population's own.
  //! @throws InputError If personas disagree on an attribute's type.
  Population(const Model& model, std::uint64_t seed, std::shared_ptr<QuantileTables> tables = nullptr);
  ~Population();
  Population(Population&&) noexcept;

  //! Generate agents [first, first + n) into `out` (reusing its storage).
  void generate(std::uint64_t first, std::size_t n, AgentColumns& out) const;
  //! The same in two steps, so blocks of a chunk can be filled in parallel:
  //! size `out` for agents [first, first + n), then fill rows [begin, end).
  void prepare(std::uint64_t first, std::size_t n, AgentColumns& out) const;
  void fill(AgentColumns& out, std::size_t begin, std::size_t end) const;
  //! From now on draw only the named columns (and the engine attributes);
  //! fill() leaves the others missing. Nothing else changes: each column
  //! has its own stream.
  void draw_only(const std::vector<std::string>& names);

  //! Persona of one agent (the same draw generate() makes).
  std::uint16_t persona_of(std::uint64_t agent) const;

  const std::vector<AttributeColumn>& columns() const { return columns_; }
  //! Index of a column by name; -1 if none.
  int column_index(const std::string& name) const;
  std::size_t persona_count() const { return cumulative_share_.size(); }

private:
  struct Source {     //!< how persona p fills column c
    int attribute = -1; //!< index into the persona's attributes, -1 = missing
    std::vector<std::uint8_t> code_of_label; //!< choice: persona label → column code
  };
  const Model* model_;
  std::uint64_t seed_;
  std::vector<double> cumulative_share_; //!< normalised, last = 1
  std::vector<AttributeColumn> columns_;
  std::vector<std::vector<Source>> sources_; //!< [persona][column]
  std::vector<std::uint32_t> column_hash_;
  std::vector<char> drawn_; //!< per column: draw it (else leave it missing)
  //! Stream 3's quantile tables, built on the first fill() (only for the
  //! columns drawn; a table takes milliseconds to build).
  struct Tables;
  std::unique_ptr<Tables> tables_;
  //! [persona][column]: the column's table, null where it is drawn otherwise.
  const std::vector<std::vector<const QuantileTable*>>& tables() const;
  //! @pre persona has column's attribute
  const Distribution& distribution(std::size_t persona, std::size_t column) const;
  int patience_ = -1, tech_savvy_ = -1, price_sensitivity_ = -1; //!< column indices
};

//! True when two variants' personas generate identical agents (so the
//! population can be generated once and shared).
bool same_population(const Model& a, const Model& b);

} // namespace journeysim
