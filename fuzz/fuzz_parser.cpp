// libFuzzer entry point shared by every parser target; CMake picks the parser (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include VIGIL_FUZZ_HEADER

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = VIGIL_FUZZ_PARSER("fuzz/input", bytes);
  (void)parsed;
  return 0;
}
