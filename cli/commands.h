#pragma once
// Subcommands of the `atelier` command line. Each takes the arguments after its name and returns the exit code.
#include <string>
#include <vector>

namespace atelier::cli {

using Args = std::vector<std::string>;

int models_command(const Args& args);   // cli/models_command.cc
int bench_command(const Args& args);    // cli/bench_command.cc
int devices_command(const Args& args);  // cli/devices_command.cc
// Each filter of all_filters() is a subcommand too: cli/filter_command.h.

}  // namespace atelier::cli
