#include "cli/commands.h"
#include "cli/filter_command.h"
#include "core/error.h"
#include "core/numbers.h"
#include "filters/stylize.h"

namespace atelier::cli {

// Like the generated command, plus any number of styles: --style S [--style-weight W] --style S2 ...
int stylize_command(const Args& args) {
  CommandOptions options;
  options.extra_flags = {{"style", "style image; repeat to blend several styles", true},
                         {"style-weight", "blend weight of the corresponding --style (default 1)", false}};
  options.run = [](const Image& input, const ParamValues& v, const ExtraValues& extra, const RunContext& ctx) {
    if (v.get_text("method") == "feed-forward") return run_instant_stylize(input, v, ctx);
    std::vector<StyleImage> styles;
    if (auto s = extra.find("style"); s != extra.end()) {
      for (const auto& path : s->second) styles.push_back({ctx.read_image(path), 1.0});
    } else {
      styles = styles_from_params(v, ctx);
    }
    auto it = extra.find("style-weight");
    if (it != extra.end()) {
      if (it->second.size() > styles.size())
        throw Error("more --style-weight values (" + std::to_string(it->second.size()) + ") than styles (" +
                    std::to_string(styles.size()) + ")");
      for (size_t i = 0; i < it->second.size(); ++i) {
        const std::optional<double> w = parse_double(it->second[i]);
        if (!w || *w < 0) throw Error("--style-weight expects a number >= 0, got '" + it->second[i] + "'");
        styles[i].weight = *w;
      }
    }
    return run_stylize(input, styles, v, ctx);
  };
  return run_filter_command(stylize_filter(), args, options);
}

}  // namespace atelier::cli
