#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "filters/cost.h"
#include "filters/dream.h"
#include "filters/filter.h"
#include "filters/machine_speed.h"
#include "filters/params.h"
#include "filters/stylize.h"
#include "models/model_library.h"
#include "tests/test_util.h"

using namespace atelier;

namespace {
const std::vector<ParamSpec>& specs() {
  static const std::vector<ParamSpec> s = [] {
    std::vector<ParamSpec> v(4);
    v[0].name = "iterations";
    v[0].type = ParamType::Int;
    v[0].min = 1;
    v[0].max = 100;
    v[0].default_number = 10;
    v[1].name = "weight";
    v[1].type = ParamType::Double;
    v[1].min = 0;
    v[1].max = 1;
    v[1].default_number = 0.5;
    v[2].name = "mode";
    v[2].type = ParamType::Choice;
    v[2].choices = {{"a", "A"}, {"b", "B"}};
    v[2].default_text = "a";
    v[3].name = "flag";
    v[3].type = ParamType::Bool;
    return v;
  }();
  return s;
}
}  // namespace

TEST(Params, DefaultsAndValidation) {
  ParamValues p(specs());
  EXPECT_EQ(p.get_int("iterations"), 10);
  EXPECT_DOUBLE_EQ(p.get_double("weight"), 0.5);
  EXPECT_EQ(p.get_text("mode"), "a");
  EXPECT_FALSE(p.get_bool("flag"));
  p.set_from_string("iterations", "42");
  p.set_from_string("mode", "b");
  p.set_from_string("flag", "true");
  EXPECT_EQ(p.get_int("iterations"), 42);
  EXPECT_EQ(p.choice_index("mode"), 1);
  EXPECT_TRUE(p.get_bool("flag"));
  EXPECT_THROW(p.set_from_string("iterations", "101"), Error);
  EXPECT_THROW(p.set_from_string("iterations", "1.5"), Error);
  EXPECT_THROW(p.set_from_string("iterations", "abc"), Error);
  EXPECT_THROW(p.set_from_string("weight", "2"), Error);
  EXPECT_THROW(p.set_from_string("mode", "c"), Error);
  EXPECT_THROW(p.set_from_string("nope", "1"), Error);
  EXPECT_EQ(p.get_int("iterations"), 42);  // failed sets leave the value alone
}

// Each filter declares its cost model; the dialog only asks for it.
TEST(Params, FiltersDeclareTheirCostModels) {
  ParamValues stylize(stylize_filter().params);
  stylize.set_int("size", 384);
  stylize.set_int("iterations", 200);
  stylize.set_int("scales", 1);
  CostEstimate e = estimate_cost(stylize_filter(), stylize, 1000, 500);
  EXPECT_EQ(e.width, 384);
  EXPECT_EQ(e.height, 192);
  EXPECT_EQ(e.iterations, 200);
  // Loading, the style targets, 1.1 evaluations per iteration at the development machine's speed, and the
  // enlargement to the 0.5-megapixel layer with its detail (0.1 s and 50 MB a megapixel).
  const MachineSpeed development;
  EXPECT_NEAR(e.seconds, 2.0 + 0.5 + 200 * 1.1 * development.evaluation_seconds(384 * 192 / 1e6) + 0.05, 1e-6);
  EXPECT_FALSE(e.measured_speed);
  stylize.set_text("upscale", "smooth");
  const CostEstimate smooth = estimate_cost(stylize_filter(), stylize, 1000, 500);
  EXPECT_NEAR(smooth.seconds, e.seconds - 0.05, 1e-6);
  EXPECT_NEAR(smooth.megabytes, e.megabytes - 25, 1e-6);
  stylize.set_text("upscale", "detail");
  // Measured on a machine half as fast: twice the time.
  MachineSpeed slow = development;
  slow.fixed_seconds *= 2;
  slow.seconds_per_megapixel *= 2;
  slow.measured = true;
  const CostEstimate on_slow = estimate_cost(stylize_filter(), stylize, 1000, 500, slow);
  EXPECT_NEAR(on_slow.seconds, 2 * e.seconds, 1e-6);
  EXPECT_TRUE(on_slow.measured_speed);
  // Coarse to fine: the half-size scale adds as many iterations at its own, smaller cost.
  stylize.set_int("scales", 2);
  const CostEstimate two_scales = estimate_cost(stylize_filter(), stylize, 1000, 500);
  EXPECT_GT(two_scales.seconds, e.seconds);
  EXPECT_LT(two_scales.seconds, 2 * e.seconds);
  stylize.set_text("method", "feed-forward");
  stylize.set_double("style-scale", 2.0);
  e = estimate_cost(stylize_filter(), stylize, 1000, 500);
  EXPECT_EQ(e.width, 500);  // the Instant method works at 1 / style scale, in one pass
  EXPECT_EQ(e.iterations, 1);
  EXPECT_NEAR(e.seconds, 0.4 + 0.125 * 1.8, 1e-9);  // loading, then one pass over the whole image: 1.8 s/MP

  ParamValues dream(dream_filter().params);
  dream.set_int("iterations", 20);
  dream.set_int("octaves", 4);
  e = estimate_cost(dream_filter(), dream, 800, 600);
  EXPECT_EQ(e.iterations, 50);  // the smaller octaves count about half
  EXPECT_EQ(e.width, 512);
}

