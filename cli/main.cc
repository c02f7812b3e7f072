// atelier: the command-line front end over filters/ (batch use, benchmarks, model library).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "cli/commands.h"
#include "core/error.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const atelier::cli::Args&);
  const char* summary;
};

const Command kCommands[] = {
    {"stylize", atelier::cli::stylize_command, "Gatys neural style transfer of a content image"},
    {"dream", atelier::cli::dream_command, "DeepDream: amplify what chosen network layers see"},
    {"models", atelier::cli::models_command, "list, install, verify and import models"},
    {"bench", atelier::cli::bench_command, "benchmarks of the engine (JSON lines)"},
};

void usage(FILE* out) {
  std::fprintf(out, "usage: atelier COMMAND [OPTIONS]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\n'atelier COMMAND --help' describes a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : kCommands) {
    if (argv[1] != std::string(c.name)) continue;
    try {
      return c.run(atelier::cli::Args(argv + 2, argv + argc));
    } catch (const atelier::Cancelled&) {
      std::fprintf(stderr, "atelier: cancelled\n");
      return 130;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "atelier %s: error: %s\n", c.name, atelier::user_message(e).c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "atelier: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
