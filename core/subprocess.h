#pragma once
// Running a helper program (npm, node, a downloader) so that the user can cancel it (torch-free).
#include <functional>
#include <string>

#include "core/progress.h"

namespace atelier {

// Runs `command` with /bin/sh, stdin from /dev/null and its output (stdout and stderr) into log_path, and returns
// its exit status (127 when it cannot be started, 128 + signal when a signal ended it). While it runs, `poll` is
// called every 100 ms (to report progress from a file the command writes, say). When `progress` is cancelled, the
// command and everything it started (its process group) are stopped and Cancelled is thrown.
int run_shell(const std::string& command, const std::string& log_path, const Progress& progress,
              const std::function<void()>& poll = {});

}  // namespace atelier
