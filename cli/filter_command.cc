#include "cli/filter_command.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>

#include "core/cache_dir.h"
#include "core/error.h"
#include "core/image_io.h"
#include "core/image_tensor.h"
#include "core/video_io.h"
#include "models/model_library.h"

namespace atelier::cli {
namespace {

const ParamSpec* find_flag(const Filter& f, const std::string& flag) {
  for (const auto& s : f.params) {
    if (!(s.scope & kCli)) continue;
    if (s.name == flag) return &s;
    for (const auto& a : s.cli_aliases)
      if (a == flag) return &s;
  }
  return nullptr;
}

void print_help(const Filter& f) {
  std::printf("usage: atelier %s [--FLAG VALUE ...]\n\n%s\n", cli_command(f).c_str(), f.blurb.c_str());
  if (!f.help.empty()) std::printf("%s\n", f.help.c_str());
  std::string group = "\x01";
  for (const auto& s : f.params) {
    if (!(s.scope & kCli)) continue;
    if (s.group != group) {
      group = s.group;
      std::printf("\n%s:\n", group.empty() ? "options" : group.c_str());
    }
    std::string flags = "--" + s.name;
    for (const auto& a : s.cli_aliases) flags += ", --" + a;
    std::printf("  %-24s %s%s\n", flags.c_str(), describe_param(s).c_str(), s.repeatable ? " [repeatable]" : "");
  }
  std::printf("\nEnvironment: ATELIER_MODELS_DIR (model library), ATELIER_DEVICE (cpu|cuda).\n");
}

const ParamSpec* spec_with_role(const Filter& f, ParamRole role) {
  for (const auto& s : f.params)
    if (s.role == role && (s.scope & kCli)) return &s;
  return nullptr;
}

// Ctrl-C (SIGINT) and SIGTERM cancel a run as GIMP's Cancel button does (a training keeps its checkpoint); a second
// one ends the program at once. A signal handler can only set a lock-free flag, so this one flag has to be static.
std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int signal) {
  interrupted.store(true);
  std::signal(signal, SIG_DFL);
}

bool is_bool_word(const std::string& s) {
  for (const char* w : {"true", "false", "yes", "no", "on", "off", "1", "0"})
    if (s == w) return true;
  return false;
}

// A clip on disk as the engine's frames: read from a folder or video, written to a folder or video.
class FileFrames : public FrameSequence {
 public:
  FileFrames(FrameReader& reader, FrameWriter& writer) : reader_(reader), writer_(writer) {}
  int count() const override { return reader_.count(); }
  Image frame(int index) override { return reader_.read(index); }
  void put(int, const Image& result) override { writer_.write(result); }

 private:
  FrameReader& reader_;
  FrameWriter& writer_;
};

// Frames for pictures: 12 per second, a usual rate for animations drawn frame by frame.
constexpr double kPictureFramesPerSecond = 12;

int run_frames_command(const Filter& filter, const ParamValues& values, const ParamSpec& in, const ParamSpec& out,
                       const Progress& progress) {
  const std::string& in_path = values.get_text(in.name);
  const std::string& out_path = values.get_text(out.name);
  if (in_path.empty()) throw Error("missing --" + in.name + " FOLDER|VIDEO");
  if (out_path.empty()) throw Error("missing --" + out.name + " FOLDER|VIDEO");
  check_frames_output(out_path, in_path);
  FrameReader reader(in_path);
  FrameWriter writer(out_path, reader.frames_per_second() > 0 ? reader.frames_per_second() : kPictureFramesPerSecond);
  FileFrames frames(reader, writer);
  ModelLibrary library;
  RunContext ctx{&library, progress, {}};
  ctx.cache_dir = user_cache_dir();
  auto t0 = std::chrono::steady_clock::now();
  const int done = run_filter_frames(filter, frames, values, ctx);
  writer.commit();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "wrote %s (%d frames) in %.1f s\n", out_path.c_str(), done, secs);
  return 0;
}

}  // namespace

