// `atelier bench`'s options, parsed here so that the command line does not need to know the filters' benchmarks.
#include <algorithm>
#include <optional>
#include <sstream>

#include "bench/benchmarks.h"
#include "core/error.h"
#include "core/numbers.h"

namespace atelier {
namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// An integer flag value within [lo, hi], or an error naming the flag.
long long bounded_int(const std::string& flag, const std::string& text, long long lo, long long hi) {
  const std::optional<long long> v = parse_int(text);
  if (!v || *v < lo || *v > hi)
    throw Error(flag + " expects whole numbers from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" +
                text + "'");
  return *v;
}

// A comma-separated list whose every item is one of `allowed` ("--tiling expects independent and/or exact").
std::vector<std::string> split_choices(const std::string& flag, const std::string& text,
                                       const std::vector<std::string>& allowed) {
  std::string choices;
  for (size_t i = 0; i < allowed.size(); ++i)
    choices += (i == 0 ? "" : i + 1 == allowed.size() ? " and/or " : ", ") + allowed[i];
  std::vector<std::string> items = split(text);
  for (const auto& item : items)
    if (std::find(allowed.begin(), allowed.end(), item) == allowed.end())
      throw Error(flag + " expects " + choices + ", got '" + item + "'");
  return items;
}

}  // namespace

std::optional<BenchOptions> parse_bench_options(const std::vector<std::string>& args) {
  BenchOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw Error("option '" + args[i] + "' needs a value");
      return args[++i];
    };
    if (args[i] == "--sizes") {
      options.sizes.clear();
      for (const auto& s : split(value())) options.sizes.push_back(bounded_int("--sizes", s, 32, 8192));
    } else if (args[i] == "--networks") {
      options.networks = split(value());
    } else if (args[i] == "--iterations") {
      options.iterations = static_cast<int>(bounded_int("--iterations", value(), 1, 1000));
    } else if (args[i] == "--large-style") {
      for (const auto& s : split(value()))
        options.large_style_sizes.push_back(bounded_int("--large-style", s, 64, 16384));
    } else if (args[i] == "--max-tile") {
      options.max_tile = static_cast<int>(bounded_int("--max-tile", value(), 160, 8192));
    } else if (args[i] == "--tiling") {
      options.tilings = split_choices("--tiling", value(), {"independent", "exact"});
    } else if (args[i] == "--content") {
      options.content_image = value();
    } else if (args[i] == "--style") {
      options.style_image = value();
    } else if (args[i] == "--output-dir") {
      options.output_dir = value();
    } else if (args[i] == "--texture") {
      options.texture_sources = split(value());
    } else if (args[i] == "--texture-size") {
      options.texture_size = static_cast<int>(bounded_int("--texture-size", value(), 80, 4096));
    } else if (args[i] == "--train-iterations") {
      options.train_iterations = static_cast<int>(bounded_int("--train-iterations", value(), 1, 100000));
    } else if (args[i] == "--train-style") {
      options.train_style = true;
    } else if (args[i] == "--stylize") {
      options.stylize_schedules = split(value());
    } else if (args[i] == "--working-size") {
      options.working_size = static_cast<int>(bounded_int("--working-size", value(), 80, 4096));
    } else if (args[i] == "--frames") {
      options.frame_clips = split(value());
    } else if (args[i] == "--frame-count") {
      options.frame_count = static_cast<int>(bounded_int("--frame-count", value(), 2, 100000));
    } else if (args[i] == "--methods") {
      options.frame_methods = split_choices("--methods", value(), {"feed-forward", "optimize"});
    } else if (args[i] == "--temporal-weight") {
      const std::optional<double> w = parse_double(value());
      if (!w || !(*w > 0) || *w > 100) throw Error("--temporal-weight expects a number above 0, at most 100");
      options.temporal_weight = *w;
    } else if (args[i] == "--arbitrary") {
      options.arbitrary_pairs = split(value());
    } else if (args[i] == "--arbitrary-methods") {
      options.arbitrary_methods = split_choices("--arbitrary-methods", value(), kArbitraryMethods);
    } else if (args[i] == "--arbitrary-widths") {
      for (const auto& s : split(value()))
        options.arbitrary_widths.push_back(bounded_int("--arbitrary-widths", s, 64, 16384));
    } else if (args[i] == "--quality") {
      options.quality_pairs = split(value());
    } else if (args[i] == "--config") {
      options.quality_configs.push_back(value());
    } else if (args[i] == "--quality-size") {
      options.quality_size = static_cast<int>(bounded_int("--quality-size", value(), 80, 8192));
    } else if (args[i] == "--device") {
      options.device = value();
    } else if (args[i] == "--help" || args[i] == "-h") {
      return std::nullopt;
    } else {
      throw Error("unknown option '" + args[i] + "' (see atelier bench --help)");
    }
  }
  return options;
}

}  // namespace atelier