// The shared parameters carry the role the host acts on, once per filter.
TEST(Params, CommonParametersAreSharedWithTheirRoles) {
  for (const Filter* f : {&stylize_filter(), &dream_filter()}) {
    int layer_names = 0, networks = 0;
    for (const ParamSpec& s : f->params) {
      layer_names += s.role == ParamRole::kLayerName;
      networks += s.role == ParamRole::kFeatureNetwork;
    }
    EXPECT_EQ(layer_names, 1) << f->name;
    EXPECT_EQ(networks, 1) << f->name;
  }
}

TEST(Params, RepeatableFlagsKeepEveryValue) {
  const Filter& f = stylize_filter();
  ParamValues v(f.params);
  EXPECT_TRUE(v.get_list("style").empty());
  v.set_from_string("style", "a.png");
  v.set_from_string("style", "b.png");
  v.set_from_string("style-weight", "0.25");
  EXPECT_EQ(v.get_list("style"), (std::vector<std::string>{"a.png", "b.png"}));
  EXPECT_EQ(v.get_list("style-weight"), (std::vector<std::string>{"0.25"}));
  EXPECT_THROW(v.set_from_string("style-weight", "-1"), Error);  // each value is checked
  EXPECT_EQ(v.get_list("style-weight").size(), 1u);
}

// Which options a method ignores is declared with the parameters (the dialog greys them out).
TEST(Params, ParametersSayWhenTheyAreUsed) {
  const Filter& f = stylize_filter();
  ParamValues v(f.params);
  const ParamSpec& rate = v.spec("learning-rate");
  EXPECT_FALSE(param_in_use(rate, v));  // L-BFGS by default
  v.set_text("optimizer", "adam");
  EXPECT_TRUE(param_in_use(rate, v));
  v.set_text("method", "feed-forward");
  EXPECT_FALSE(param_in_use(rate, v));
  EXPECT_TRUE(param_in_use(v.spec("fast-model"), v));
  EXPECT_FALSE(param_in_use(v.spec("style-image"), v));
  EXPECT_TRUE(param_in_use(v.spec("style-scale"), v));
  EXPECT_NE(describe_param(rate).find("used when method is optimize and optimizer is adam"), std::string::npos)
      << describe_param(rate);

  const Filter& d = dream_filter();
  ParamValues dv(d.params);
  EXPECT_TRUE(param_in_use(dv.spec("depth"), dv));
  dv.set_text("layers", "mixed3:1");
  EXPECT_FALSE(param_in_use(dv.spec("depth"), dv));
}

TEST(Params, LayerParameterIsGimpOnlyAndNoneByDefault) {
  const std::vector<ParamSpec> specs = {
      layer_param("source-layer", "Source layer", "A layer of any open image", "", "source-file", false),
      text_param("source-file", "Source _file", "A file", ParamType::File, "", "")};
  EXPECT_EQ(specs[0].scope, static_cast<unsigned>(kGimp));
  EXPECT_EQ(specs[0].type, ParamType::Layer);
  ParamValues v(specs);
  EXPECT_EQ(v.get_text("source-layer"), "");
  v.set_text("source-layer", "layer:12");
  EXPECT_EQ(v.get_text("source-layer"), "layer:12");
  EXPECT_THROW(v.set_int("source-layer", 3), Error);
}

