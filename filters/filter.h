#pragma once
// A filter: its parameter declaration plus a function from an input image to a result image. The GIMP plug-in
// registers one procedure per filter and the CLI one subcommand per filter, both from this (torch-free header:
// c10's Device is a small value type).
#include <c10/core/Device.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/frames.h"
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
  // The host's canvas (GIMP: the image's size), for filters that make a new picture (Filter::result_size);
  // 0 = the input's size (the command line).
  int canvas_width = 0, canvas_height = 0;
  // Set by run_filter(): the size the filter must return.
  int result_width = 0, result_height = 0;
  // Where work that depends only on a run's inputs is kept for later runs (Stylize Arbitrary's fitted styles);
  // empty = nothing kept or reused (benchmarks and tests leave it so). The hosts give core/cache_dir.h's folder.
  std::string cache_dir{};
  // Called (if set, on the run's thread) when the run reused such work: it was then faster than its estimate.
  std::function<void()> on_cached_work{};
  // A preview's run (PreviewPlan::prepares): the whole region its input is a scaled copy of. Work the full run
  // keeps in cache_dir and depends on the region is done on this, so the preview does it for the run.
  const Image* original = nullptr;

  Image read_image(const std::string& path) const;
};

// How the dialog previews a filter on a small copy of its input (the region scaled to fit kPreviewSide).
struct PreviewPlan {
  // Redone at every change: cheap enough (a second or two on a CPU), or work the run needs anyway (prepares).
  // Else when asked.
  bool live = false;
  ParamValues values;  // what the copy runs with (e.g. fewer iterations than the real run)
  // Non-empty: the preview also does work the full run reuses (Stylize Arbitrary's fit, on RunContext::original;
  // CostEstimate::prepared_seconds of it), and this names what that work depends on: once a preview with the same
  // `prepares` has finished, the run does not redo it.
  std::string prepares{};
};
constexpr int kPreviewSide = 320;

// The optional members have default initialisers: a filter's designated initialiser names only what it sets.
struct Filter {
  std::string name;        // "stylize": GIMP procedure "plug-in-atelier-" + name; the CLI subcommand (see cli_name)
  std::string menu_label;  // "_Stylize..."
  std::string title;       // dialog title, "Neural Stylize"
  std::string blurb;       // one line
  std::string help;        // a paragraph
  std::vector<ParamSpec> params;
  // input: RGBA, straight alpha, sRGB in [0,1] (the layer, or its selection bounds), never empty but for a filter
  // that makes a new picture and needs no input for these values. Returns an image of ctx.result_width x
  // ctx.result_height (the input's size unless result_size says otherwise; a changed input's alpha does not
  // matter: run_filter() gives it the input's). Throws atelier::Error (clear message) or Cancelled; running out of
  // memory is translated by run_filter(). Hosts call run_filter(), not this.
  std::function<Image(const Image& input, const ParamValues& values, const RunContext& ctx)> run;
  // The filter's cost on the CPU for a width x height region (the dialog's estimate); unset = a generic guess.
  std::function<CostEstimate(const ParamValues& values, int width, int height)> estimate{};
  // What to try when memory runs out ("lower the working size (size) or ..."), completing run_filter()'s message.
  std::string out_of_memory_advice{};
  // The CLI subcommand when it differs from `name` (a shorter word users type).
  std::string cli_name{};
  // Set for a filter that makes a new picture instead of changing its input (Texture Synthesize: the input is the
  // source): the result's size from the values and the canvas (the input's size where there is no canvas). Its
  // result keeps its own alpha; GIMP places it as a new layer at the canvas origin, not limited to the selection.
  std::function<std::pair<int, int>(const ParamValues& values, int canvas_width, int canvas_height)> result_size{};
  // Set for a filter whose product is a model saved in the library (Train Instant Style): its image result is a
  // preview of the input. The command line needs neither input nor output (both or none); with no input the run
  // returns an empty image.
  bool makes_model = false;
  // The dialog's preview for these values; unset = no preview (a filter whose result does not show on a small
  // copy of the input).
  std::function<PreviewPlan(const ParamValues& values)> preview{};
  // Set for a filter over an animation (Stylize Frames): the frames come from the host one at a time and each
  // result goes back to frames.put() at once; returns the number of frames done (fewer after "stop and keep").
  // `run` then handles one picture (a clip of one frame: the dialog's preview). Hosts call run_filter_frames().
  std::function<int(FrameSequence& frames, const ParamValues& values, const RunContext& ctx)> run_frames{};
};

// `atelier COMMAND` for a filter: cli_name, else name.
inline const std::string& cli_command(const Filter& filter) {
  return filter.cli_name.empty() ? filter.name : filter.cli_name;
}

// The one way hosts (GIMP, CLI, tests) run a filter: fills in the model library and the device (from the
// filter's device parameter; a GPU that is asked for but missing is an error), runs the filter, translates any
// out-of-memory condition (CPU or CUDA) into OutOfMemory naming the image size, device and the filter's advice,
// gives the result the input's alpha (unless it makes a new picture) and checks it (check_result). Throws
// atelier::Error for an empty input (a filter that makes a new picture checks that itself).
Image run_filter(const Filter& filter, const Image& input, const ParamValues& values, const RunContext& ctx);

// How a run ended, for the hosts that show it rather than catch it (the plug-in's runs, the dialog's previews).
struct FilterOutcome {
  enum class Status { kOk, kCancelled, kOutOfMemory, kFailed };
  Status status = Status::kFailed;
  Image image;
  std::string message;              // for kOutOfMemory / kFailed: what went wrong and what to do
  std::string missing_model;        // for kFailed: the model the run needs that is not installed, if that was why
  int frames_done = 0;              // a run over frames: how many were given to the host
  bool reused_cached_work = false;  // RunContext::on_cached_work was called: the time says little of the estimate
};

// Runs `run` (which calls run_filter or run_filter_frames and fills in the outcome's image or frames_done) and
// says how it ended: cancelled, out of memory, a model missing (named), or any other error's message for the user.
FilterOutcome run_for_outcome(const std::function<void(FilterOutcome&)>& run);

// The device a device parameter's value (auto, cpu, cuda) names, when this machine has it; none otherwise (for
// plans made before a run: the run itself reports the missing device).
std::optional<c10::Device> available_device(const std::string& choice);

// run_filter() for a filter over an animation (Filter::run_frames): the same context, device and out-of-memory
// translation; every result is checked (check_result) before the host gets it. Returns the frames done.
int run_filter_frames(const Filter& filter, FrameSequence& frames, const ParamValues& values, const RunContext& ctx);

// The size of the filter's result: result_size() from the canvas (0 = the input's size), else the input's size.
// Throws atelier::Error for an empty size.
std::pair<int, int> expected_result_size(const Filter& filter, const ParamValues& values, const Image& input,
                                         int canvas_width = 0, int canvas_height = 0);

// Throws atelier::Error when a filter's result is not a usable image: another size than expected (the input's,
// width x height, by default), or NaN or infinite values (a damaged model or a diverging optimisation), so that no
// layer or file of garbage is written.
void check_result(const Filter& filter, std::pair<int, int> input_size, const Image& result,
                  std::pair<int, int> expected = {0, 0});

// All filters, in menu order.
const std::vector<const Filter*>& all_filters();
const Filter& find_filter(const std::string& name);  // throws atelier::Error for unknown names

}  // namespace atelier
