// atelier: the command-line front end over filters/ (batch use, benchmarks, model library).
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/filter_command.h"
#include "core/error.h"
#include "core/process_setup.h"
#include "filters/filter.h"

namespace {

struct Command {
  std::string name;
  std::function<int(const atelier::cli::Args&)> run;
  std::string summary;
};

// One subcommand per filter, then the tools.
std::vector<Command> commands() {
  std::vector<Command> out;
  for (const atelier::Filter* f : atelier::all_filters())
    out.push_back({atelier::cli_command(*f),
                   [f](const atelier::cli::Args& a) { return atelier::cli::run_filter_command(*f, a); }, f->blurb});
  out.push_back({"models", atelier::cli::models_command, "list, install, verify and import models"});
  out.push_back({"bench", atelier::cli::bench_command, "benchmarks of the engine (JSON lines)"});
  out.push_back({"devices", atelier::cli::devices_command, "where filters can compute (CPU, GPU) and why not"});
  return out;
}

void usage(FILE* out) {
  std::fprintf(out, "usage: atelier COMMAND [OPTIONS]\n\ncommands:\n");
  for (const auto& c : commands()) std::fprintf(out, "  %-12s %s\n", c.name.c_str(), c.summary.c_str());
  std::fprintf(out, "\n'atelier COMMAND --help' describes a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  atelier::set_up_process();
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : commands()) {
    if (argv[1] != c.name) continue;
    try {
      return c.run(atelier::cli::Args(argv + 2, argv + argc));
    } catch (const atelier::Cancelled&) {
      std::fprintf(stderr, "atelier: cancelled\n");
      return 130;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "atelier %s: error: %s\n", c.name.c_str(), atelier::user_message(e).c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "atelier: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
