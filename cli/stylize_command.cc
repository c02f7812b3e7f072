#include "cli/commands.h"
#include "core/error.h"
namespace atelier::cli {
int stylize_command(const Args&) { throw Error("not implemented yet"); }
}  // namespace atelier::cli
