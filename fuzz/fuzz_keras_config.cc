// The Keras model configuration stored in a converted InceptionV3's metadata (from the TF.js model.json).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "models/keras_graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    atelier::KerasGraph graph(std::string(reinterpret_cast<const char*>(data), size), {}, "fuzz input");
    graph.layer_names();
  } catch (const atelier::Error&) {
  }
  return 0;
}
