#include "plugin/procedure_support.h"

namespace atelier::plugin {
namespace {

// Where the plug-in's data folder `name` is: the environment variable `env` (a build's own, tools/gimp-env.sh);
// else a folder beside the plug-in (installed into the user's GIMP by ./run install); else the system's (a
// package).
std::string data_dir(const char* env, const char* name, const char* installed) {
  const char* value = g_getenv(env);
  if (value && *value) return value;
  if (gchar* exe = g_file_read_link("/proc/self/exe", nullptr)) {
    gchar* folder = g_path_get_dirname(exe);
    gchar* beside = g_build_filename(folder, name, nullptr);
    const std::string dir = beside;
    g_free(beside);
    g_free(folder);
    g_free(exe);
    if (g_file_test(dir.c_str(), G_FILE_TEST_IS_DIR)) return dir;
  }
  return installed;
}

}  // namespace

std::string help_dir() {
  return data_dir("ATELIER_HELPDIR", "help", ATELIER_HELPDIR);
}

std::string locale_dir() {
  return data_dir("ATELIER_LOCALEDIR", "locale", ATELIER_LOCALEDIR);
}

GimpValueArray* failure(GimpProcedure* procedure, GimpPDBStatusType status, const std::string& message) {
  GError* error = g_error_new_literal(GIMP_PLUG_IN_ERROR, 0, message.c_str());
  return gimp_procedure_new_return_values(procedure, status, error);
}

}  // namespace atelier::plugin
