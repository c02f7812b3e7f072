// The GIMP procedure arguments the product plug-in must have, derived from the declarations (all_filters(),
// scope kGimp). Default: JSON, which tests/gimp/arguments.py compares with GIMP's PDB. --markdown: the argument
// tables of docs/gimp-plugin.md (tools/gimp-doc.sh puts them there).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

#include "core/json_checked.h"
#include "filters/filter.h"

namespace {

using atelier::ParamSpec;
using atelier::ParamType;

const char* kTypes[] = {"int", "double", "bool", "choice", "file", "string", "layer"};

std::string strip_mnemonic(std::string s) {
  for (size_t i = s.find('_'); i != std::string::npos; i = s.find('_', i)) s.erase(i, 1);
  return s;
}

std::string markdown_default(const ParamSpec& s) {
  switch (s.type) {
    case ParamType::Int:
    case ParamType::Double: {
      std::ostringstream o;
      if (s.type == ParamType::Int)
        o << std::llround(s.default_number) << " (" << std::llround(s.min) << " to " << std::llround(s.max) << ")";
      else
        o << s.default_number << " (" << s.min << " to " << s.max << ")";
      return o.str();
    }
    case ParamType::Bool:
      return s.default_bool ? "`#t`" : "`#f`";
    case ParamType::Choice: {
      std::string out = "`\"" + s.default_text + "\"` of";
      for (const auto& c : s.choices) out += " `" + c.nick + "`";
      return out;
    }
    case ParamType::File:
      return s.default_text.empty() ? "none (leave it out)" : "`" + s.default_text + "`";
    case ParamType::String:
      return "`\"" + s.default_text + "\"`";
    case ParamType::Layer:
      return "none (leave it out)";
  }
  return "";
}

void print_markdown() {
  for (const atelier::Filter* f : atelier::all_filters()) {
    std::printf("### `plug-in-atelier-%s` — Filters ▸ Neural ▸ %s\n\n%s\n\n", f->name.c_str(),
                strip_mnemonic(f->menu_label).c_str(), f->blurb.c_str());
    std::printf("| Keyword | Type | Default (range / choices) | Dialog label | Meaning |\n|---|---|---|---|---|\n");
    std::printf("| `#:run-mode` | enum | | | `RUN-NONINTERACTIVE` from scripts |\n");
    std::printf("| `#:image` | image | | | |\n| `#:drawables` | vector | | | exactly one layer: `(vector layer)` |\n");
    for (const ParamSpec& s : f->params) {
      if (!(s.scope & atelier::kGimp)) continue;
      std::printf("| `#:%s` | %s | %s | %s | %s |\n", s.name.c_str(), kTypes[static_cast<int>(s.type)],
                  markdown_default(s).c_str(), strip_mnemonic(s.label).c_str(), s.help.c_str());
    }
    std::printf("\n");
  }
}

void print_json() {
  atelier::Json procedures = atelier::Json::array();
  for (const atelier::Filter* f : atelier::all_filters()) {
    atelier::Json args = atelier::Json::array();
    for (const ParamSpec& s : f->params) {
      if (!(s.scope & atelier::kGimp)) continue;
      atelier::Json a = {{"name", s.name}, {"type", kTypes[static_cast<int>(s.type)]}};
      switch (s.type) {
        case ParamType::Int:
        case ParamType::Double:
          a["min"] = s.min, a["max"] = s.max, a["default"] = s.default_number;
          break;
        case ParamType::Bool:
          a["default"] = s.default_bool;
          break;
        case ParamType::Choice: {
          atelier::Json nicks = atelier::Json::array();
          for (const auto& c : s.choices) nicks.push_back(c.nick);
          a["choices"] = nicks, a["default"] = s.default_text;
          break;
        }
        default:
          a["default"] = s.default_text;
      }
      args.push_back(a);
    }
    procedures.push_back(
        atelier::Json{{"procedure", "plug-in-atelier-" + f->name}, {"title", f->title}, {"arguments", args}});
  }
  std::puts(atelier::json::dump(procedures, 2).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--markdown") == 0)
    print_markdown();
  else
    print_json();
  return 0;
}
