#pragma once
//! `journeysim report`: one self-contained HTML page of a results file for
//! people who do not run notebooks — the run's identity, a summary table,
//! the funnel, the lift with its 95 % CI and the journey map with its emotion
//! curve. Inline CSS and inline SVG only: no scripts, no external resources,
//! so it opens offline and can be mailed as one file.

#include "journeysim/report/report_data.h"

#include <string>

namespace journeysim::report {

//! The page for `data`. Every name taken from the file is HTML-escaped.
//! Deterministic: the same file gives the same bytes.
std::string render_html(const ReportData& data);

//! The page's inline stylesheet (shared with the sweep report).
const char* report_stylesheet();

} // namespace journeysim::report
