#pragma once
// One declaration per filter parameter. The GIMP procedure arguments, the dialog, Script-Fu keywords and the
// CLI flags are all derived from these declarations (torch-free header).
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "models/model_library.h"

namespace atelier {

// Layer: a layer of any image open in GIMP (GIMP only); its value is "" (none) or the key under which the host's
// RunContext::read_image finds its pixels. Channel: a channel of the image the filter works on (GIMP only), as a
// Layer, read over the same pixels as the filter's input (grey levels).
enum class ParamType { Int, Double, Bool, Choice, File, String, Layer, Channel };

struct ChoiceOption {
  std::string nick;       // value on the CLI / in Script-Fu, e.g. "lbfgs"
  std::string label;      // shown in the dialog, e.g. "L-BFGS"
  bool available = true;  // false: valid but not usable now (a model that is not installed): greyed out
};

// A parameter that only matters for some values of another one (e.g. the Adam learning rate only when the
// optimizer is Adam): the dialog greys it out otherwise, --help says when it is used.
struct ParamCondition {
  std::string param;                // another parameter of the same filter (Choice, String or File)
  std::vector<std::string> values;  // its values (nicks, texts) for which this parameter is used
};

// Where a parameter is exposed.
enum ParamScope : unsigned {
  kCli = 1u,   // a --flag of the command line
  kGimp = 2u,  // a GIMP procedure argument (+ dialog widget + Script-Fu keyword)
  kBoth = kCli | kGimp,
};

// What a host does with a parameter beyond passing its value to the filter.
enum class ParamRole {
  kPlain,
  kLayerName,       // String: the name of the new layer (GIMP)
  kFeatureNetwork,  // Choice: a feature network of the model library; uninstalled ones are greyed out
  kDevice,          // Choice: where to compute (auto, cpu, cuda); run_filter() resolves it
  kInputImage,      // File (CLI): the image the filter works on (in GIMP: the active layer)
  kOutputFile,      // File (CLI): where the result is written
  kInputLongSide,   // Int (CLI): when > 0, the input image is scaled to this long side before the filter runs
};

struct ParamSpec {
  std::string name;   // kebab-case: GIMP argument name, Script-Fu keyword, CLI flag (--name)
  std::string label;  // dialog label, usually with a mnemonic ("_Iterations"); unique per dialog and clear of GIMP's
                      // buttons (h r c o l s; German h z c o g s): Params.DialogMnemonicsAreUniqueInEnglishAndGerman
  std::string help;   // one sentence, shown as tooltip and in --help
  ParamType type = ParamType::Int;
  double min = 0, max = 0;    // Int / Double
  double default_number = 0;  // Int / Double
  bool default_bool = false;  // Bool
  std::string default_text;   // Choice (nick), File (path or ""), String
  std::vector<ChoiceOption> choices;
  unsigned scope = kBoth;
  std::string group;                     // dialog section title, e.g. "Style", "Quality", "Output"
  std::vector<std::string> cli_aliases;  // extra CLI flag names (e.g. "style" for "style-image")
  int digits = 2;                        // Double: decimals shown in the dialog
  ParamRole role = ParamRole::kPlain;
  std::vector<ParamCondition> used_when;  // all must hold for the parameter to matter; empty = always
  bool repeatable = false;                // CLI only: the flag may be given several times (see get_list)
  bool folder = false;                    // File: names a folder, not a file
  // Choice whose options depend on the user's files (models in the library): the current options, with
  // `choices` the ones that always exist. Values are checked against the current options.
  std::function<std::vector<ChoiceOption>()> list_choices;
  // Layer: the File parameter it stands in for (the two cannot both be given), and whether the filter needs one
  // of them (then a dialog chooses another layer of the image when neither is given).
  std::string instead_of;
  bool one_required = false;
};

using ParamValue = std::variant<int, double, bool, std::string>;

// Values for a declaration; defaults filled in; every setter validates against the spec and throws
// atelier::Error with a message naming the parameter and the allowed range/choices.
class ParamValues {
 public:
  explicit ParamValues(const std::vector<ParamSpec>& specs);

  const std::vector<ParamSpec>& specs() const { return *specs_; }
  const ParamSpec& spec(const std::string& name) const;
  const ParamSpec* find_spec(const std::string& name) const;  // nullptr when the declaration has no such parameter

