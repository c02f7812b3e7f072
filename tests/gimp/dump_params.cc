// Prints the GIMP procedure arguments the product plug-in must have, derived from the declarations
// (all_filters(), scope kGimp), as JSON; tests/gimp/arguments.py compares them with GIMP's PDB.
#include <cstdio>

#include "core/json.h"
#include "filters/filter.h"

int main() {
  using atelier::json::Value;
  Value::Array procedures;
  for (const atelier::Filter* f : atelier::all_filters()) {
    Value::Array args;
    for (const atelier::ParamSpec& s : f->params) {
      if (!(s.scope & atelier::kGimp)) continue;
      static const char* kTypes[] = {"int", "double", "bool", "choice", "file", "string"};
      Value::Object a{{"name", s.name}, {"type", kTypes[static_cast<int>(s.type)]}};
      switch (s.type) {
        case atelier::ParamType::Int:
        case atelier::ParamType::Double:
          a["min"] = s.min, a["max"] = s.max, a["default"] = s.default_number;
          break;
        case atelier::ParamType::Bool: a["default"] = s.default_bool; break;
        case atelier::ParamType::Choice: {
          Value::Array nicks;
          for (const auto& c : s.choices) nicks.emplace_back(c.nick);
          a["choices"] = nicks, a["default"] = s.default_text;
          break;
        }
        default: a["default"] = s.default_text;
      }
      args.emplace_back(a);
    }
    procedures.emplace_back(Value::Object{{"procedure", "plug-in-atelier-" + f->name}, {"arguments", args}});
  }
  std::puts(Value(procedures).dump(2).c_str());
  return 0;
}
