#include "dialogs/procedure_config.h"

#include <memory>

#include "core/error.h"

namespace atelier::dialogs {
namespace {

struct GFree {
  void operator()(gchar* p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<gchar, GFree>;

}  // namespace

std::string dialog_property(const ParamSpec& spec) {
  if (spec.type == ParamType::Choice) return spec.name + "-choice";
  if (spec.type == ParamType::File) return spec.name + "-file";
  return spec.name;
}

void sync_dialog_twins(GimpProcedureConfig* config, const Filter& filter, TwinSync direction) {
  for (const ParamSpec* s : gimp_params(filter)) {
    if (s->type != ParamType::Choice && s->type != ParamType::File) continue;
    const std::string twin = dialog_property(*s);
    const char* from = direction == TwinSync::kToDialog ? s->name.c_str() : twin.c_str();
    const char* to = direction == TwinSync::kToDialog ? twin.c_str() : s->name.c_str();
    if (s->type == ParamType::File) {
      GFile* value = nullptr;
      GFile* current = nullptr;
      g_object_get(config, from, &value, nullptr);
      g_object_get(config, to, &current, nullptr);
      const bool same = value == current || (value && current && g_file_equal(value, current));
      if (!same) g_object_set(config, to, value, nullptr);
      if (value) g_object_unref(value);
      if (current) g_object_unref(current);
      continue;
    }
    gchar* value = nullptr;
    g_object_get(config, from, &value, nullptr);
    GCharPtr owned(value);
    gchar* current = nullptr;
    g_object_get(config, to, &current, nullptr);
    GCharPtr owned_current(current);
    bool valid = false;
    for (const ChoiceOption& c : current_choices(*s)) valid = valid || (value && c.nick == value);
    if (valid && (!current || std::string(current) != value)) g_object_set(config, to, value, nullptr);
  }
}

std::string item_key(GimpItem* item) {
  return (GIMP_IS_LAYER(item) ? "layer:" : "channel:") + std::to_string(gimp_item_get_id(item));
}

std::vector<const ParamSpec*> gimp_params(const Filter& filter) {
  std::vector<const ParamSpec*> out;
  for (const ParamSpec& s : filter.params)
    if (s.scope & kGimp) out.push_back(&s);
  return out;
}

ParamValues read_values(GimpProcedureConfig* config, const Filter& filter) {
  ParamValues values(filter.params);
  for (const ParamSpec* sp : gimp_params(filter)) {
    const ParamSpec& s = *sp;
    const char* name = s.name.c_str();
    switch (s.type) {
      case ParamType::Int: {
        gint v = 0;
        g_object_get(config, name, &v, nullptr);
        values.set_int(s.name, v);
        break;
      }
      case ParamType::Double: {
        gdouble v = 0;
        g_object_get(config, name, &v, nullptr);
        values.set_double(s.name, v);
        break;
      }
      case ParamType::Bool: {
        gboolean v = FALSE;
        g_object_get(config, name, &v, nullptr);
        values.set_bool(s.name, v != FALSE);
        break;
      }
      case ParamType::Choice:
      case ParamType::String: {
        gchar* v = nullptr;
        g_object_get(config, name, &v, nullptr);
        GCharPtr owned(v);
        values.set_text(s.name, v ? v : "");
        break;
      }
      case ParamType::Layer:
      case ParamType::Channel: {
        GimpItem* item = nullptr;
        g_object_get(config, name, &item, nullptr);
        values.set_text(s.name, item ? item_key(item) : "");
        if (item) g_object_unref(item);
        break;
      }
      case ParamType::File: {
        GFile* file = nullptr;
        g_object_get(config, name, &file, nullptr);
        if (!file) {
          values.set_text(s.name, "");
          break;
        }
        GCharPtr path(g_file_get_path(file));
        GCharPtr uri(g_file_get_uri(file));
        GCharPtr parse_name(g_file_get_parse_name(file));
        g_object_unref(file);
        // Script-Fu turns "" into a file named '' (not NULL): that means no file.
        const std::string given = parse_name ? parse_name.get() : "";
        if (given.empty() || (path && std::string(path.get()).empty())) {
          values.set_text(s.name, "");
          break;
        }
        if (!path)
          throw Error("'" + s.name + "': " + (uri ? uri.get() : "?") +
                      " is not a local file; copy it to a local folder and choose it there");
        if (!g_file_test(path.get(), G_FILE_TEST_EXISTS))
          throw Error("'" + s.name + "': the file '" + path.get() + "' does not exist; check the name and folder");
        if (s.folder != static_cast<bool>(g_file_test(path.get(), G_FILE_TEST_IS_DIR)))
          throw Error("'" + s.name + "': '" + path.get() + "' is " +
                      (s.folder ? "a file; choose a folder" : "a folder; choose an image file"));
        values.set_text(s.name, path.get());
        break;
      }
    }
  }
  return values;
}

}  // namespace atelier::dialogs
