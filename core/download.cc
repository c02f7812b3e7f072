#include "core/download.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "core/error.h"

namespace atelier {
namespace {

namespace fs = std::filesystem;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

struct Transfer {
  std::FILE* out = nullptr;
  const Progress* progress = nullptr;
  std::string what;
  curl_off_t last_reported = -1;
};

size_t write_received(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  return std::fwrite(data, size, count, t->out) * size;
}

// Called by libcurl about once a second and after each block: a non-zero return aborts the transfer.
int report_received(void* user, curl_off_t total, curl_off_t received, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->progress->cancelled()) return 1;
  constexpr curl_off_t kMiB = 1 << 20;
  if (received / kMiB != t->last_reported / kMiB) {
    t->last_reported = received;
    std::string message = "downloading " + t->what + ": " + std::to_string(received / kMiB);
    if (total > 0) message += " of " + std::to_string(total / kMiB);
    t->progress->report(total > 0 ? static_cast<double>(received) / static_cast<double>(total) : 0.0, message + " MB");
  }
  return 0;
}

}  // namespace

void download_file(const std::string& url, const std::string& path, const std::string& what, const Progress& progress) {
  const fs::path target(path);
  const fs::path partial =
      target.parent_path() / ("." + target.filename().string() + ".download-" + std::to_string(::getpid()));
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw Error("cannot download " + url + ": libcurl could not start");
  std::unique_ptr<std::FILE, FileCloser> out(std::fopen(partial.c_str(), "wb"));
  if (!out) throw Error("cannot download " + url + ": cannot write " + partial.string());
  Transfer transfer{out.get(), &progress, what};
  char reason[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);  // an HTTP error status is a failure, not a file of its page
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  // A transfer below 1 kB/s for a minute has stalled.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_received);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, report_received);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, reason);
  progress.report(0, "downloading " + what);
  const CURLcode result = curl_easy_perform(c);
  const bool written = std::fflush(out.get()) == 0;
  out.reset();
  std::error_code ec;
  if (result == CURLE_ABORTED_BY_CALLBACK && progress.cancelled()) {
    fs::remove(partial, ec);
    throw Cancelled();
  }
  if (result != CURLE_OK || !written) {
    fs::remove(partial, ec);
    const std::string why = result != CURLE_OK ? (reason[0] ? reason : curl_easy_strerror(result))
                                               : "the disk refused the data (is it full?)";
    throw Error("the download of " + url + " failed: " + why);
  }
  fs::rename(partial, target, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(partial, ec);
    throw Error("cannot move the download into place as " + path + ": " + why);
  }
  progress.report(1.0, "downloaded " + what);
}

}  // namespace atelier
