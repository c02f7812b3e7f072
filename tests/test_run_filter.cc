// run_filter(): the one run routine of all filters (library, device, out-of-memory, alpha, result checks).
#include <c10/util/Exception.h>
#include <gtest/gtest.h>

#include <new>

#include "core/device.h"
#include "core/error.h"
#include "filters/filter.h"
#include "filters/out_of_memory.h"
#include "filters/params.h"
#include "models/model_library.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {

Filter filter_that(std::function<Image(const Image&, const RunContext&)> body) {
  Filter f;
  f.name = "probe";
  f.title = "Probe";
  f.params = {device_param("_Device")};
  f.run = [body](const Image& input, const ParamValues&, const RunContext& ctx) { return body(input, ctx); };
  f.out_of_memory_advice = "try the probe's advice";
  return f;
}

Image half_transparent(int w, int h) {
  Image img(w, h);
  for (size_t i = 0; i < img.rgba.size(); ++i) img.rgba[i] = (i % 4 == 3) ? 0.5f : 0.25f;
  return img;
}

}  // namespace

TEST(RunFilter, EveryOutOfMemoryConditionBecomesOneMessage) {
  const std::vector<std::function<void()>> failures = {
      [] { throw std::bad_alloc(); },
      [] { TORCH_CHECK(false, "DefaultCPUAllocator: can't allocate memory: you tried to allocate 999 bytes"); },
      [] { throw c10::OutOfMemoryError(c10::SourceLocation{__func__, __FILE__, __LINE__}, "CUDA out of memory"); },
  };
  for (const auto& fail : failures) {
    Filter f = filter_that([fail](const Image& input, const RunContext&) {
      fail();
      return input;
    });
    ParamValues v(f.params);
    v.set_text("device", "cpu");
    try {
      run_filter(f, half_transparent(30, 20), v, RunContext{});
      ADD_FAILURE() << "no error";
    } catch (const OutOfMemory& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("Probe: not enough memory on CPU"), std::string::npos) << m;
      EXPECT_NE(m.find("30x20"), std::string::npos) << m;
      EXPECT_NE(m.find("try the probe's advice"), std::string::npos) << m;
    }
  }
}

// On the GPU, running out of memory also points to the CPU, whose memory is the computer's; on the CPU it does not.
TEST(RunFilter, OutOfMemoryOnTheGpuSuggestsTheCpu) {
  Filter f = filter_that([](const Image& input, const RunContext&) { return input; });
  const std::string gpu = out_of_memory_message(f, c10::Device(c10::kCUDA, 0), 4000, 3000);
  EXPECT_NE(gpu.find("Probe: not enough memory on the GPU (cuda:0) for a 4000x3000 image"), std::string::npos) << gpu;
  EXPECT_NE(gpu.find("try the probe's advice; else choose the CPU as the device"), std::string::npos) << gpu;
  const std::string cpu = out_of_memory_message(f, c10::Device(c10::kCPU), 4000, 3000);
  EXPECT_NE(cpu.find("try the probe's advice"), std::string::npos) << cpu;
  EXPECT_EQ(cpu.find("CPU as the device"), std::string::npos) << cpu;
}

// The device choice stays valid everywhere, but CUDA is offered (not greyed out) only where a GPU is usable.
TEST(RunFilter, TheDeviceChoiceOffersCudaOnlyWhereUsable) {
  const ParamSpec spec = device_param("_Device");
  bool listed = false;
  for (const ChoiceOption& c : current_choices(spec)) {
    if (c.nick != "cuda") {
      EXPECT_TRUE(c.available) << c.nick;
      continue;
    }
    listed = true;
    EXPECT_EQ(c.available, cuda_available());
  }
  EXPECT_TRUE(listed);
  const std::vector<ParamSpec> params = {spec};
  ParamValues v(params);
  EXPECT_NO_THROW(v.set_text("device", "cuda"));  // a script's value; the run says why not (Device tests)
}

TEST(RunFilter, OtherErrorsPassUnchanged) {
  Filter f = filter_that([](const Image&, const RunContext&) -> Image { throw Error("the probe's own message"); });
  ParamValues v(f.params);
  EXPECT_EQ(test::error_of([&] { run_filter(f, half_transparent(8, 8), v, RunContext{}); }), "the probe's own message");
}

TEST(RunFilter, FillsInLibraryAndDeviceAndKeepsTheInputsAlpha) {
  const ModelLibrary* seen_library = nullptr;
  c10::Device seen_device = c10::kCUDA;
  Filter f = filter_that([&](const Image& input, const RunContext& ctx) {
    seen_library = ctx.library;
    seen_device = ctx.device;
    Image out = input;
    for (size_t i = 0; i < out.rgba.size(); ++i) out.rgba[i] = (i % 4 == 3) ? 1.0f : 0.75f;  // opaque result
    return out;
  });
  ParamValues v(f.params);
  v.set_text("device", "cpu");
  const Image out = run_filter(f, half_transparent(5, 4), v, RunContext{});
  EXPECT_NE(seen_library, nullptr);
  EXPECT_TRUE(seen_device.is_cpu());
  EXPECT_FLOAT_EQ(out.pixel(2, 2)[0], 0.75f);
  EXPECT_FLOAT_EQ(out.pixel(2, 2)[3], 0.5f);
}

TEST(RunFilter, EmptyInputAndBadResultsAreClearErrors) {
  Filter f = filter_that([](const Image&, const RunContext&) { return Image(3, 3); });
  ParamValues v(f.params);
  EXPECT_NE(test::error_of([&] { run_filter(f, Image(), v, RunContext{}); }).find("the input image is empty"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { run_filter(f, half_transparent(5, 4), v, RunContext{}); }).find("5x4"),
            std::string::npos);
}
