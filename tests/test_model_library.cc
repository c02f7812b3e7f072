#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/sha256.h"
#include "core/subprocess.h"
#include "filters/params.h"
#include "models/model_library.h"
#include "tests/test_util.h"

using namespace atelier;
namespace fs = std::filesystem;

namespace {

std::string fresh_dir(const std::string& name) {
  const std::string d = test::temp_path(name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void ignore(const std::string&) {}

}  // namespace

TEST(ModelLibrary, EmptyLibraryKnowsTheBuiltinModels) {
  ModelLibrary lib(fresh_dir("lib-empty"));
  auto known = lib.known();
  ASSERT_GE(known.size(), 2u);
  EXPECT_EQ(lib.info("inception_v3").source, "npm:nsfwjs@4.4.0");
  EXPECT_EQ(lib.info("inception_v3").licence, "MIT");
  EXPECT_EQ(lib.info("inception_v3").sha256.size(), 64u);
  EXPECT_TRUE(lib.info("vgg19").installable);
  EXPECT_FALSE(lib.installed("inception_v3"));
  try {
    lib.path("inception_v3");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("atelier models install inception_v3"), std::string::npos) << e.what();
  }
  try {
    lib.path("vgg19");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("atelier models import vgg19"), std::string::npos) << e.what();
  }
  EXPECT_THROW(lib.info("resnet50"), Error);
  EXPECT_THROW(install_model(lib, "resnet50", ignore), Error);
}

TEST(ModelLibrary, DefaultDirFollowsTheEnvironment) {
  const char* old = std::getenv("ATELIER_MODELS_DIR");
  const std::string saved = old ? old : "";
  setenv("ATELIER_MODELS_DIR", "/some/models", 1);
  EXPECT_EQ(ModelLibrary::default_dir(), "/some/models");
  unsetenv("ATELIER_MODELS_DIR");
  const char* xdg = std::getenv("XDG_DATA_HOME");
  const std::string saved_xdg = xdg ? xdg : "";
  setenv("XDG_DATA_HOME", "/xdg", 1);
  EXPECT_EQ(ModelLibrary::default_dir(), "/xdg/neural-atelier/models");
  if (saved_xdg.empty())
    unsetenv("XDG_DATA_HOME");
  else
    setenv("XDG_DATA_HOME", saved_xdg.c_str(), 1);
  if (old) setenv("ATELIER_MODELS_DIR", saved.c_str(), 1);
}

TEST(ModelLibrary, VerifyDetectsCorruptFiles) {
  const std::string d = fresh_dir("lib-corrupt");
  ModelLibrary lib(d);
  EXPECT_EQ(verify_model(lib, "inception_v3").status, VerifyStatus::Missing);
  std::ofstream(d + "/inception_v3.safetensors") << "truncated download";
  EXPECT_TRUE(lib.installed("inception_v3"));
  Verification v = verify_model(lib, "inception_v3");
  EXPECT_EQ(v.status, VerifyStatus::Mismatch);
  EXPECT_EQ(v.actual, sha256_hex("truncated download"));
}

