#pragma once
// A CLI subcommand generated from a filter's parameter declarations: every ParamSpec with kCli scope becomes a
// --flag (plus its aliases), --help lists them, the input image comes from the ParamRole::kInputImage parameter
// and the result goes to the ParamRole::kOutputFile one.
#include "cli/commands.h"
#include "filters/filter.h"

namespace atelier::cli {

// Parses args into values (repeatable flags may be given several times); throws atelier::Error for unknown flags,
// missing values and invalid values. Returns false when --help was given (help printed to stdout).
bool parse_filter_args(const Filter& filter, const Args& args, ParamValues& values);

int run_filter_command(const Filter& filter, const Args& args);

// A progress callback printing "[ 42%] message" lines to stderr (at most one per percent and 0.5 s).
Progress::Callback stderr_progress();

}  // namespace atelier::cli