// A layer stands in for a file: one or the other, never both; a required one with neither given is what a
// dialog fills with another layer of the image (Stylize's style, not Texture Synthesize's optional source).
TEST(Params, LayerOrFileAndWhichLayersToPreselect) {
  const std::vector<ParamSpec> specs = {
      layer_param("style-layer", "Style la_yer", "A layer as the style", "", "style-image", true),
      text_param("style-image", "Style _image", "A style file", ParamType::File, "", ""),
      layer_param("source-layer", "So_urce layer", "A layer as the source", "", "source-file", false),
      text_param("source-file", "Source _file", "A source file", ParamType::File, "", "")};
  ParamValues v(specs);
  EXPECT_EQ(layer_or_file(v, "style-layer"), "");
  ASSERT_EQ(layers_to_preselect(v).size(), 1u);
  EXPECT_EQ(layers_to_preselect(v)[0]->name, "style-layer");
  v.set_text("style-image", "/tmp/style.png");
  EXPECT_EQ(layer_or_file(v, "style-layer"), "/tmp/style.png");
  EXPECT_TRUE(layers_to_preselect(v).empty());
  v.set_text("style-layer", "layer:4");
  EXPECT_EQ(test::error_of([&] { layer_or_file(v, "style-layer"); }),
            "both style layer and style image are chosen (style-layer, style-image); choose one of them");
  v.set_text("style-image", "");
  EXPECT_EQ(layer_or_file(v, "style-layer"), "layer:4");
  EXPECT_TRUE(layers_to_preselect(v).empty());
  // The filters declare theirs this way.
  for (const Filter* f : all_filters())
    for (const ParamSpec& s : f->params)
      if (s.type == ParamType::Layer) {
        ParamValues values(f->params);
        EXPECT_EQ(values.spec(s.instead_of).type, ParamType::File) << f->name << " " << s.name;
      }
}

// Both a layer and the file it stands in for: the dialog's estimate, preview and result size still answer while
// the user is choosing; the run says which two are chosen, before any work.
TEST(Params, BothALayerAndItsFileFailTheRunNotTheDialog) {
  const ModelLibrary library(test::temp_path("empty-library"));
  const Image input = test::stripes_image(96, 64);
  int checked = 0;
  for (const Filter* f : all_filters())
    for (const ParamSpec& s : f->params) {
      if (s.type != ParamType::Layer || s.instead_of.empty()) continue;
      ParamValues v(f->params);
      v.set_text(s.name, "layer:4");
      v.set_text(s.instead_of, "/nonexistent/picture.png");
      if (f->estimate) {
        EXPECT_NO_THROW(f->estimate(v, 640, 480)) << f->name;
      }
      if (f->preview) {
        EXPECT_NO_THROW(f->preview(v)) << f->name;
      }
      if (f->result_size) {
        EXPECT_NO_THROW(f->result_size(v, 640, 480)) << f->name;
      }
      RunContext ctx{&library, Progress(), {}};
      const std::string error = test::error_of([&] { run_filter(*f, input, v, ctx); });
      EXPECT_NE(error.find("are chosen (" + s.name + ", " + s.instead_of + "); choose one of them"), std::string::npos)
          << f->name << ": " << error;
      ++checked;
    }
  // Stylize, Stylize Frames, Large Tiled Style, Train Instant Style: the style; Texture Synthesize: the source.
  EXPECT_EQ(checked, 5);
}

// The measured speed is cached per host and thread count; a damaged cache is measured again, never an error.
TEST(Params, MachineSpeedIsCachedPerThreadCount) {
  const std::string path = test::temp_path("machine-speed.json");
  std::remove(path.c_str());
  EXPECT_FALSE(load_machine_speed(path, 2).has_value());
  MachineSpeed measured;
  measured.fixed_seconds = 0.5;
  measured.seconds_per_megapixel = 7.25;
  measured.threads = 2;
  measured.measured = true;
  save_machine_speed(path, measured);
  MachineSpeed other = measured;
  other.threads = 1;
  other.seconds_per_megapixel = 12.5;
  save_machine_speed(path, other);
  const std::optional<MachineSpeed> two = load_machine_speed(path, 2), one = load_machine_speed(path, 1);
  ASSERT_TRUE(two.has_value());
  ASSERT_TRUE(one.has_value());
  EXPECT_DOUBLE_EQ(two->seconds_per_megapixel, 7.25);
  EXPECT_DOUBLE_EQ(two->fixed_seconds, 0.5);
  EXPECT_TRUE(two->measured);
  EXPECT_DOUBLE_EQ(one->seconds_per_megapixel, 12.5);
  EXPECT_FALSE(load_machine_speed(path, 4).has_value());
  {
    std::ofstream damaged(path, std::ios::trunc);
    damaged << "{\"fixed_seconds\": ";
  }
  EXPECT_FALSE(load_machine_speed(path, 2).has_value());
  save_machine_speed(path, measured);  // and it is written afresh
  EXPECT_TRUE(load_machine_speed(path, 2).has_value());
}

