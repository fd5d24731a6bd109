// Parallel HDF5 (MPI-IO, collective writes): the build with JOURNEYSIM_USE_MPI.
// The C API only (Open MPI's mpi.h would otherwise declare its C++ bindings, which need libmpi_cxx).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include "../parallel_columns.h"

#include "journeysim/error.h"
#include "journeysim/parallel/ranks.h"
#include "journeysim/results/h5.h"

#include "../layout.h"

#include <hdf5.h>
#include <mpi.h>

#include <algorithm>

namespace journeysim {

namespace {

h5::PropertyList checked(hid_t id, const std::string& what)
{
  if (id < 0)
    throw OutputError("parallel HDF5: cannot " + what);
  return h5::PropertyList(id);
}

//! A variant's per-agent columns, in the order layout writes them.
struct VariantColumns {
  bool owns_population = false;
  layout::PopulationColumns population;
  std::vector<h5::RowDataset> outcomes;

  template <class F>
  void each(F&& f)
  {
    if (owns_population) {
      f(population.agent_id);
      f(population.persona);
      for (auto& d : population.data)
        f(d);
    }
    for (auto& d : outcomes)
      if (d.dataset().valid())
        f(d);
  }
};

} // namespace

struct ParallelColumns::Impl {
  const parallel::Ranks* ranks = nullptr;
  std::string path;
  std::uint64_t writes = 0;       //!< collective write rounds this rank took part in
  h5::PropertyList transfer;      //!< collective MPI-IO
  h5::File file;                  //!< closed last (declared first)
  std::vector<VariantColumns> variants;
};

ParallelColumns::ParallelColumns(const parallel::Ranks& ranks, const std::string& path, const Scenario& scenario,
                                 const RunOptions& o)
    : impl_(std::make_unique<Impl>())
{
  Impl& m = *impl_;
  m.ranks = &ranks;
  m.path = path;
  const MPI_Comm comm = *static_cast<const MPI_Comm*>(ranks.communicator());
  const h5::PropertyList access = checked(H5Pcreate(H5P_FILE_ACCESS), "create a file-access list");
  if (H5Pset_fapl_mpio(access.id(), comm, MPI_INFO_NULL) < 0)
    throw OutputError("parallel HDF5: cannot use MPI-IO for '" + path + "'");
  // The file stays in the 1.10 format rank 0 created it in.
  H5Pset_libver_bounds(access.id(), H5F_LIBVER_V110, H5F_LIBVER_V110);
  m.file = h5::open_file(path, true, access);
  m.transfer = checked(H5Pcreate(H5P_DATASET_XFER), "create a transfer list");
  if (H5Pset_dxpl_mpio(m.transfer.id(), H5FD_MPIO_COLLECTIVE) < 0)
    throw OutputError("parallel HDF5: cannot make writes collective");

  const h5::Group all = h5::open_group(m.file, "variants");
  for (std::size_t j = 0; j < o.variants.size(); ++j) {
    const Model& model = scenario.variants[static_cast<std::size_t>(o.variants[j])];
    const h5::Group agents = h5::open_group(h5::open_group(all, model.name), "agents");
    VariantColumns c;
    // As ResultsWriter::create_variant: a population is written by the
    // first variant that has it, linked from the others.
    c.owns_population = !h5::attribute_exists(agents, "population_of");
    if (c.owns_population)
      c.population = layout::open_population_columns(agents, model, o.seed);
    c.outcomes = layout::open_outcome_columns(agents, model);
    c.each([&](h5::RowDataset& d) { d.use_transfer(m.transfer.id()); });
    m.variants.push_back(std::move(c));
  }
}

ParallelColumns::~ParallelColumns() = default;

void ParallelColumns::write(const Chunk& chunk)
{
  Impl& m = *impl_;
  for (std::size_t j = 0; j < m.variants.size(); ++j) {
    VariantColumns& c = m.variants[j];
    const VariantChunk& vc = chunk.variants[j];
    if (c.owns_population)
      layout::write_population_columns(c.population, chunk.first, *vc.agents);
    layout::write_outcome_columns(c.outcomes, chunk.first, vc.outcomes);
  }
  ++m.writes;
}

void ParallelColumns::close(std::uint64_t rounds)
{
  Impl& m = *impl_;
  for (; m.writes < rounds; ++m.writes)
    for (auto& c : m.variants)
      c.each([](h5::RowDataset& d) { d.write_none(); });
  m.variants.clear();
  h5::close(m.file);
}

} // namespace journeysim
