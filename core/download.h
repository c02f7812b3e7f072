#pragma once
// Downloading one file with libcurl (HTTPS, HTTP, file://): progress, cancel, and nothing left behind when it
// fails.
#include <string>

#include "core/progress.h"

namespace atelier {

// Downloads `url` into `path`: received into a hidden file beside it and moved into place once complete.
// progress: the fraction received (when the server says the size) with "downloading WHAT: 12 of 548 MB", then
// 1 with "downloaded WHAT"; its
// cancel flag stops the transfer and throws Cancelled. Throws atelier::Error naming the URL and libcurl's reason
// (no network, an HTTP error status, a stalled transfer); `path` is then left as it was.
void download_file(const std::string& url, const std::string& path, const std::string& what, const Progress& progress);

}  // namespace atelier
