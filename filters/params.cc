#include "filters/params.h"

#include <cctype>
#include <cmath>
#include <sstream>

#include "core/device.h"
#include "core/error.h"
#include "core/numbers.h"
#include "models/model_library.h"

namespace atelier {
namespace {

std::string format_number(double v, ParamType t) {
  if (t == ParamType::Int && std::fabs(v) < 1e18) return std::to_string(std::llround(v));
  return format_double(v);
}

// Throws the "must be between" error for a value outside the spec's range (NaN included).
void require_in_range(const ParamSpec& s, double v) {
  if (!(v >= s.min && v <= s.max))
    throw Error("'" + s.name + "' must be between " + format_number(s.min, s.type) + " and " +
                format_number(s.max, s.type) + ", got " + format_double(v));
}

}  // namespace

std::vector<ChoiceOption> current_choices(const ParamSpec& s) {
  if (!s.list_choices) return s.choices;
  try {
    return s.list_choices();
  } catch (const std::exception&) {
    return s.choices;  // an unreadable library: the options that always exist
  }
}

std::string choice_nicks(const ParamSpec& s) {
  std::string out;
  for (const auto& c : current_choices(s)) out += (out.empty() ? "" : "|") + c.nick;
  return out;
}

bool param_in_use(const ParamSpec& s, const ParamValues& values) {
  for (const ParamCondition& c : s.used_when) {
    const std::string& v = values.get_text(c.param);
    bool any = false;
    for (const auto& allowed : c.values) any = any || v == allowed;
    if (!any) return false;
  }
  return true;
}

std::string describe_condition(const ParamSpec& s) {
  std::string out;
  for (const ParamCondition& c : s.used_when) {
    std::string values;
    for (size_t i = 0; i < c.values.size(); ++i)
      values += (i ? (i + 1 == c.values.size() ? " or " : ", ") : "") +
                (c.values[i].empty() ? std::string("empty") : c.values[i]);
    out += (out.empty() ? "used when " : " and ") + c.param + " is " + values;
  }
  return out;
}

ParamValues::ParamValues(const std::vector<ParamSpec>& specs) : specs_(&specs) {
  for (const auto& s : specs) {
    switch (s.type) {
      case ParamType::Int: values_[s.name] = static_cast<int>(std::llround(s.default_number)); break;
      case ParamType::Double: values_[s.name] = s.default_number; break;
      case ParamType::Bool: values_[s.name] = s.default_bool; break;
      default: values_[s.name] = s.default_text; break;
    }
  }
}

const ParamSpec* ParamValues::find_spec(const std::string& name) const {
  for (const auto& s : *specs_)
    if (s.name == name) return &s;
  return nullptr;
}

const ParamSpec& ParamValues::spec(const std::string& name) const {
  if (const ParamSpec* s = find_spec(name)) return *s;
  throw Error("unknown parameter '" + name + "'");
}

void ParamValues::set_int(const std::string& name, int v) {
  const ParamSpec& s = spec(name);
  if (s.type == ParamType::Double) return set_double(name, v);
  if (s.type != ParamType::Int) throw Error("parameter '" + name + "' is not a number");
  require_in_range(s, v);
  values_[name] = v;
}

void ParamValues::set_double(const std::string& name, double v) {
  const ParamSpec& s = spec(name);
  if (s.type == ParamType::Int) {
    if (v != std::floor(v)) throw Error("'" + name + "' must be a whole number, got " + format_double(v));
    require_in_range(s, v);  // before the cast: a value beyond int's range would wrap
    values_[name] = static_cast<int>(v);
    return;
  }
  if (s.type != ParamType::Double) throw Error("parameter '" + name + "' is not a number");
  require_in_range(s, v);
  values_[name] = v;
}

void ParamValues::set_bool(const std::string& name, bool v) {
  if (spec(name).type != ParamType::Bool) throw Error("parameter '" + name + "' is not a yes/no option");
  values_[name] = v;
}

void ParamValues::set_text(const std::string& name, const std::string& v) {
  const ParamSpec& s = spec(name);
  if (s.type == ParamType::Choice) {
    bool ok = false;
    for (const auto& c : current_choices(s)) ok = ok || c.nick == v;
    if (!ok) throw Error("'" + name + "' must be one of " + choice_nicks(s) + ", got '" + v + "'");
  } else if (s.type != ParamType::File && s.type != ParamType::String && s.type != ParamType::Layer &&
             s.type != ParamType::Channel) {
    throw Error("parameter '" + name + "' is not text");
  }
  values_[name] = v;
}

void ParamValues::set_from_string(const std::string& name, const std::string& text) {
  const ParamSpec& s = spec(name);
  switch (s.type) {
    case ParamType::Int:
    case ParamType::Double: {
      const std::optional<double> v = parse_double(text);
      if (!v) throw Error("'" + name + "' expects a number written with a dot (e.g. 0.5), got '" + text + "'");
      set_double(name, *v);
      break;
    }
    case ParamType::Bool:
      if (text == "true" || text == "1" || text == "yes" || text == "on")
        set_bool(name, true);
      else if (text == "false" || text == "0" || text == "no" || text == "off")
        set_bool(name, false);
      else
        throw Error("'" + name + "' expects true or false, got '" + text + "'");
      break;
    default: set_text(name, text);
  }
  if (s.repeatable) lists_[s.name].push_back(text);
}

const std::vector<std::string>& ParamValues::get_list(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = lists_.find(spec(name).name);
  return it == lists_.end() ? kNone : it->second;
}

int ParamValues::get_int(const std::string& name) const {
  const ParamValue& v = values_.at(spec(name).name);
  if (auto p = std::get_if<int>(&v)) return *p;
  throw Error("parameter '" + name + "' is not an integer");
}
double ParamValues::get_double(const std::string& name) const {
  const ParamValue& v = values_.at(spec(name).name);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int>(&v)) return *p;
  throw Error("parameter '" + name + "' is not a number");
}
bool ParamValues::get_bool(const std::string& name) const {
  const ParamValue& v = values_.at(spec(name).name);
  if (auto p = std::get_if<bool>(&v)) return *p;
  throw Error("parameter '" + name + "' is not a yes/no option");
}
const std::string& ParamValues::get_text(const std::string& name) const {
  const ParamValue& v = values_.at(spec(name).name);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  throw Error("parameter '" + name + "' is not text");
}
int ParamValues::choice_index(const std::string& name) const {
  const ParamSpec& s = spec(name);
  const std::string& v = get_text(name);
  for (size_t i = 0; i < s.choices.size(); ++i)
    if (s.choices[i].nick == v) return static_cast<int>(i);
  return -1;
}

