#pragma once
// Subcommands of the `atelier` command line. Each takes the arguments after its name and returns the exit code.
#include <string>
#include <vector>

namespace atelier::cli {

using Args = std::vector<std::string>;

int dream_command(const Args& args);    // cli/dream_command.cc
int models_command(const Args& args);   // cli/models_command.cc
int stylize_command(const Args& args);  // cli/stylize_command.cc
int bench_command(const Args& args);    // cli/bench_command.cc

}  // namespace atelier::cli
