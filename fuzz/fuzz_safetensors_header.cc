// The JSON header of safetensors files (nlohmann-json under core/json_checked.h's rules, then the checks of dtypes,
// shapes and offsets). Each input is a header; it is wrapped into a file with its length prefix and 64 bytes of
// tensor data, so that no effort goes into finding the binary framing that fuzz_safetensors covers.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/safetensors.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kDataBytes = 64;
  std::string file(8 + size + kDataBytes, '\0');
  for (int i = 0; i < 8; ++i) file[i] = static_cast<char>((static_cast<uint64_t>(size) >> (8 * i)) & 0xff);
  if (size > 0) std::memcpy(file.data() + 8, data, size);
  const auto load = [](const std::string& path) {
    atelier::Metadata meta;
    atelier::load_safetensors(path, &meta);
  };
  atelier::fuzz::load_from_memory(reinterpret_cast<const uint8_t*>(file.data()), file.size(), load);
  return 0;
}
