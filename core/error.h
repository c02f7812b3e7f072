#pragma once
// Errors the engine reports to users. Messages say what went wrong and how to fix it.
#include <stdexcept>
#include <string>

namespace atelier {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown when the cancel flag was raised; callers leave the user's data untouched.
struct Cancelled : Error {
  Cancelled() : Error("cancelled") {}
};

// Thrown when a device (CPU or GPU) runs out of memory; callers may retry smaller, tiled or on the CPU.
struct OutOfMemory : Error {
  using Error::Error;
};

// Whether `e` says that memory ran out: std::bad_alloc, LibTorch's CUDA out-of-memory error, or the CPU
// allocator's failure (a c10::Error).
bool is_out_of_memory(const std::exception& e);

// A message for users from any exception: Error's own text; for anything else (a LibTorch or standard-library
// exception that escaped) a sentence without C++ backtraces ("frame #…") or bare type names ("std::bad_alloc").
std::string user_message(const std::exception& e);

}  // namespace atelier