bool parse_filter_args(const Filter& filter, const Args& args, ParamValues& values) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--help" || a == "-h") {
      print_help(filter);
      return false;
    }
    if (a.rfind("--", 0) != 0) throw Error("unexpected argument '" + a + "' (options are --name value)");
    a = a.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    const ParamSpec* spec = find_flag(filter, a);
    bool negated = false;
    if (!spec && a.rfind("no-", 0) == 0) {
      spec = find_flag(filter, a.substr(3));
      negated = spec && spec->type == ParamType::Bool;
      if (!negated) spec = nullptr;
    }
    if (!spec) throw Error("unknown option '--" + a + "' for 'atelier " + cli_command(filter) + "' (see --help)");
    if (spec->type == ParamType::Bool && !has_value) {
      // "--keep-colors" alone, or "--keep-colors true" as --help writes it.
      if (!negated && i + 1 < args.size() && is_bool_word(args[i + 1])) {
        values.set_from_string(spec->name, args[++i]);
      } else {
        values.set_bool(spec->name, !negated);
      }
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) throw Error("option '--" + a + "' needs a value");
      value = args[++i];
    }
    values.set_from_string(spec->name, value);
  }
  return true;
}

Progress::Callback stderr_progress() {
  struct State {
    int last_percent = -1;
    std::string last_stage;
    std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  };
  auto state = std::make_shared<State>();
  return [state](double fraction, const std::string& message) {
    int pct = static_cast<int>(std::floor(fraction * 100));
    auto now = std::chrono::steady_clock::now();
    // A new stage ("plan: ...", "loading ...": the words before the first number) is always shown; repeated
    // reports of one stage at most once per percent and half second.
    const std::string stage = message.substr(0, message.find_first_of("0123456789"));
    const bool new_stage = stage != state->last_stage;
    state->last_stage = stage;
    if (!new_stage && pct == state->last_percent && fraction < 1.0) return;
    if (!new_stage && now - state->last < std::chrono::milliseconds(500) && fraction < 1.0 &&
        pct - state->last_percent < 5)
      return;
    state->last_percent = pct;
    state->last = now;
    std::fprintf(stderr, "[%3d%%] %s\n", pct, message.c_str());
    std::fflush(stderr);
  };
}

int run_filter_command(const Filter& filter, const Args& args) {
  ParamValues values(filter.params);
  if (!parse_filter_args(filter, args, values)) return 0;
  const ParamSpec* in = spec_with_role(filter, ParamRole::kInputImage);
  const ParamSpec* out = spec_with_role(filter, ParamRole::kOutputFile);
  if (!in || !out) throw Error("filter '" + filter.name + "' declares no CLI input/output");
  const std::string& in_path = values.get_text(in->name);
  const std::string& out_path = values.get_text(out->name);
  if (filter.run_frames) {
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return run_frames_command(filter, values, *in, *out, Progress(stderr_progress(), &interrupted));
  }
  // A filter that makes a new picture may need no input for some values (a trained texture generator); it says so.
  // One that makes a model writes an image only when asked to (a preview of --input in the new model).
  if (filter.makes_model && in_path.empty() != out_path.empty())
    throw Error(in_path.empty() ? "--" + out->name + " writes a preview of --" + in->name + " IMAGE: give that too"
                                : "--" + in->name + " is previewed in --" + out->name + " FILE.png: give that too");
  if (in_path.empty() && !filter.result_size && !filter.makes_model) throw Error("missing --" + in->name + " IMAGE");
  if (out_path.empty() && !filter.makes_model) throw Error("missing --" + out->name + " FILE.png");
  // Every file the command reads, so that the output can never replace one of them.
  std::vector<std::string> inputs;
  for (const ParamSpec& s : filter.params) {
    if (s.type != ParamType::File || !(s.scope & kCli) || &s == out) continue;
    inputs.push_back(values.get_text(s.name));
    const std::vector<std::string>& listed = values.get_list(s.name);
    inputs.insert(inputs.end(), listed.begin(), listed.end());
  }
  if (!out_path.empty()) check_output_path(out_path, inputs);
  Image input = in_path.empty() ? Image() : load_image(in_path);
  if (const ParamSpec* size = spec_with_role(filter, ParamRole::kInputLongSide); size && values.get_int(size->name) > 0)
    input = resize_long_side(input, values.get_int(size->name));
  ModelLibrary library;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  RunContext ctx{&library, Progress(stderr_progress(), &interrupted), {}};
  ctx.cache_dir = user_cache_dir();
  auto t0 = std::chrono::steady_clock::now();
  Image result = run_filter(filter, input, values, ctx);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (out_path.empty()) {
    std::fprintf(stderr, "done in %.1f s\n", secs);
    return 0;
  }
  save_image(out_path, result);
  std::fprintf(stderr, "wrote %s (%dx%d) in %.1f s\n", out_path.c_str(), result.width, result.height, secs);
  return 0;
}

}  // namespace atelier::cli