TEST(ModelLibrary, ImportedModelsAreRecordedAndVerified) {
  const std::string d = fresh_dir("lib-index");
  {
    ModelLibrary lib(d);
    fs::create_directories(d + "/fast-style");
    std::ofstream(d + "/fast-style/wave.safetensors") << "weights";
    lib.record_import({"fast-style/wave", ModelKind::FastStyle, "wave", "imported from /x/wave", "MIT",
                       "fast-style/wave.safetensors", sha256_hex("weights"), false});
    std::ofstream(d + "/vgg19.safetensors") << "vgg";
    lib.record_import({"vgg19", ModelKind::Feature, "", "imported from /x/vgg19.pth", "", "vgg19.safetensors",
                       sha256_hex("vgg"), false});
    EXPECT_THROW(lib.record_import({"evil", ModelKind::FastStyle, "", "", "", "../evil.safetensors", "", false}),
                 Error);
  }
  ModelLibrary lib(d);  // reads the index back
  EXPECT_TRUE(lib.installed("fast-style/wave"));
  EXPECT_EQ(lib.info("fast-style/wave").kind, ModelKind::FastStyle);
  EXPECT_EQ(verify_model(lib, "fast-style/wave").status, VerifyStatus::Ok);
  EXPECT_EQ(lib.info("vgg19").source, "imported from /x/vgg19.pth");
  EXPECT_EQ(verify_model(lib, "vgg19").status, VerifyStatus::Ok);
  std::ofstream(d + "/fast-style/wave.safetensors") << "changed";
  EXPECT_EQ(verify_model(lib, "fast-style/wave").status, VerifyStatus::Mismatch);
  // Built-in entries are not duplicated by the index.
  int n = 0;
  for (const auto& m : lib.known()) n += m.name == "vgg19";
  EXPECT_EQ(n, 1);

  std::ofstream(d + "/index.json") << "{ corrupt";
  const std::string msg = test::error_of([&] { ModelLibrary{d}; });
  EXPECT_NE(msg.find("index '" + d + "/index.json' is corrupt (malformed JSON at byte"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("json.exception"), std::string::npos) << msg;
}

TEST(ModelLibrary, ImportRejectsBadSources) {
  ModelLibrary lib(fresh_dir("lib-import"));
  EXPECT_THROW(import_model(lib, "vgg19", test::temp_path("none.pth"), "", ignore), Error);
  EXPECT_THROW(import_model(lib, "fast-style", test::temp_path("none"), "", ignore), Error);
  EXPECT_THROW(import_model(lib, "fast-style", test::temp_dir(), "bad/name", ignore), Error);
  EXPECT_THROW(import_model(lib, "resnet", test::temp_dir(), "", ignore), Error);
}

// The Instant method's networks come from the library: an imported one is a valid choice, listed with the
// bundled ones; an unknown name is refused with the list.
TEST(ModelLibrary, ImportedStyleNetworksAreChoices) {
  const std::string dir = test::temp_path("choices-library");
  ModelLibrary library(dir);
  ModelInfo info;
  info.name = "fast-style/my_style";
  info.kind = ModelKind::FastStyle;
  info.description = "fast style transfer network";
  info.file = "fast-style/my_style.safetensors";
  library.record_import(info);

  const char* old = std::getenv("ATELIER_MODELS_DIR");
  const std::string saved = old ? old : "";
  setenv("ATELIER_MODELS_DIR", dir.c_str(), 1);
  const ParamSpec spec = library_network_param("net", "Net", "help", ModelKind::FastStyle, "wave", "Style");
  std::vector<std::string> nicks;
  for (const ChoiceOption& c : current_choices(spec)) nicks.push_back(c.nick);
  const std::vector<ParamSpec> specs = {spec};
  ParamValues v(specs);
  v.set_text("net", "my_style");
  const std::string error = test::error_of([&] { v.set_text("net", "nosuch"); });
  if (old)
    setenv("ATELIER_MODELS_DIR", saved.c_str(), 1);
  else
    unsetenv("ATELIER_MODELS_DIR");

  EXPECT_NE(std::find(nicks.begin(), nicks.end(), "wave"), nicks.end());
  EXPECT_NE(std::find(nicks.begin(), nicks.end(), "my_style"), nicks.end());
  EXPECT_EQ(v.get_text("net"), "my_style");
  EXPECT_NE(error.find("my_style"), std::string::npos) << error;
  EXPECT_EQ(spec.choices.size(), 9u);  // the bundled ones, declared once in ModelLibrary::builtin()
  EXPECT_EQ(spec.choices.front().label, "La Muse (Picasso)");
}

// The networks that ship with the program are read where it keeps them: a run writes nothing into the library.
// Installing one makes a copy there, which runs then read; removing it deletes the copy and the bundled file serves
// again. A model that is neither installed nor bundled is ModelMissing, naming how to install it (so that GIMP can
// offer the model manager).
TEST(ModelLibrary, BundledNetworksAreReadInPlaceUntilInstalled) {
  const std::string d = fresh_dir("lib-remove-bundled");
  ModelLibrary lib(d);
  const std::string bundled = bundled_file(lib.info("fast-style/wave"));
  ASSERT_FALSE(bundled.empty());
  EXPECT_TRUE(fs::exists(bundled));
  EXPECT_FALSE(lib.installed("fast-style/wave"));
  EXPECT_EQ(lib.path("fast-style/wave"), bundled);
  EXPECT_EQ(lib.path("arbitrary-style/magenta"), bundled_file(lib.info("arbitrary-style/magenta")));
  EXPECT_FALSE(fs::exists(d + "/fast-style"));
  EXPECT_EQ(bundled_file(lib.info("inception_v3")), "");  // installed with npm, never bundled

  std::vector<std::string> lines;
  install_model(lib, "fast-style/wave", [&](const std::string& l) { lines.push_back(l); });
  ASSERT_TRUE(lib.installed("fast-style/wave"));
  EXPECT_EQ(lib.path("fast-style/wave"), d + "/fast-style/wave.safetensors");
  EXPECT_EQ(verify_model(lib, "fast-style/wave").status, VerifyStatus::Ok);
  remove_model(lib, "fast-style/wave", [&](const std::string& l) { lines.push_back(l); });
  EXPECT_FALSE(lib.installed("fast-style/wave"));
  EXPECT_FALSE(fs::exists(d + "/fast-style/wave.safetensors"));
  EXPECT_TRUE(ModelLibrary(d).info("fast-style/wave").installable);
  EXPECT_EQ(lib.path("fast-style/wave"), bundled);
  try {
    lib.path("inception_v3");
    FAIL();
  } catch (const ModelMissing& e) {
    EXPECT_EQ(e.model, "inception_v3");
    EXPECT_NE(std::string(e.what()).find("atelier models install inception_v3"), std::string::npos) << e.what();
  }
  const std::string again = test::error_of([&] { remove_model(lib, "fast-style/wave", ignore); });
  EXPECT_NE(again.find("not installed"), std::string::npos) << again;
  EXPECT_THROW(remove_model(lib, "resnet50", ignore), Error);
}

// A trained style leaves the library with its checkpoint; other entries of the index stay.
TEST(ModelLibrary, RemovedTrainedStylesLeaveTheList) {
  const std::string d = fresh_dir("lib-remove-trained");
  {
    ModelLibrary lib(d);
    fs::create_directories(d + "/fast-style");
    for (const char* n : {"mine", "other"}) {
      std::ofstream(d + "/fast-style/" + n + ".safetensors") << n;
      lib.record_import({std::string("fast-style/") + n, ModelKind::FastStyle, "Trained style", "trained", "yours",
                         std::string("fast-style/") + n + ".safetensors", sha256_hex(n), false});
    }
    std::ofstream(d + "/fast-style/mine.checkpoint.safetensors") << "checkpoint";
    remove_model(lib, "fast-style/mine", ignore);
    EXPECT_THROW(lib.info("fast-style/mine"), Error);
  }
  ModelLibrary lib(d);
  EXPECT_THROW(lib.info("fast-style/mine"), Error);
  EXPECT_FALSE(fs::exists(d + "/fast-style/mine.checkpoint.safetensors"));
  EXPECT_TRUE(lib.installed("fast-style/other"));
  EXPECT_EQ(verify_model(lib, "fast-style/other").status, VerifyStatus::Ok);
}

// The installer's helper programs (npm, node, the downloader) run in their own process group, which Cancel
// stops whole.
TEST(ModelLibrary, HelperProgramsReportAndCanBeCancelled) {
  const std::string d = fresh_dir("lib-subprocess");
  EXPECT_EQ(run_shell("echo said; exit 3", d + "/log", Progress()), 3);
  std::ifstream log(d + "/log");
  std::string said;
  log >> said;
  EXPECT_EQ(said, "said");

  std::atomic<bool> cancel{false};
  int polls = 0;
  const Progress progress([](double, const std::string&) {}, &cancel);
  const std::string pid_file = d + "/pid";
  EXPECT_THROW(run_shell("sleep 60 & echo $! >" + pid_file + "; wait", d + "/log2", progress,
                         [&] {
                           if (++polls == 5) cancel = true;
                         }),
               Cancelled);
  EXPECT_GE(polls, 5);
  std::ifstream pf(pid_file);
  int pid = 0;
  ASSERT_TRUE(pf >> pid);
  // The background sleep was stopped with its shell (gone, or a zombie waiting for init).
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_s, comm, state;
  if (stat >> pid_s >> comm >> state) {
    EXPECT_EQ(state, "Z");
  }
}
