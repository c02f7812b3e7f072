#pragma once
// How Stylize's Optimise method spends its iterations over the scales (torch-free header).

namespace atelier {

struct StylizeSchedule {
  int scales = 1;               // the working size and scales - 1 halvings below it
  int iterations = 200;         // at the working size
  int coarse_iterations = 200;  // at the smallest scale (geometric in between)
};

}  // namespace atelier