  void set_int(const std::string& name, int v);
  void set_double(const std::string& name, double v);
  void set_bool(const std::string& name, bool v);
  void set_text(const std::string& name, const std::string& v);  // Choice nick, File path, String
  // Parses a CLI string for any type ("true"/"false"/"1"/"0" for Bool). For a repeatable parameter the value is
  // also appended to get_list(name).
  void set_from_string(const std::string& name, const std::string& text);

  int get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  const std::string& get_text(const std::string& name) const;
  int choice_index(const std::string& name) const;  // index in spec.choices
  // Every value a repeatable parameter was given, as typed and checked, in order (empty when never given).
  const std::vector<std::string>& get_list(const std::string& name) const;

 private:
  const std::vector<ParamSpec>* specs_;
  std::map<std::string, ParamValue> values_;
  std::map<std::string, std::vector<std::string>> lists_;
};

// Builders for declarations.
ParamSpec number_param(std::string name, std::string label, std::string help, ParamType type, double min, double max,
                       double def, std::string group, int digits = 2);
ParamSpec text_param(std::string name, std::string label, std::string help, ParamType type, std::string def,
                     std::string group, unsigned scope = kBoth);
ParamSpec choice_param(std::string name, std::string label, std::string help, std::vector<ChoiceOption> options,
                       std::string def, std::string group);

// The parameters every filter shares, declared once (labels differ only to keep each dialog's mnemonics unique).
ParamSpec feature_network_param(std::string label, std::string help);
// A network of the model library of the given kind: nick = its name without the "KIND/" prefix (model_name());
// lists the bundled ones and everything imported or trained into the user's library.
ParamSpec library_network_param(std::string name, std::string label, std::string help, ModelKind kind,
                                std::string default_nick, std::string group);
// A choice (typically a library_network_param) with one more option listed first ("new": train a new one).
ParamSpec with_leading_choice(ParamSpec spec, ChoiceOption first);
ParamSpec device_param(std::string label);
ParamSpec seed_param(std::string label, std::string help);
ParamSpec layer_name_param(std::string label, std::string default_name);
// "method": which of a filter's algorithms runs (the first option is the default); parameters that only one method
// uses name it in their used_when.
ParamSpec method_param(std::string help, std::vector<ChoiceOption> methods, std::string group);
// A layer of any open image, chosen in the dialog or passed from Script-Fu (GIMP only; none by default), instead
// of the file parameter `instead_of`; `one_required`: the filter needs the layer or the file.
ParamSpec layer_param(std::string name, std::string label, std::string help, std::string group, std::string instead_of,
                      bool one_required);
// A channel of the image the filter works on (a saved selection, a mask painted as a channel), chosen in the dialog
// or passed from Script-Fu (GIMP only; none by default).
ParamSpec channel_param(std::string name, std::string label, std::string help, std::string group);
// A layer_param's value and the file's it stands in for, as read (reading never throws).
struct LayerOrFile {
  std::string layer, file;
  std::string conflict;  // the message when both are given
  // The one given ("" when neither). Throws atelier::Error when both are given.
  std::string chosen() const;
};
LayerOrFile read_layer_or_file(const ParamValues& values, const std::string& layer_param_name);
// read_layer_or_file(values, layer_param_name).chosen().
std::string layer_or_file(const ParamValues& values, const std::string& layer_param_name);
// The layer_params that a dialog should fill with another layer of the image: required, and neither they nor
// their files given (whether the current method uses them or not: the user may switch to one that does).
std::vector<const ParamSpec*> layers_to_preselect(const ParamValues& values);
// The command line's input image (name: "input", or "content" where that says more) and output file.
ParamSpec input_image_param(std::string name, std::string help);
ParamSpec output_file_param();
// The command line's --size: the input is scaled to this long side first (0 = its own size).
ParamSpec input_long_side_param();
// Both, the first parameters of every filter's declaration.
std::vector<ParamSpec> command_line_io_params(std::string input_name, std::string input_help);

// The options of a Choice now: list_choices() when declared (falling back to `choices` if the library cannot be
// read), else `choices`.
std::vector<ChoiceOption> current_choices(const ParamSpec& spec);

// "a|b|c": the current nicks of a Choice, as messages and help texts list them.
std::string choice_nicks(const ParamSpec& spec);

// Whether the parameter matters for these values (its used_when conditions hold).
bool param_in_use(const ParamSpec& spec, const ParamValues& values);

// "used when method is optimize" (empty when always used), for --help and tooltips.
std::string describe_condition(const ParamSpec& spec);

// "Iterations (1-5000, default 180): help" for --help texts.
std::string describe_param(const ParamSpec& spec);

}  // namespace atelier