// What the speed measurement misses is learnt from the runs: each finished run's real time over its estimate is
// kept per host and cost model, and the median of the last five corrects that model's next estimates.
TEST(Params, EstimatesLearnFromThisHostsRuns) {
  const std::string path = test::temp_path("run-ratios-machine-speed.json");
  std::remove(path.c_str());
  const int threads = at::get_num_threads();  // the runs are recorded for the thread count they ran with
  // No measurement on this host yet: nothing to be relative to, nothing recorded.
  record_run_ratio(path, threads, "stylize/optimize", 0.5);
  EXPECT_FALSE(std::filesystem::exists(path));
  MachineSpeed measured;
  measured.threads = threads;
  measured.measured = true;
  save_machine_speed(path, measured);

  ParamValues stylize(stylize_filter().params);
  stylize.set_text("device", "cpu");
  const CostEstimate first = estimate_cost(stylize_filter(), stylize, 512, 384, *load_machine_speed(path, threads));
  EXPECT_EQ(first.model, "stylize/optimize");
  EXPECT_EQ(first.runs_learnt_from, 0);
  EXPECT_DOUBLE_EQ(first.seconds, first.seconds_before_runs);

  // A measurement taken while the machine was busy: the runs take half the estimate. One run corrects it.
  record_finished_run(stylize_filter(), stylize, 512, 384, first.seconds / 2, 0, path);
  MachineSpeed learnt = *load_machine_speed(path, threads);
  CostEstimate e = estimate_cost(stylize_filter(), stylize, 512, 384, learnt);
  EXPECT_EQ(e.runs_learnt_from, 1);
  EXPECT_NEAR(e.seconds, first.seconds / 2, 1e-6);
  EXPECT_NEAR(e.seconds_before_runs, first.seconds, 1e-6);
  // The ratio is taken against the estimate before the correction, so the same run again keeps it at 0.5.
  record_finished_run(stylize_filter(), stylize, 512, 384, first.seconds / 2, 0, path);
  EXPECT_EQ(load_machine_speed(path, threads)->run_ratios.at("stylize/optimize"), (std::vector<double>{0.5, 0.5}));

  // The other methods are other models: Instant is not corrected by Optimise's runs.
  ParamValues instant = stylize;
  instant.set_text("method", "feed-forward");
  e = estimate_cost(stylize_filter(), instant, 512, 384, *load_machine_speed(path, threads));
  EXPECT_EQ(e.model, "stylize/feed-forward");
  EXPECT_EQ(e.runs_learnt_from, 0);

  // The median of the last five: one run slowed down by other work does not move it, older runs drop out.
  for (double ratio : {0.6, 3.0, 0.7, 0.8}) record_run_ratio(path, threads, "stylize/optimize", ratio);
  learnt = *load_machine_speed(path, threads);
  EXPECT_EQ(learnt.run_ratios.at("stylize/optimize"), (std::vector<double>{0.5, 0.6, 3.0, 0.7, 0.8}));
  EXPECT_DOUBLE_EQ(learnt.run_correction("stylize/optimize"), 0.7);
  EXPECT_DOUBLE_EQ(learnt.run_correction("dream"), 1.0);
  // Within [0.2, 5] whatever was recorded.
  for (int i = 0; i < 5; ++i) record_run_ratio(path, threads, "dream", 100.0);
  EXPECT_DOUBLE_EQ(load_machine_speed(path, threads)->run_correction("dream"), 5.0);

  // Not recorded: short runs (loading dominates), runs on a GPU, the other thread counts' entries.
  const std::vector<double> before = load_machine_speed(path, threads)->run_ratios.at("stylize/optimize");
  record_finished_run(stylize_filter(), stylize, 512, 384, kShortestRecordedRunSeconds / 2, 0, path);
  ParamValues on_gpu = stylize;
  on_gpu.set_text("device", "cuda");
  record_finished_run(stylize_filter(), on_gpu, 512, 384, 1000, 0, path);
  EXPECT_EQ(load_machine_speed(path, threads)->run_ratios.at("stylize/optimize"), before);
  EXPECT_FALSE(load_machine_speed(path, threads + 1).has_value());

  // A damaged list is dropped, the measurement still read; a new measurement starts without ratios.
  {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::string damaged = text.str();
    damaged.replace(damaged.find("0.6"), 3, "\"x\"");
    std::ofstream(path, std::ios::trunc) << damaged;
  }
  learnt = *load_machine_speed(path, threads);
  EXPECT_EQ(learnt.run_ratios.count("stylize/optimize"), 0u);
  EXPECT_EQ(learnt.run_ratios.count("dream"), 1u);
  save_machine_speed(path, measured);
  EXPECT_TRUE(load_machine_speed(path, threads)->run_ratios.empty());
}