ParamSpec number_param(std::string name, std::string label, std::string help, ParamType type, double min, double max,
                       double def, std::string group, int digits) {
  ParamSpec s;
  s.name = std::move(name);
  s.label = std::move(label);
  s.help = std::move(help);
  s.type = type;
  s.min = min;
  s.max = max;
  s.default_number = def;
  s.group = std::move(group);
  s.digits = digits;
  return s;
}

ParamSpec text_param(std::string name, std::string label, std::string help, ParamType type, std::string def,
                     std::string group, unsigned scope) {
  ParamSpec s;
  s.name = std::move(name);
  s.label = std::move(label);
  s.help = std::move(help);
  s.type = type;
  s.default_text = std::move(def);
  s.group = std::move(group);
  s.scope = scope;
  return s;
}

ParamSpec choice_param(std::string name, std::string label, std::string help, std::vector<ChoiceOption> options,
                       std::string def, std::string group) {
  ParamSpec s = text_param(std::move(name), std::move(label), std::move(help), ParamType::Choice, std::move(def),
                           std::move(group));
  s.choices = std::move(options);
  return s;
}

ParamSpec feature_network_param(std::string label, std::string help) {
  ParamSpec s =
      choice_param("network", std::move(label), std::move(help),
                   {{"auto", "Automatic"}, {"inception_v3", "InceptionV3"}, {"vgg19", "VGG-19"}}, "auto", "Engine");
  s.role = ParamRole::kFeatureNetwork;
  // Networks that are not installed stay valid (the run says how to install them) but are greyed out.
  s.list_choices = [choices = s.choices] {
    const ModelLibrary library;
    std::vector<ChoiceOption> out = choices;
    for (ChoiceOption& c : out) c.available = c.nick == "auto" || library.installed(c.nick);
    return out;
  };
  return s;
}

