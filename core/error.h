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

}  // namespace atelier
