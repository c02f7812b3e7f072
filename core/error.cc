#include "core/error.h"

#include <c10/util/Exception.h>

#include <new>

namespace atelier {
namespace {

// LibTorch appends "Exception raised from … frame #0 …" to what(): keep the first part only.
std::string without_backtrace(std::string text) {
  for (const char* marker : {"\nException raised from", "Exception raised from", "\nframe #", "frame #"}) {
    const size_t at = text.find(marker);
    if (at != std::string::npos) text.erase(at);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

bool is_out_of_memory(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e) || dynamic_cast<const c10::OutOfMemoryError*>(&e)) return true;
  const auto* c = dynamic_cast<const c10::Error*>(&e);
  if (!c) return false;
  const std::string text = c->what_without_backtrace();
  // c10's CPU allocator: "DefaultCPUAllocator: can't allocate memory: you tried to allocate ..."
  return text.find("can't allocate memory") != std::string::npos ||
         text.find("not enough memory") != std::string::npos || text.find("out of memory") != std::string::npos;
}

std::string user_message(const std::exception& e) {
  if (dynamic_cast<const Error*>(&e)) return without_backtrace(e.what());
  if (is_out_of_memory(e)) return "out of memory: try a smaller size, a selection, or fewer pixels";
  std::string detail;
  if (const auto* c = dynamic_cast<const c10::Error*>(&e))
    detail = without_backtrace(c->what_without_backtrace());
  else if (dynamic_cast<const std::invalid_argument*>(&e) || dynamic_cast<const std::out_of_range*>(&e))
    detail = "a value could not be converted";
  else
    detail = without_backtrace(e.what());
  return "internal error (" + detail + "); please report this with the command or settings you used";
}

}  // namespace atelier