ParamSpec library_network_param(std::string name, std::string label, std::string help, ModelKind kind,
                                std::string default_nick, std::string group) {
  const std::string prefix = model_name(kind, "");
  // Bundled networks: "Feed-forward style network: The Great Wave (Hokusai)" is shown as "The Great Wave (Hokusai)".
  auto option = [prefix](const ModelInfo& m) {
    const size_t colon = m.description.find(": ");
    std::string shown = colon == std::string::npos ? m.name.substr(prefix.size()) : m.description.substr(colon + 2);
    return ChoiceOption{m.name.substr(prefix.size()), shown};
  };
  std::vector<ChoiceOption> bundled;
  for (const ModelInfo& m : ModelLibrary::builtin())
    if (m.kind == kind && m.name.rfind(prefix, 0) == 0) bundled.push_back(option(m));
  ParamSpec s = choice_param(std::move(name), std::move(label), std::move(help), std::move(bundled),
                             std::move(default_nick), std::move(group));
  s.list_choices = [kind, prefix, option] {
    std::vector<ChoiceOption> all;
    for (const ModelInfo& m : ModelLibrary().known())
      if (m.kind == kind && m.name.rfind(prefix, 0) == 0) all.push_back(option(m));
    return all;
  };
  return s;
}

ParamSpec with_leading_choice(ParamSpec spec, ChoiceOption first) {
  spec.choices.insert(spec.choices.begin(), first);
  if (spec.list_choices)
    spec.list_choices = [listed = spec.list_choices, first] {
      std::vector<ChoiceOption> all = listed();
      all.insert(all.begin(), first);
      return all;
    };
  return spec;
}

ParamSpec device_param(std::string label) {
  ParamSpec s = choice_param("device", std::move(label), "Where to compute; auto = the GPU when there is one",
                             {{"auto", "Automatic"}, {"cpu", "CPU"}, {"cuda", "GPU (CUDA)"}}, "auto", "Engine");
  s.role = ParamRole::kDevice;
  // "cuda" stays a valid value (a script written on a GPU machine runs elsewhere and is told why not), but the
  // dialog offers it only where a GPU is usable.
  s.list_choices = [choices = s.choices] {
    std::vector<ChoiceOption> out = choices;
    for (ChoiceOption& c : out)
      if (c.nick == "cuda") c.available = cuda_available();
    return out;
  };
  return s;
}

ParamSpec seed_param(std::string label, std::string help) {
  return number_param("seed", std::move(label), std::move(help), ParamType::Int, 0, 2147483647, 0, "Engine", 0);
}

