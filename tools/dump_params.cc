// The GIMP procedure arguments the product plug-in must have, derived from the declarations (all_filters(),
// scope kGimp). Default: JSON, which tests/gimp/arguments.py compares with GIMP's PDB. --markdown: the argument
// tables of docs/gimp-plugin.md (tools/gimp-doc.sh puts them there). --gettext: the declarations' user-visible
// strings as N_() calls for xgettext (po/filter_strings.cc, also written by tools/gimp-doc.sh). --help-json: the
// texts and options of every procedure, untranslated, for the help pages (tools/help_pages.py, at build time).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>
#include <string>

#include "core/json_checked.h"
#include "filters/filter.h"

namespace {

using atelier::ParamSpec;
using atelier::ParamType;

const char* kTypes[] = {"int", "double", "bool", "choice", "file", "string", "layer", "channel"};

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
    case ParamType::Bool: return s.default_bool ? "`#t`" : "`#f`";
    case ParamType::Choice: {
      std::string out = "`\"" + s.default_text + "\"` of";
      for (const auto& c : s.choices) out += " `" + c.nick + "`";
      return out;
    }
    case ParamType::File: return s.default_text.empty() ? "none (leave it out)" : "`" + s.default_text + "`";
    case ParamType::String: return "`\"" + s.default_text + "\"`";
    case ParamType::Layer:
    case ParamType::Channel: return "none (leave it out)";
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

// A GIMP argument's name, type, range or choices and default; with_texts: also its label, help and group, and the
// choices' labels (untranslated msgids; the help pages translate them).
atelier::Json argument_json(const ParamSpec& s, bool with_texts) {
  atelier::Json a = {{"name", s.name}, {"type", kTypes[static_cast<int>(s.type)]}};
  if (with_texts) a["label"] = s.label, a["help"] = s.help, a["group"] = s.group;
  switch (s.type) {
    case ParamType::Int:
    case ParamType::Double: a["min"] = s.min, a["max"] = s.max, a["default"] = s.default_number; break;
    case ParamType::Bool: a["default"] = s.default_bool; break;
    case ParamType::Choice: {
      atelier::Json choices = atelier::Json::array();
      for (const auto& c : s.choices)
        choices.push_back(with_texts ? atelier::Json{{"nick", c.nick}, {"label", c.label}} : atelier::Json(c.nick));
      a["choices"] = choices, a["default"] = s.default_text;
      break;
    }
    default: a["default"] = s.default_text;
  }
  return a;
}

atelier::Json arguments_json(const atelier::Filter& f, bool with_texts) {
  atelier::Json args = atelier::Json::array();
  for (const ParamSpec& s : f.params)
    if (s.scope & atelier::kGimp) args.push_back(argument_json(s, with_texts));
  return args;
}

void print_json() {
  atelier::Json procedures = atelier::Json::array();
  for (const atelier::Filter* f : atelier::all_filters())
    procedures.push_back(atelier::Json{
        {"procedure", "plug-in-atelier-" + f->name}, {"title", f->title}, {"arguments", arguments_json(*f, false)}});
  std::puts(atelier::json::dump(procedures, 2).c_str());
}

// Every procedure's texts and options as the dialog shows them, and its preview, for the help pages and tests.
void print_help_json() {
  atelier::Json procedures = atelier::Json::array();
  for (const atelier::Filter* f : atelier::all_filters()) {
    const std::string preview = !f->preview                                        ? "none"
                                : f->preview(atelier::ParamValues(f->params)).live ? "live"
                                                                                   : "on request";
    procedures.push_back(atelier::Json{{"procedure", "plug-in-atelier-" + f->name},
                                       {"name", f->name},
                                       {"preview", preview},
                                       {"menu_label", f->menu_label},
                                       {"title", f->title},
                                       {"blurb", f->blurb},
                                       {"help", f->help},
                                       {"options", arguments_json(*f, true)}});
  }
  std::puts(atelier::json::dump(procedures, 2).c_str());
}

std::string c_literal(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + "\"";
}

void print_gettext() {
  std::printf(
      "// Generated by tools/gimp-doc.sh from the filters' parameter declarations (do not edit): the texts the\n"
      "// plug-in shows, for xgettext. The plug-in translates them when it registers its procedures.\n");
  std::set<std::string> seen;
  auto mark = [&](const std::string& text) {
    if (!text.empty() && seen.insert(text).second) std::printf("N_(%s);\n", c_literal(text).c_str());
  };
  for (const atelier::Filter* f : atelier::all_filters()) {
    mark(f->menu_label), mark(f->title), mark(f->blurb), mark(f->help);
    for (const ParamSpec& s : f->params) {
      if (!(s.scope & atelier::kGimp)) continue;
      mark(s.label), mark(s.help), mark(s.group);
      for (const auto& c : s.choices) mark(c.label);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--markdown") == 0)
    print_markdown();
  else if (argc > 1 && std::strcmp(argv[1], "--gettext") == 0)
    print_gettext();
  else if (argc > 1 && std::strcmp(argv[1], "--help-json") == 0)
    print_help_json();
  else
    print_json();
  return 0;
}
