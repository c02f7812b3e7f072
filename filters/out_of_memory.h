#pragma once
// The message of a filter run that ran out of memory (run_filter() sends every such condition through it).
#include <c10/core/Device.h>

#include <string>

namespace atelier {

struct Filter;

// "<title>: not enough memory on <device> for a WxH image; <filter's advice>", and on a GPU also the CPU as the
// way out (the computer's memory is usually several times the GPU's).
std::string out_of_memory_message(const Filter& filter, const c10::Device& device, int width, int height);

}  // namespace atelier
