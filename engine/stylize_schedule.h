#pragma once
// How Stylize's Optimise method spends its iterations over the scales (torch-free header).

namespace atelier {

// The values come from the filter's parameters (stylize_schedule() in filters/stylize.h: the declared defaults) or
// from a benchmark's schedule; none is meant to be left at these zeros.
struct StylizeSchedule {
  int scales = 1;             // the working size and scales - 1 halvings below it
  int iterations = 0;         // at the working size
  int coarse_iterations = 0;  // at the smallest scale (geometric in between)
};

}  // namespace atelier
