#pragma once
// A filter: its parameter declaration plus a function from an input image to a result image. The GIMP plug-in
// registers one procedure per filter and the CLI one subcommand per filter, both from this (torch-free header:
// c10's Device is a small value type).
#include <c10/core/Device.h>

#include <functional>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/progress.h"
#include "filters/cost.h"
#include "filters/params.h"

namespace atelier {

class ModelLibrary;

struct RunContext {
  const ModelLibrary* library = nullptr;  // unset = the user's library (ModelLibrary()); always set inside run
  Progress progress;
  // Reads an image file a parameter names (a style image): the host's loaders where there is a host (GIMP: every
  // format GIMP opens, colour-managed to sRGB), else the engine's own reader. Unset = the engine's reader.
  std::function<Image(const std::string& path)> image_reader;
  // Set by run_filter() from the filter's device parameter (ParamRole::kDevice); hosts leave it alone.
  c10::Device device{c10::kCPU};

  Image read_image(const std::string& path) const;
};

struct Filter {
  std::string name;        // "stylize": GIMP procedure "plug-in-atelier-" + name; the CLI subcommand (see cli_name)
  std::string menu_label;  // "_Stylize..."
  std::string title;       // dialog title, "Neural Stylize"
  std::string blurb;       // one line
  std::string help;        // a paragraph
  std::vector<ParamSpec> params;
  // input: RGBA, straight alpha, sRGB in [0,1] (the layer, or its selection bounds), never empty. Returns an
  // image of the same size (its alpha does not matter: run_filter() gives it the input's). Throws atelier::Error (clear message) or
  // Cancelled; running out of memory is translated by run_filter(). Hosts call run_filter(), not this.
  std::function<Image(const Image& input, const ParamValues& values, const RunContext& ctx)> run;
  // The filter's cost on the CPU for a width x height region (the dialog's estimate); unset = a generic guess.
  std::function<CostEstimate(const ParamValues& values, int width, int height)> estimate;
  // What to try when memory runs out ("lower the working size (size) or ..."), completing run_filter()'s message.
  std::string out_of_memory_advice;
  // The CLI subcommand when it differs from `name` (a shorter word users type).
  std::string cli_name;
};

// `atelier COMMAND` for a filter: cli_name, else name.
inline const std::string& cli_command(const Filter& filter) {
  return filter.cli_name.empty() ? filter.name : filter.cli_name;
}

// The one way hosts (GIMP, CLI, tests) run a filter: fills in the model library and the device (from the
// filter's device parameter; a GPU that is asked for but missing is an error), runs the filter, translates any
// out-of-memory condition (CPU or CUDA) into OutOfMemory naming the image size, device and the filter's advice,
// gives the result the input's alpha and checks it (check_result). Throws atelier::Error for an empty input.
Image run_filter(const Filter& filter, const Image& input, const ParamValues& values, const RunContext& ctx);

// Throws atelier::Error when a filter's result is not a usable image: another size than the input, or NaN or
// infinite values (a damaged model or a diverging optimisation), so that no layer or file of garbage is written.
void check_result(const Filter& filter, const Image& input, const Image& result);

// All filters, in menu order.
const std::vector<const Filter*>& all_filters();
const Filter& find_filter(const std::string& name);  // throws atelier::Error for unknown names

}  // namespace atelier
