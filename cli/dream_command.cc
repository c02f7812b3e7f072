#include "cli/commands.h"
#include "cli/filter_command.h"
#include "filters/dream.h"

namespace atelier::cli {

// atelier dream --input I --output O [--layers mixed3:1,mixed4:0.5] [--octaves 4] [--seed N] ...
int dream_command(const Args& args) { return run_filter_command(dream_filter(), args); }

}  // namespace atelier::cli