namespace {

// "Style la_yer" -> "style layer", as a message names it.
std::string plain_label(const ParamSpec& spec) {
  std::string out;
  for (char c : spec.label)
    if (c != '_') out += c;
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace

ParamSpec layer_param(std::string name, std::string label, std::string help, std::string group, std::string instead_of,
                      bool one_required) {
  ParamSpec s =
      text_param(std::move(name), std::move(label), std::move(help), ParamType::Layer, "", std::move(group), kGimp);
  s.instead_of = std::move(instead_of);
  s.one_required = one_required;
  return s;
}

ParamSpec channel_param(std::string name, std::string label, std::string help, std::string group) {
  return text_param(std::move(name), std::move(label), std::move(help), ParamType::Channel, "", std::move(group),
                    kGimp);
}

LayerOrFile read_layer_or_file(const ParamValues& values, const std::string& layer_param_name) {
  const ParamSpec& layer = values.spec(layer_param_name);
  LayerOrFile out;
  out.layer = values.get_text(layer.name);
  if (layer.instead_of.empty()) return out;
  const ParamSpec& file = values.spec(layer.instead_of);
  out.file = values.get_text(file.name);
  if (!out.layer.empty() && !out.file.empty())
    out.conflict = "both " + plain_label(layer) + " and " + plain_label(file) + " are chosen (" + layer.name + ", " +
                   file.name + "); choose one of them";
  return out;
}

std::string LayerOrFile::chosen() const {
  if (!conflict.empty()) throw Error(conflict);
  return layer.empty() ? file : layer;
}

std::string layer_or_file(const ParamValues& values, const std::string& layer_param_name) {
  return read_layer_or_file(values, layer_param_name).chosen();
}

std::vector<const ParamSpec*> layers_to_preselect(const ParamValues& values) {
  std::vector<const ParamSpec*> out;
  for (const ParamSpec& s : values.specs())
    if (s.type == ParamType::Layer && s.one_required && layer_or_file(values, s.name).empty()) out.push_back(&s);
  return out;
}

ParamSpec layer_name_param(std::string label, std::string default_name) {
  ParamSpec s = text_param("layer-name", std::move(label), "Name of the new layer", ParamType::String,
                           std::move(default_name), "Output", kGimp);
  s.role = ParamRole::kLayerName;
  return s;
}

ParamSpec method_param(std::string help, std::vector<ChoiceOption> methods, std::string group) {
  std::string first = methods.front().nick;
  return choice_param("method", "_Method", std::move(help), std::move(methods), std::move(first), std::move(group));
}

ParamSpec input_image_param(std::string name, std::string help) {
  ParamSpec s =
      text_param(std::move(name), "Input image", std::move(help), ParamType::File, "", "Input and output", kCli);
  s.role = ParamRole::kInputImage;
  return s;
}

ParamSpec output_file_param() {
  ParamSpec s = text_param("output", "Output file", "image file to write: .png, .jpg, .bmp or .tga (command line only)",
                           ParamType::File, "", "Input and output", kCli);
  s.role = ParamRole::kOutputFile;
  return s;
}

ParamSpec input_long_side_param() {
  ParamSpec s = number_param("size", "Output size",
                             "long side of the result in pixels: the input is scaled to it first (command line "
                             "only; 0 = the input's own size)",
                             ParamType::Int, 0, 32768, 0, "Input and output", 0);
  s.scope = kCli;
  s.role = ParamRole::kInputLongSide;
  return s;
}

std::vector<ParamSpec> command_line_io_params(std::string input_name, std::string input_help) {
  return {input_image_param(std::move(input_name), std::move(input_help)), output_file_param()};
}

std::string describe_param(const ParamSpec& s) {
  std::ostringstream o;
  switch (s.type) {
    case ParamType::Int:
    case ParamType::Double:
      o << "(" << format_number(s.min, s.type) << " to " << format_number(s.max, s.type) << ", default "
        << format_number(s.default_number, s.type) << ") ";
      break;
    case ParamType::Bool: o << "(true|false, default " << (s.default_bool ? "true" : "false") << ") "; break;
    case ParamType::Choice: o << "(" << choice_nicks(s) << ", default " << s.default_text << ") "; break;
    default:
      if (!s.default_text.empty()) o << "(default " << s.default_text << ") ";
  }
  o << s.help;
  if (const std::string when = describe_condition(s); !when.empty()) o << " (" << when << ")";
  return o.str();
}

}  // namespace atelier