// The dialog's probe: closed before its first evaluation it stops and caches nothing; left to finish it caches
// the measurement, which the next probe finds at once.
TEST(Params, MachineSpeedProbeMeasuresOnceAndStopsWhenClosedEarly) {
  const ModelLibrary library;
  ATELIER_REQUIRE(library.installed("inception_v3"), "InceptionV3 is not installed");
  const std::string path = test::temp_path("probe-machine-speed.json");
  std::remove(path.c_str());
  {
    const MachineSpeedProbe early(library.dir(), path);
    EXPECT_TRUE(early.measuring());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  {
    const MachineSpeedProbe full(library.dir(), path);
    while (full.measuring()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(full.speed().measured);
    EXPECT_GT(full.speed().seconds_per_megapixel, 0);
  }
  const MachineSpeedProbe cached(library.dir(), path);
  EXPECT_FALSE(cached.measuring());
  EXPECT_TRUE(cached.speed().measured);
}

namespace {
// GIMP 3.0.4's generated procedure dialog adds its own buttons, with these mnemonics (libgimp/gimpproceduredialog.c,
// libgimpwidgets/gimpdialog.c; German: the gimp30-libgimp catalogue). Our own widgets in it (group titles, the
// estimate, the preview's "Preview" check box and "Update Preview" button) carry none (checked below).
struct Button {
  const char* label;
  const char* german;
};
const Button kDialogButtons[] = {{"_Help", "_Hilfe"},
                                 {"_Reset", "_Zurücksetzen"},
                                 {"_Cancel", "Abbre_chen"},
                                 {"_OK", "_OK"},
                                 {"_Load Saved Settings", "_Gespeicherte Einstellungen laden"},
                                 {"_Save Settings", "Einstellungen _speichern"}};

// The mnemonic of a GTK label, lower-cased as GTK compares them (UTF-8; "" when the label has none).
std::string mnemonic_of(const std::string& label) {
  const size_t u = label.find('_');
  if (u == std::string::npos || u + 1 >= label.size()) return "";
  const unsigned char c = static_cast<unsigned char>(label[u + 1]);
  if (c < 0x80) return std::string(1, static_cast<char>(std::tolower(c)));
  std::string m = label.substr(u + 1, 2);  // two-byte sequences (Ä Ö Ü ä ö ü ...)
  const unsigned char c2 = static_cast<unsigned char>(m[1]);
  if (c == 0xC3 && c2 >= 0x80 && c2 <= 0x9E && c2 != 0x97) m[1] = static_cast<char>(c2 + 0x20);  // À-Þ -> à-þ
  return m;
}

// "What clashes" in one dialog's labels: every label with a mnemonic has exactly one '_', and no two labels (the
// buttons included) share a mnemonic.
std::string clashes(const std::string& dialog, const std::vector<std::pair<std::string, std::string>>& buttons,
                    const std::vector<std::pair<std::string, std::string>>& params) {
  std::ostringstream out;
  std::map<std::string, std::string> taken;  // mnemonic -> the label that has it
  for (const auto& [what, label] : buttons) taken[mnemonic_of(label)] = "dialog button \"" + label + "\"";
  for (const auto& [name, label] : params) {
    const size_t n = std::count(label.begin(), label.end(), '_');
    if (n > 1) out << dialog << ": \"" << label << "\" (" << name << ") has " << n << " underscores\n";
    const std::string m = mnemonic_of(label);
    if (m.empty()) continue;
    const auto [it, fresh] = taken.emplace(m, "\"" + label + "\" (" + name + ")");
    if (!fresh)
      out << dialog << ": mnemonic '" << m << "' of \"" << label << "\" (" << name << ") clashes with " << it->second
          << "\n";
  }
  return out.str();
}

// msgid -> msgstr of a .po file's translated, non-fuzzy entries (the ones msgfmt compiles).
std::map<std::string, std::string> read_po(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::string> out;
  std::string line, id, str, *current = nullptr;
  bool fuzzy = false;
  auto unquote = [](const std::string& l) {
    std::string s;
    const size_t a = l.find('"'), b = l.rfind('"');
    for (size_t i = a + 1; i < b; ++i) {
      if (l[i] == '\\' && i + 1 < b) {
        ++i;
        s += l[i] == 'n' ? '\n' : l[i] == 't' ? '\t' : l[i];
      } else {
        s += l[i];
      }
    }
    return s;
  };
  auto flush = [&] {
    if (!id.empty() && !str.empty() && !fuzzy) out[id] = str;
    id.clear(), str.clear(), fuzzy = false, current = nullptr;
  };
  while (std::getline(in, line)) {
    if (line.rfind("#,", 0) == 0) {
      flush();
      fuzzy = line.find("fuzzy") != std::string::npos;
    } else if (line.rfind("msgid ", 0) == 0) {
      if (current == &str) {
        const bool f = fuzzy;
        flush();
        fuzzy = f;
      }
      id = unquote(line), current = &id;
    } else if (line.rfind("msgstr ", 0) == 0) {
      str = unquote(line), current = &str;
    } else if (line.rfind("\"", 0) == 0 && current) {
      *current += unquote(line);
    } else if (line.empty()) {
      flush();
    }
  }
  flush();
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

// Each filter's dialog shows all its GIMP parameters at once (one frame per group) beside GIMP's own buttons: a
// mnemonic used twice makes Alt+letter cycle instead of act, and GIMP logs "duplicate mnemonic". Checked in English
// and with the German catalogue (po/de.po) against GIMP's German buttons. A dialog with more options than free
// letters leaves some labels without one.
TEST(Params, DialogMnemonicsAreUniqueInEnglishAndGerman) {
  const std::map<std::string, std::string> german = read_po(test::source_dir() + "/../po/de.po");
  ASSERT_GT(german.size(), 50u) << "po/de.po not read";
  std::vector<std::pair<std::string, std::string>> buttons, german_buttons;
  for (const Button& b : kDialogButtons) {
    buttons.emplace_back(b.label, b.label);
    german_buttons.emplace_back(b.label, b.german);
  }
  std::string problems;
  for (const Filter* f : all_filters()) {
    std::vector<std::pair<std::string, std::string>> labels, german_labels;
    for (const ParamSpec& s : f->params) {
      if (!(s.scope & kGimp)) continue;
      EXPECT_EQ(s.group.find('_'), std::string::npos) << f->name << ": group titles carry no mnemonic: " << s.group;
      labels.emplace_back(s.name, s.label);
      const auto t = german.find(s.label);
      if (t == german.end()) {
        problems += f->name + ": \"" + s.label + "\" (" + s.name + ") has no German translation in po/de.po\n";
        continue;
      }
      if (mnemonic_of(s.label).empty() != mnemonic_of(t->second).empty())
        problems +=
            f->name + ": \"" + s.label + "\" and its German \"" + t->second + "\" disagree about having a mnemonic\n";
      german_labels.emplace_back(s.name, t->second);
    }
    problems += clashes(f->name, buttons, labels);
    problems += clashes(f->name + " (de)", german_buttons, german_labels);
  }
  EXPECT_EQ(problems, "");
  // The widgets our dialog code adds beside the parameters have no mnemonics (no letter is left for them).
  for (const char* file : {"/../dialogs/filter_dialog.cc", "/../dialogs/filter_preview.cc"}) {
    const std::string code = read_text(test::source_dir() + file);
    ASSERT_FALSE(code.empty()) << file;
    for (const char* call : {"_mnemonic(", "use-underline"})
      EXPECT_EQ(code.find(call), std::string::npos) << file << " adds a widget with a mnemonic: include it here";
  }
}
