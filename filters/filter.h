#pragma once
// A filter: its parameter declaration plus a function from an input image to a result image. The GIMP plug-in
// registers one procedure per filter and the CLI one subcommand per filter, both from this (torch-free header).
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
  const ModelLibrary* library = nullptr;
  Progress progress;
  // Reads an image file a parameter names (a style image): the host's loaders where there is a host (GIMP: every
  // format GIMP opens, colour-managed to sRGB), else the engine's own reader. Unset = the engine's reader.
  std::function<Image(const std::string& path)> image_reader;

  Image read_image(const std::string& path) const;
};

struct Filter {
  std::string name;        // "stylize": CLI subcommand; GIMP procedure "plug-in-atelier-" + name
  std::string menu_label;  // "_Stylize..."
  std::string title;       // dialog title, "Neural Stylize"
  std::string blurb;       // one line
  std::string help;        // a paragraph
  std::vector<ParamSpec> params;
  // input: RGBA, straight alpha, sRGB in [0,1] (the layer, or its selection bounds). Returns an image of the same
  // size (the input's alpha is kept). Throws atelier::Error (clear message), Cancelled or OutOfMemory.
  std::function<Image(const Image& input, const ParamValues& values, const RunContext& ctx)> run;
  // The filter's cost on the CPU for a width x height region (the dialog's estimate); unset = a generic guess.
  std::function<CostEstimate(const ParamValues& values, int width, int height)> estimate;
};

// Throws atelier::Error when a filter's result is not a usable image: another size than the input, or NaN or
// infinite values (a damaged model or a diverging optimisation), so that no layer or file of garbage is written.
void check_result(const Filter& filter, const Image& input, const Image& result);

// All filters, in menu order.
const std::vector<const Filter*>& all_filters();
const Filter& find_filter(const std::string& name);  // throws atelier::Error for unknown names

}  // namespace atelier
