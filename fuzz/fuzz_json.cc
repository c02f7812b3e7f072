// JSON: model manifests, Keras model configs, safetensors headers, the model library index.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const atelier::json::Value v = atelier::json::parse(std::string(reinterpret_cast<const char*>(data), size));
    // What was parsed must print and parse again.
    atelier::json::parse(v.dump());
    atelier::json::parse(v.dump(2));
  } catch (const atelier::Error&) {
  }
  return 0;
}
