#pragma once
// A CLI subcommand generated from a filter's parameter declarations: every ParamSpec with kCli scope becomes a
// --flag (plus its aliases), --help lists them, the input image comes from the "input" or "content" parameter and
// the result goes to "output".
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "filters/filter.h"

namespace atelier::cli {

// Flags a command accepts beyond the declaration, possibly repeated (e.g. stylize's --style / --style-weight).
struct ExtraFlag {
  std::string name;
  std::string help;
  bool is_input_file = false;  // a file the command reads (never to be overwritten by the output)
};
using ExtraValues = std::map<std::string, std::vector<std::string>>;

struct CommandOptions {
  std::vector<ExtraFlag> extra_flags;
  // Replaces filter.run when set (e.g. to use the repeated extra flags).
  std::function<Image(const Image& input, const ParamValues& values, const ExtraValues& extra, const RunContext& ctx)>
      run;
};

// Parses args into values (+ extra); throws atelier::Error for unknown flags, missing values and invalid values.
// Returns false when --help was given (help printed to stdout).
bool parse_filter_args(const Filter& filter, const Args& args, ParamValues& values, ExtraValues& extra,
                       const CommandOptions& options = {});

int run_filter_command(const Filter& filter, const Args& args, const CommandOptions& options = {});

// A progress callback printing "[ 42%] message" lines to stderr (at most one per percent and 0.5 s).
Progress::Callback stderr_progress();

}  // namespace atelier::cli
